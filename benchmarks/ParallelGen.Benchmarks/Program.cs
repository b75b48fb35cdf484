using BenchmarkDotNet.Running;

namespace ParallelGen.Benchmarks;

/// <summary>
/// Entry point. Examples:
/// <code>
/// dotnet run -c Release --project benchmarks/ParallelGen.Benchmarks -- --filter '*'
/// dotnet run -c Release --project benchmarks/ParallelGen.Benchmarks -- --filter '*TinyBodies*'
/// dotnet run -c Release --project benchmarks/ParallelGen.Benchmarks -- --filter '*' --full            (BDN default job, slow)
/// dotnet run -c Release --project benchmarks/ParallelGen.Benchmarks -- --interleaved 200              (quick ratio check)
/// dotnet run -c Release --project benchmarks/ParallelGen.Benchmarks -- --cold TaskWhenAll               (first call in a fresh process)
/// </code>
/// </summary>
public static class Program
{
    /// <summary><c>--full</c>: BenchmarkDotNet's default job instead of the short one.</summary>
    public static bool Full { get; private set; }

    public static void Main(string[] args)
    {
        Full = System.Array.IndexOf(args, "--full") >= 0;
        args = System.Array.FindAll(args, a => a != "--full");
        if (args.Length > 0 && args[0] == "--interleaved")
        {
            InterleavedCheck.Run(args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 200);
            return;
        }

        if (args.Length > 1 && args[0] == "--cold")
        {
            ColdStart.Run(args[1]);
            return;
        }

        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
    }
}
