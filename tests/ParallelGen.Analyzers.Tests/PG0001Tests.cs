using Microsoft.CodeAnalysis.Testing;
using Verify = ParallelGen.Analyzers.Tests.Verifiers.CSharpCodeFixVerifier<
    ParallelGen.Analyzers.SharedRandomAnalyzer,
    ParallelGen.CodeFixes.UseRandomSharedCodeFixProvider>;

namespace ParallelGen.Analyzers.Tests;

/// <summary>PG0001: a shared System.Random used in parallel code (and its Random.Shared fix).</summary>
public class PG0001Tests
{
    private const string Usings = TestSources.Usings;

    private static DiagnosticResult Diagnostic(int location, string name, string place = "") =>
        new DiagnosticResult(DiagnosticDescriptors.SharedRandom).WithLocation(location).WithArguments(name, place);

    [Fact]
    public Task ParallelFor_StaticField() => Verify.VerifyCodeFixAsync(Usings + """
        static class C
        {
            static readonly Random Rng = new();
            static void M() => Parallel.For(0, 10, i => { int x = {|PG0001:Rng|}.Next(); });
        }
        """, Usings + """
        static class C
        {
            static readonly Random Rng = new();
            static void M() => Parallel.For(0, 10, i => { int x = Random.Shared.Next(); });
        }
        """);

    [Fact]
    public Task ParallelForEach_InstanceField() => Verify.VerifyCodeFixAsync(Usings + """
        class C
        {
            private readonly Random _rng = new(1);
            void M(int[] items) => Parallel.ForEach(items, x => Console.WriteLine({|PG0001:this._rng|}.NextDouble() * x));
        }
        """, Usings + """
        class C
        {
            private readonly Random _rng = new(1);
            void M(int[] items) => Parallel.ForEach(items, x => Console.WriteLine(Random.Shared.NextDouble() * x));
        }
        """);

    [Fact]
    public Task ParallelForEachAsync_CapturedLocal() => Verify.VerifyCodeFixAsync(Usings + """
        class C
        {
            async Task M(int[] items)
            {
                var rng = new Random();
                await Parallel.ForEachAsync(items, async (x, ct) =>
                {
                    await Task.Delay({|PG0001:rng|}.Next(10), ct);
                });
            }
        }
        """, Usings + """
        class C
        {
            async Task M(int[] items)
            {
                var rng = new Random();
                await Parallel.ForEachAsync(items, async (x, ct) =>
                {
                    await Task.Delay(Random.Shared.Next(10), ct);
                });
            }
        }
        """);

    [Fact]
    public Task ParallelInvoke_EachActionReported() => Verify.VerifyAnalyzerAsync(Usings + """
        class C
        {
            static Random Rng { get; } = new();
            void M() => Parallel.Invoke(() => {|PG0001:Rng|}.Next(), delegate { {|PG0001:Rng|}.NextBytes(new byte[4]); });
        }
        """);

    [Fact]
    public Task Plinq_SelectAndForAll() => Verify.VerifyAnalyzerAsync(Usings + """
        class C
        {
            static Random s_rng = new();
            int[] M(int[] items)
            {
                items.AsParallel().ForAll(x => {|PG0001:s_rng|}.Next());
                return items.AsParallel().Where(x => x > 0).Select(x => x + {|PG0001:s_rng|}.Next()).ToArray();
            }

            int Sequential(int[] items) => items.Select(x => x + s_rng.Next()).Sum();
        }
        """);

    [Fact]
    public Task ParallelizeMethod_StaticAndInstanceFields() => Verify.VerifyAnalyzerAsync(Usings + """
        partial class Sim
        {
            static readonly Random Shared = new();
            readonly Random _own = new();

            [Parallelize(Jobs = 4)]
            public static double Trial(int seed) => {|PG0001:Shared|}.NextDouble() * seed;

            [Parallelize]
            public double InstanceTrial(int seed) => {|PG0001:_own|}.NextDouble() * seed;
        }
        """);

    [Fact]
    public Task DelayedCall_ExecutorSubmitAndMap() => Verify.VerifyAnalyzerAsync(Usings + """
        class C
        {
            static readonly Random Rng = new();
            int[] M(int[] items)
            {
                var calls = items.Select(i => Delayed.Call(x => {|PG0001:Rng|}.Next(x), i));
                using var executor = new ParallelExecutor(2);
                Future<int> f = executor.Submit(() => {|PG0001:Rng|}.Next());
                return executor.Map(x => {|PG0001:Rng|}.Next(x), items);
            }
        }
        """);

    [Fact]
    public Task CalleeOneLevelDeep_ReportedAtCallSiteNamingCallee() => Verify.VerifyNoCodeFixAsync(Usings + """
        static class Dice
        {
            static readonly Random Rng = new();
            public static int Roll() => Rng.Next(1, 7);
            public static int Safe() => Random.Shared.Next(1, 7);
        }

        class C
        {
            void M() => Parallel.For(0, 10, i => { int r = {|#0:Dice.Roll()|} + Dice.Safe(); });
            void Sequential() => Dice.Roll();
        }
        """, Diagnostic(0, "Rng", " in 'Dice.Roll()' called from parallel code"));

    [Fact]
    public Task MethodGroup_ReportedAtMethodGroup() => Verify.VerifyAnalyzerAsync(Usings + """
        class C
        {
            readonly Random _rng = new();
            void Step(int i) => _rng.Next();
            void M() => Parallel.For(0, 10, {|#0:Step|});
        }
        """, Diagnostic(0, "_rng", " in 'C.Step()' called from parallel code"));

    [Fact]
    public Task DelegateStoredInLocal_Followed_UnlessReassignedFromUnknown() => Verify.VerifyAnalyzerAsync(Usings + """
        class C
        {
            static Func<int, int> Make() => x => x;

            void M(int[] items)
            {
                var rng = new Random();
                Func<int, int> f = x => {|#0:rng|}.Next(x);
                items.AsParallel().Select(f).ToArray();
                Action<int> body;
                body = i => {|#1:rng|}.Next();
                Parallel.For(0, 10, body);
                Func<int, int> g = x => rng.Next(x);
                g = Make();
                items.AsParallel().Select(g).ToArray();
                Action<int> own = i => new Random(i).Next();
                Parallel.For(0, 10, own);
            }
        }
        """, Diagnostic(0, "rng"), Diagnostic(1, "rng"));

    [Fact]
    public Task NoDiagnostic_SafeUses() => Verify.VerifyAnalyzerAsync(Usings + """
        partial class C
        {
            static readonly Random Rng = new();
            [ThreadStatic] static Random? t_rng;
            static readonly ThreadLocal<Random> Local = new(() => new Random());
            static readonly AsyncLocal<Random> Flow = new();
            static readonly object Gate = new();

            void M(int[] items)
            {
                Rng.Next(); // sequential
                Parallel.For(0, 10, i =>
                {
                    Random.Shared.Next();
                    var mine = new Random(i);
                    mine.Next();
                    new Random().Next();
                    (t_rng ??= new Random()).Next();
                    t_rng.Next();
                    Local.Value!.Next();
                    Flow.Value?.Next();
                    lock (Gate) { Rng.Next(); }
                });
                items.AsParallel().Select(x => new Random(x).Next() + Fresh.Next()).ToArray();
            }

            [Parallelize]
            public static int PerCall(int x, Random random) => random.Next(x);

            static Random Fresh => new Random();
            static int Roll(Random r) => r.Next();
            void Callee() => Parallel.For(0, 10, i => Roll(new Random(i)));
        }
        """);

    [Fact]
    public Task SharedRandomPassedAsArgument_Reported_NoFix() => Verify.VerifyNoCodeFixAsync(Usings + """
        class C
        {
            readonly Random _random = new(1);
            static readonly object Gate = new();
            static int[] Bootstrap(int n, Random random) { var s = new int[n]; for (int i = 0; i < n; i++) s[i] = random.Next(n); return s; }
            static void Shuffle(int[] values, object tag) { }

            void M(int[][] samples, int n)
            {
                var shared = new Random(2);
                Parallel.For(0, samples.Length, t => samples[t] = Bootstrap(n, {|PG0001:_random|}));
                Parallel.For(0, samples.Length, t => samples[t] = Bootstrap(n, {|PG0001:shared|}));
                Parallel.For(0, samples.Length, t => samples[t] = Bootstrap(n, new Random(t)));
                Parallel.For(0, samples.Length, t => samples[t] = Bootstrap(n, Random.Shared));
                Parallel.For(0, samples.Length, t => { lock (Gate) { samples[t] = Bootstrap(n, _random); } });
                Parallel.For(0, samples.Length, t => Shuffle(samples[t], _random));
                samples[0] = Bootstrap(n, _random); // sequential
            }
        }
        """);

    [Fact]
    public Task CalleeOnPerIterationObject_NotReportedForItsFields() => Verify.VerifyAnalyzerAsync(Usings + """
        class Dice
        {
            readonly Random _rng = new();
            public int Roll() => _rng.Next();
        }

        class C
        {
            readonly Dice _shared = new();
            void M() => Parallel.For(0, 10, i =>
            {
                var mine = new Dice();
                mine.Roll();
                {|#0:_shared.Roll()|};
            });
        }
        """, Diagnostic(0, "_rng", " in 'Dice.Roll()' called from parallel code"));

    [Fact]
    public Task AliasOfSharedRandom_Fixed() => Verify.VerifyCodeFixAsync(Usings + """
        class C
        {
            static readonly Random Rng = new();
            void M() => Parallel.For(0, 10, i => { var r = Rng; int x = {|PG0001:r|}.Next(); var own = new Random(i); var o = own; o.Next(); });
        }
        """, Usings + """
        class C
        {
            static readonly Random Rng = new();
            void M() => Parallel.For(0, 10, i => { var r = Rng; int x = Random.Shared.Next(); var own = new Random(i); var o = own; o.Next(); });
        }
        """);

    [Fact]
    public Task NestedParallelLoop_ReportedOnce() => Verify.VerifyAnalyzerAsync(Usings + """
        partial class C
        {
            static readonly Random Rng = new();

            [Parallelize]
            public static int Outer(int n)
            {
                var rng = new Random(n);
                Parallel.For(0, n, i => {|PG0001:rng|}.Next());
                return {|PG0001:Rng|}.Next() + rng.Next();
            }
        }
        """);

    [Fact]
    public Task Fix_AddsUsingSystemWhenMissing() => Verify.VerifyCodeFixAsync("""
        class C
        {
            static readonly System.Random Rng = new();
            static void M() => System.Threading.Tasks.Parallel.For(0, 10, i => {|PG0001:Rng|}.Next());
        }
        """, """
        using System;

        class C
        {
            static readonly System.Random Rng = new();
            static void M() => System.Threading.Tasks.Parallel.For(0, 10, i => Random.Shared.Next());
        }
        """);

    [Fact]
    public Task Fix_NotOfferedForRandomSubclass() => Verify.VerifyNoCodeFixAsync(Usings + """
        class MyRandom : Random { }
        class C
        {
            static readonly MyRandom Rng = new();
            static void M() => Parallel.For(0, 10, i => {|PG0001:Rng|}.Next());
        }
        """);
}
