using Microsoft.CodeAnalysis.Diagnostics;
using ParallelGen.Analyzers.Tests.Verifiers;

namespace ParallelGen.Analyzers.Tests;

/// <summary>
/// Correct parallel code as users write it (the notebook's patterns, and the usual .NET idioms for safe parallel
/// accumulation) gets no diagnostic from any rule: a project with warnings as errors must build.
/// </summary>
public class RealisticCodeTests
{
    private const string CleanCode = TestSources.UsingsWithConcurrent + """
        public record Job(int Id, string Name);
        public sealed class Summary { public int Count { get; set; } public double Total { get; set; } }

        public static partial class Notebook
        {
            private static readonly object s_gate = new();
            private static long s_total;
            private static readonly ThreadLocal<Random> s_random = new(() => new Random(Interlocked.Increment(ref s_seed)));
            private static int s_seed = 1;

            // Monte-Carlo pi: one Random per call, seeded from the item.
            [Parallelize(Jobs = -1)]
            public static long Hits(int seed, int samples)
            {
                var random = new Random(seed);
                long hits = 0;
                for (int i = 0; i < samples; i++)
                {
                    double x = random.NextDouble(), y = random.NextDouble();
                    if (x * x + y * y <= 1) hits++;
                }

                return hits;
            }

            [Parallelize(Backend = Backend.Processes)]
            public static Summary Summarize(Job job, int[] values) => new() { Count = values.Length, Total = values.Sum() + job.Id };

            public static double Run(int n, IEnumerable<int> items, Job[] jobs)
            {
                // Per-iteration slots, local accumulation with one Interlocked add per worker, and locks.
                var results = new double[n];
                Parallel.For(0, n, i => results[i] = Math.Sqrt(i));

                long sum = 0;
                Parallel.For(0, n, () => 0L, (i, state, local) => local + i, local => Interlocked.Add(ref sum, local));

                var seen = new List<int>();
                Parallel.ForEach(items, x => { lock (s_gate) { seen.Add(x); } });

                var bag = new ConcurrentBag<int>();
                var counts = new ConcurrentDictionary<string, int>();
                Parallel.ForEach(jobs, job =>
                {
                    bag.Add(job.Id);
                    counts.AddOrUpdate(job.Name, 1, (_, c) => c + 1);
                    Interlocked.Add(ref s_total, job.Id);
                });

                // Shared random state done right.
                Parallel.For(0, n, i => { double a = Random.Shared.NextDouble(); double b = s_random.Value!.NextDouble(); results[i] += a + b; });

                // PLINQ reductions.
                double plinq = items.AsParallel().Select(x => Math.Sqrt(x)).Sum();
                int max = items.AsParallel().Aggregate(0, (acc, x) => Math.Max(acc, x));

                // A delegate stored in a local, a local function, a per-call object.
                Func<int, double> work = x => { var buffer = new List<double>(); buffer.Add(x); return buffer.Sum(); };
                double total = items.AsParallel().Select(work).Sum();
                double Local(int x) { var r = new Random(x); return r.NextDouble(); }
                Parallel.For(0, n, i => results[i] = Local(i));

                // joblib-style and futures.
                double[] roots = new ParallelJobs(jobs: 4).Run(items.Select(x => Delayed.Call(Math.Sqrt, (double)x)));
                using var executor = new ParallelExecutor(maxWorkers: 2);
                Future<long> future = executor.Submit(() => Hits(42, 1000));

                // (The generated HitsParallel/SummarizeParallel are not here: these tests run the analyzers without the generator.)
                long[] hits = [Hits(1, 10)];
                Summary[] summaries = [Summarize(jobs[0], [1, 2, 3])];

                // Sequential code is never analysed as parallel.
                var sequential = new Random(42);
                seen.Add(sequential.Next());
                s_total++;

                return results.Sum() + sum + plinq + max + total + roots.Sum() + future.Result() + hits.Sum() + summaries.Length + bag.Count + counts.Count;
            }
        }
        """;

    [Fact]
    public Task SharedRandom_finds_nothing() => CSharpAnalyzerVerifier<SharedRandomAnalyzer>.VerifyAnalyzerAsync(CleanCode);

    [Fact]
    public Task RacyWrite_finds_nothing() => CSharpAnalyzerVerifier<RacyWriteAnalyzer>.VerifyAnalyzerAsync(CleanCode);

    [Fact]
    public Task SharedCollection_finds_nothing() => CSharpAnalyzerVerifier<SharedCollectionAnalyzer>.VerifyAnalyzerAsync(CleanCode);

    [Fact]
    public Task ProcessBackend_finds_nothing() => CSharpAnalyzerVerifier<ProcessBackendAnalyzer>.VerifyAnalyzerAsync(CleanCode);

    [Fact]
    public Task ParallelizeUsage_finds_nothing() => CSharpAnalyzerVerifier<ParallelizeUsageAnalyzer>.VerifyAnalyzerAsync(CleanCode);
}
