using Microsoft.CodeAnalysis.Testing;
using Verify = ParallelGen.Analyzers.Tests.Verifiers.CSharpAnalyzerVerifier<ParallelGen.Analyzers.SharedRandomAnalyzer>;

namespace ParallelGen.Analyzers.Tests;

/// <summary>PG0002: a Random with a constant seed created in parallel code (no code fix).</summary>
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
