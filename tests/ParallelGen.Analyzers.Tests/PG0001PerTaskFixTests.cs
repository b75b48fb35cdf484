using Microsoft.CodeAnalysis.Testing;
using Verify = ParallelGen.Analyzers.Tests.Verifiers.CSharpCodeFixVerifier<
    ParallelGen.Analyzers.SharedRandomAnalyzer,
    ParallelGen.CodeFixes.UseRandomSharedCodeFixProvider>;

namespace ParallelGen.Analyzers.Tests;

/// <summary>PG0001's second fix: one <c>ParallelRandom.For(seed, index)</c> per task instead of the shared instance.</summary>
public class PG0001PerTaskFixTests
{
    private const string Usings = TestSources.Usings;

    private static Task VerifyPerTask(string source, string fixedSource, int diagnostics = 1)
    {
        var test = new Verify.Test
        {
            TestCode = Usings + source,
            FixedCode = Usings + fixedSource,
            CodeActionEquivalenceKey = "PerTaskFix",
            CodeActionIndex = 1,
            // One fix rewrites every use in the body, so applying the fixes of several uses at once is not supported.
            CodeFixTestBehaviors = CodeFixTestBehaviors.SkipFixAllCheck,
        };
        for (int i = 0; i < diagnostics; i++)
        {
            test.ExpectedDiagnostics.Add(new DiagnosticResult(DiagnosticDescriptors.SharedRandom).WithLocation(i).WithArguments("Rng", ""));
        }

        return test.RunAsync(CancellationToken.None);
    }

    [Fact]
    public Task Parallelize_method_gets_a_generator_per_item() => VerifyPerTask("""
        static partial class C
        {
            static readonly Random Rng = new Random(42);

            [Parallelize]
            public static double Sample(int darts)
            {
                double x = {|#0:Rng|}.NextDouble();
                return x + {|#1:Rng|}.NextDouble() * darts;
            }
        }
        """, """
        static partial class C
        {
            static readonly Random Rng = new Random(42);

            [Parallelize]
            public static double Sample(int darts)
            {
                var random = ParallelRandom.For(42, ParallelContext.ItemIndex);
                double x = random.NextDouble();
                return x + random.NextDouble() * darts;
            }
        }
        """, diagnostics: 2);

    [Fact]
    public Task ParallelFor_uses_the_loop_index() => VerifyPerTask("""
        static class C
        {
            static readonly Random Rng = new(7);
            static void M() => Parallel.For(0, 10, i => { int x = {|#0:Rng|}.Next(); });
        }
        """, """
        static class C
        {
            static readonly Random Rng = new(7);
            static void M() => Parallel.For(0, 10, i => { var random = ParallelRandom.For(7, i); int x = random.Next(); });
        }
        """);

    [Fact]
    public Task Not_offered_without_a_constant_seed_or_a_block_body()
    {
        // Only Random.Shared (the first fix) is offered: no action has the per-task key, so the source stays as it is.
        const string source = Usings + """
            class C
            {
                private readonly Random _rng = new();
                void M(int[] items) => Parallel.For(0, 10, i => { int x = {|PG0001:_rng|}.Next(); });
                static readonly Random Seeded = new(1);
                void N(int[] items) => Parallel.ForEach(items, x => Console.WriteLine({|PG0001:Seeded|}.Next() * x));
            }
            """;
        var test = new Verify.Test { TestCode = source, FixedCode = source, CodeActionEquivalenceKey = "PerTaskFix" };
        return test.RunAsync(CancellationToken.None);
    }
}
