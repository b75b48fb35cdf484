using Microsoft.CodeAnalysis.Testing;
using Verify = ParallelGen.Analyzers.Tests.Verifiers.CSharpCodeFixVerifier<
    ParallelGen.Analyzers.SharedRandomAnalyzer,
    ParallelGen.CodeFixes.UseParallelRandomCodeFixProvider>;

namespace ParallelGen.Analyzers.Tests;

/// <summary>PG0002's fix: <c>new Random(seed)</c> becomes <c>ParallelRandom.For(seed, index)</c>.</summary>
public class PG0002CodeFixTests
{
    private const string Usings = TestSources.Usings;

    private static DiagnosticResult Diagnostic(int location, object seed) =>
        new DiagnosticResult(DiagnosticDescriptors.ConstantSeedRandom).WithLocation(location).WithArguments(seed, " in parallel code");

    [Fact]
    public Task ParallelFor_uses_the_loop_index() => Verify.VerifyCodeFixAsync(Usings + """
        class C
        {
            void M() => Parallel.For(0, 10, i => { var r = {|#0:new Random(42)|}; r.Next(); });
        }
        """, Usings + """
        class C
        {
            void M() => Parallel.For(0, 10, i => { var r = ParallelRandom.For(42, i); r.Next(); });
        }
        """, Diagnostic(0, 42));

    /// <summary>
    /// In a [Parallelize] method the index is the item's position, ParallelContext.ItemIndex: an int parameter may be
    /// anything (a dart count the same for every item would seed every task alike).
    /// </summary>
    [Fact]
    public Task Parallelize_method_uses_the_item_index() => Verify.VerifyCodeFixAsync(Usings + """
        static partial class C
        {
            const int Seed = 7;

            [Parallelize]
            public static double Sample(int chunk)
            {
                Random random = {|#0:new(Seed)|};
                return random.NextDouble();
            }
        }
        """, Usings + """
        static partial class C
        {
            const int Seed = 7;

            [Parallelize]
            public static double Sample(int chunk)
            {
                Random random = ParallelRandom.For(Seed, ParallelContext.ItemIndex);
                return random.NextDouble();
            }
        }
        """, Diagnostic(0, 7));

    [Fact]
    public Task Parallelize_method_without_an_integer_parameter_uses_the_item_index() => Verify.VerifyCodeFixAsync(Usings + """
        static partial class C
        {
            [Parallelize]
            public static double Sample(string name)
            {
                var random = {|#0:new Random(42)|};
                return random.NextDouble();
            }
        }
        """, Usings + """
        static partial class C
        {
            [Parallelize]
            public static double Sample(string name)
            {
                var random = ParallelRandom.For(42, ParallelContext.ItemIndex);
                return random.NextDouble();
            }
        }
        """, Diagnostic(0, 42));

    [Fact]
    public Task No_fix_without_an_integer_index() => Verify.VerifyCodeFixAsync(Usings + """
        class C
        {
            void M(string[] items) => Parallel.ForEach(items, s => { var r = {|#0:new Random(42)|}; r.Next(); });
        }
        """, Usings + """
        class C
        {
            void M(string[] items) => Parallel.ForEach(items, s => { var r = {|#0:new Random(42)|}; r.Next(); });
        }
        """, Diagnostic(0, 42));
}
