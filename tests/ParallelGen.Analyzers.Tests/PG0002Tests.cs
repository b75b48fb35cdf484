using Microsoft.CodeAnalysis.Testing;
using Verify = ParallelGen.Analyzers.Tests.Verifiers.CSharpAnalyzerVerifier<ParallelGen.Analyzers.SharedRandomAnalyzer>;

namespace ParallelGen.Analyzers.Tests;

/// <summary>PG0002: a Random created in parallel code with a seed that is the same for every task (no code fix).</summary>
public class PG0002Tests
{
    private const string Usings = TestSources.Usings;

    private static DiagnosticResult Diagnostic(int location, object seed, string place = " in parallel code") =>
        new DiagnosticResult(DiagnosticDescriptors.ConstantSeedRandom).WithLocation(location).WithArguments(seed, place);

    [Fact]
    public Task ParallelFor_LiteralSeed() => Verify.VerifyAnalyzerAsync(Usings + """
        class C
        {
            void M() => Parallel.For(0, 10, i => { var r = {|#0:new Random(42)|}; r.Next(); });
        }
        """, Diagnostic(0, 42));

    [Fact]
    public Task ConstSeedAndTargetTypedNew_InEveryParallelContext() => Verify.VerifyAnalyzerAsync(Usings + """
        partial class C
        {
            const int Seed = 7;

            [Parallelize]
            public static int Trial(int x) { Random r = {|#0:new(Seed)|}; return r.Next(x); }

            async Task M(int[] items)
            {
                Parallel.ForEach(items, x => {|#1:new Random(1)|}.Next());
                await Parallel.ForEachAsync(items, (x, ct) => { {|#2:new Random(2)|}.Next(); return ValueTask.CompletedTask; });
                Parallel.Invoke(() => {|#3:new Random(3)|}.Next());
                items.AsParallel().Select(x => {|#4:new Random(4)|}.Next()).ToArray();
                items.AsParallel().ForAll(x => {|#5:new Random(5)|}.Next());
                items.Select(x => Delayed.Call(() => {|#6:new Random(6)|}.Next())).ToArray();
                using var executor = new ParallelExecutor();
                executor.Submit(() => {|#7:new Random(7)|}.Next());
            }
        }
        """,
        Diagnostic(0, 7), Diagnostic(1, 1), Diagnostic(2, 2), Diagnostic(3, 3), Diagnostic(4, 4), Diagnostic(5, 5), Diagnostic(6, 6), Diagnostic(7, 7));

    [Fact]
    public Task CalleeOneLevelDeep_ReportedAtCallSite() => Verify.VerifyAnalyzerAsync(Usings + """
        static class Noise
        {
            public static double Sample() => new Random(123).NextDouble();
        }

        class C
        {
            double[] M(int[] items) => items.AsParallel().Select(x => {|#0:Noise.Sample()|}).ToArray();
        }
        """, Diagnostic(0, 123, " in 'Noise.Sample()' called from parallel code"));

    [Fact]
    public Task SeedTheSameForEveryIteration_Reported() => Verify.VerifyAnalyzerAsync(Usings + """
        partial class C
        {
            static int s_seed = 5;
            static readonly int ReadonlySeed = Environment.ProcessorCount;
            int _seed;
            public static int SeedProperty { get; } = 3;

            class Options { public int Seed; }

            [Parallelize]
            public int Trial(int x) => {|#0:new Random(_seed)|}.Next(x);

            void M(int[] items, int baseSeed)
            {
                int seed = baseSeed * 2;
                var options = new Options { Seed = baseSeed };
                Parallel.For(0, 10, i => {|#1:new Random(baseSeed)|}.Next());
                Parallel.ForEach(items, x => {|#2:new Random(seed + 1)|}.Next());
                items.AsParallel().Select(x => {|#3:new Random(s_seed)|}.Next()).ToArray();
                Parallel.For(0, 10, () => {|#4:new Random(options.Seed)|}, (i, state, rng) => rng, rng => { });
                items.AsParallel().ForAll(x => {|#5:new Random(SeedProperty ^ ReadonlySeed)|}.Next());
                using var executor = new ParallelExecutor();
                executor.Map(x => {|#6:new Random(seed)|}.Next(x), items);
                Func<int, int> f = x => {|#7:new Random(baseSeed)|}.Next(x);
                items.AsParallel().Select(f).ToArray();
                foreach (int s in items)
                {
                    Parallel.For(0, 10, i => {|#8:new Random(s)|}.Next());
                }

                Parallel.For(0, 10, i => {|#9:Noise.Sample()|});
                Parallel.Invoke(() => Noise.Sample());
            }
        }

        static class Noise
        {
            static int s_seed = 1;
            public static double Sample() => new Random(s_seed).NextDouble();
        }
        """,
        Diagnostic(0, "'_seed'"), Diagnostic(1, "'baseSeed'"), Diagnostic(2, "'seed + 1'"), Diagnostic(3, "'s_seed'"),
        Diagnostic(4, "'options.Seed'"), Diagnostic(5, "'SeedProperty ^ ReadonlySeed'"), Diagnostic(6, "'seed'"),
        Diagnostic(7, "'baseSeed'"), Diagnostic(8, "'s'"), Diagnostic(9, "'s_seed'", " in 'Noise.Sample()' called from parallel code"));

    [Fact]
    public Task NoDiagnostic_SeedThatMayVaryPerTask() => Verify.VerifyAnalyzerAsync(Usings + """
        partial class C
        {
            static int s_seed;
            [ThreadStatic] static int t_seed;
            int _counter;
            static int Computed => s_seed + 1;
            static readonly int[] s_seeds = { 1, 2 };

            [Parallelize]
            public static int Nested(int seed)
            {
                int local = seed;
                Parallel.For(0, 3, i => new Random(seed).Next());
                Parallel.For(0, 3, i => new Random(local).Next());
                return new Random(seed).Next();
            }

            void M(int[] items, int baseSeed)
            {
                Parallel.For(0, 10, i => new Random(i).Next());
                Parallel.For(0, 10, i => new Random(baseSeed + i).Next());
                items.AsParallel().Select(x => { int seed = x * 31; return new Random(seed).Next(); }).ToArray();
                Parallel.For(0, 10, i => { int copy = baseSeed; new Random(copy).Next(); });
                Parallel.For(0, 10, i => new Random(Environment.TickCount).Next());
                Parallel.For(0, 10, i => new Random(Guid.NewGuid().GetHashCode()).Next());
                Parallel.For(0, 10, i => new Random(Thread.CurrentThread.ManagedThreadId).Next());
                Parallel.For(0, 10, i => new Random(HashCode.Combine(baseSeed, i)).Next());
                Parallel.For(0, 10, i => new Random(t_seed).Next());
                Parallel.For(0, 10, i => new Random(Computed).Next());
                Parallel.For(0, 10, i => new Random(s_seeds[0]).Next());
                Parallel.For(0, 10, i => new Random(_counter++).Next());
                Parallel.For(0, 10, i => { Interlocked.Increment(ref s_seed); new Random(s_seed).Next(); });
                Parallel.For(0, 10, i => { baseSeed++; new Random(baseSeed).Next(); });
                Parallel.Invoke(() => new Random(baseSeed).Next(), () => new Random(s_seed).Next());
                items.Select(x => Delayed.Call(() => new Random(x).Next())).ToArray();
                using var executor = new ParallelExecutor();
                foreach (int s in items)
                {
                    executor.Submit(() => new Random(s).Next());
                }

                int Local(int v) { Parallel.For(0, 3, i => new Random(v).Next()); return v; }
                Local(1);
                var sequential = new Random(baseSeed);
            }
        }
        """);

    [Fact]
    public Task DelegateLocalPassedToOnceAndRepeatedBodies_ReportedOnce() => Verify.VerifyAnalyzerAsync(Usings + """
        class C
        {
            void M(int[] items, int baseSeed)
            {
                Action once = () => new Random(baseSeed).Next();
                Parallel.Invoke(once);
                Action<int> body = i => {|#0:new Random(baseSeed)|}.Next();
                Parallel.Invoke(() => body(0));
                Parallel.For(0, 10, body);
                Parallel.For(0, 20, body);
                Action<int> constant = i => {|#1:new Random(3)|}.Next();
                Action<int> recursive = null!;
                recursive = i => { if (i > 0) Parallel.For(0, i, recursive); };
                Parallel.For(0, 3, recursive);
                Parallel.For(0, 3, constant);
            }
        }
        """, Diagnostic(0, "'baseSeed'"), Diagnostic(1, 3));

    [Fact]
    public Task NoDiagnostic_SeedFromItemOrSequentialCode() => Verify.VerifyAnalyzerAsync(Usings + """
        partial class C
        {
            static readonly Random Fixed = new Random(42);

            [Parallelize]
            public static int Trial(int seed) => new Random(seed).Next();

            void M(int[] items, int baseSeed)
            {
                var sequential = new Random(42);
                Parallel.For(0, 10, i => new Random(baseSeed + i).Next());
                Parallel.For(0, 10, i => new Random().Next());
                items.AsParallel().Select(x => new Random(x * 31).Next()).ToArray();
            }
        }
        """);
}
