using BenchmarkDotNet.Running;

namespace ParallelGen.Benchmarks;

/// <summary>
/// Entry point. Examples:
/// <code>
/// dotnet run -c Release --project benchmarks/ParallelGen.Benchmarks -- --filter '*'
/// dotnet run -c Release --project benchmarks/ParallelGen.Benchmarks -- --filter '*TinyBodies*'
/// dotnet run -c Release --project benchmarks/ParallelGen.Benchmarks -- --filter '*' --full            (BDN default job, slow)
/// dotnet run -c Release --project benchmarks/ParallelGen.Benchmarks -- --interleaved 200              (quick ratio check)
/// dotnet run -c Release --project benchmarks/ParallelGen.Benchmarks -- --loop 2000                     (per-item cost, 1 worker)
/// dotnet run -c Release --project benchmarks/ParallelGen.Benchmarks -- --cold TaskWhenAll               (first call in a fresh process)
/// dotnet run -c Release --project benchmarks/ParallelGen.Benchmarks -- --help                         (these options; "-- -- --help": BenchmarkDotNet's)
/// </code>
/// </summary>
public static class Program
{
    /// <summary><c>--full</c>: BenchmarkDotNet's default job instead of the short one.</summary>
    public static bool Full { get; private set; }

    public static int Main(string[] args)
    {
        var full = new System.CommandLine.Option<bool>("--full") { Description = "BenchmarkDotNet's default job instead of the short one (slow)." };
        var interleaved = new System.CommandLine.Option<int?>("--interleaved")
        {
            Description = "Noise-tolerant ratio check of the tiny-bodies variants: this many alternating rounds (200 is a good start).",
            HelpName = "rounds",
        };
        interleaved.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int?>() is < 1)
            {
                r.AddError("--interleaved needs at least 1 round.");
            }
        });
        var loop = new System.CommandLine.Option<int?>("--loop")
        {
            Description = "The generated loop's own per-item and per-call cost on one worker (Jobs = 1), cache-resident, against a plain for loop: this many rounds (2000 is a good start).",
            HelpName = "rounds",
        };
        loop.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int?>() is < 1)
            {
                r.AddError("--loop needs at least 1 round.");
            }
        });
        var cold = new System.CommandLine.Option<string?>("--cold")
        {
            Description = "One batch of the blocking benchmark as the first parallel work of a fresh process.",
            HelpName = "variant",
        }.AcceptOnlyFromAmong("Generated", "ParallelForEach", "TaskWhenAll");

        var root = new System.CommandLine.RootCommand(
            "ParallelGen's thread-backend benchmarks. Arguments not listed here go to BenchmarkDotNet " +
            "(--filter '*', --list flat, ...); after -- they always do: -- --help prints BenchmarkDotNet's own options.")
        {
            full, interleaved, loop, cold,
        };
        root.TreatUnmatchedTokensAsErrors = false;
        root.SetAction(parsed =>
        {
            Full = parsed.GetValue(full);
            if (parsed.GetValue(interleaved) is int rounds)
            {
                InterleavedCheck.Run(rounds);
                return 0;
            }

            if (parsed.GetValue(loop) is int loopRounds)
            {
                LoopCheck.Run(loopRounds);
                return 0;
            }

            if (parsed.GetValue(cold) is string variant)
            {
                ColdStart.Run(variant);
                return 0;
            }

            BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run([.. parsed.UnmatchedTokens]);
            return 0;
        });
        return root.Parse(args).Invoke();
    }
}
