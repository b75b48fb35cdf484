using System.Diagnostics;
using Microsoft.CodeAnalysis;
using Xunit.Abstractions;

namespace ParallelGen.Generator.Tests;

/// <summary>
/// Issue 15's "done when": the generator and analyzers over a deterministic mutation corpus (<see cref="MutationCorpus"/>)
/// never throw (no CS8784/CS8785, no AD0001), never overflow the stack (they run on a 512 KB thread), and for every input
/// whose own code has no errors, the generated code compiles without errors (and adds no errors to the user's files).
/// </summary>
/// <remarks>
/// The test suite runs <see cref="DefaultInputs"/> inputs. For a long run set <c>PARALLELGEN_FUZZ_INPUTS</c> (and
/// optionally <c>PARALLELGEN_FUZZ_SEED</c>), e.g. <c>benchmarks/hostile-input-fuzz.sh 20000</c>; see
/// docs/benchmarks/hostile-input.md.
/// </remarks>
public class FuzzTests(ITestOutputHelper output)
{
    private const int DefaultInputs = 200;
    private const int DefaultSeed = 15;

    [Fact]
    public void Mutated_programs_never_crash_and_valid_ones_get_compiling_code()
    {
        int inputs = ReadSetting("PARALLELGEN_FUZZ_INPUTS", DefaultInputs);
        int seed = ReadSetting("PARALLELGEN_FUZZ_SEED", DefaultSeed);
        var failures = new List<string>();
        var slowest = new List<(TimeSpan Time, int Index)>();
        int valid = 0, generated = 0;
        var total = Stopwatch.StartNew();

        for (int i = 0; i < inputs; i++)
        {
            string source = MutationCorpus.Create(seed, i);
            var watch = Stopwatch.StartNew();
            HostileHarness.Outcome outcome = HostileHarness.Run(source);
            watch.Stop();
            slowest.Add((watch.Elapsed, i));

            if (!outcome.GeneratorFailures.IsEmpty || !outcome.AnalyzerFailures.IsEmpty)
            {
                failures.Add($"#{i} crashed: {outcome.Describe()}\n    input: {MutationCorpus.Describe(source)}");
            }

            if (outcome.InputErrors.IsEmpty)
            {
                valid++;
                generated += outcome.GeneratedSources.IsEmpty ? 0 : 1;
                if (!outcome.GeneratedErrors.IsEmpty || !outcome.UserErrors.IsEmpty)
                {
                    IEnumerable<Diagnostic> errors = outcome.GeneratedErrors.Concat(outcome.UserErrors);
                    failures.Add($"#{i} valid input, errors after generation: {string.Join(" | ", errors.Take(3))}\n    input: {MutationCorpus.Describe(source)}");
                }
            }
        }

        output.WriteLine($"{inputs} inputs (seed {seed}) in {total.Elapsed.TotalSeconds:F1} s; {valid} without errors of their own, {generated} of those got generated code.");
        foreach ((TimeSpan time, int index) in slowest.OrderByDescending(s => s.Time).Take(5))
        {
            output.WriteLine($"slow: #{index} {time.TotalMilliseconds:F0} ms");
        }

        Assert.True(failures.Count == 0, $"{failures.Count} of {inputs} inputs failed:\n" + string.Join("\n", failures.Take(20)));

        // The corpus must keep exercising the interesting path: valid programs that get generated code.
        Assert.True(inputs < 100 || generated >= inputs / 20, $"only {generated} of {inputs} inputs were valid programs with generated code");
    }

    private static int ReadSetting(string name, int fallback) =>
        int.TryParse(Environment.GetEnvironmentVariable(name), out int value) && value > 0 ? value : fallback;
}
