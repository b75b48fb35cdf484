using Verify = ParallelGen.Analyzers.Tests.Verifiers.CSharpCodeFixVerifier<
    ParallelGen.Analyzers.ParallelizeUsageAnalyzer,
    ParallelGen.CodeFixes.AddPartialCodeFixProvider>;

namespace ParallelGen.Analyzers.Tests;

/// <summary>
/// PG0005 is reported by the lead's ParallelizeUsageAnalyzer; these tests cover the add-partial code fix, which is
/// offered only when the diagnostic's Reason property is NotPartial.
/// </summary>
public class PG0005Tests
{
    private const string Usings = TestSources.Usings;

    [Fact]
    public Task AddsPartialToContainingType() => Verify.VerifyCodeFixAsync(Usings + """
        public static class Work
        {
            [Parallelize(Jobs = 4)]
            public static int {|PG0005:Square|}(int x) => x * x;
        }
        """, Usings + """
        public static partial class Work
        {
            [Parallelize(Jobs = 4)]
            public static int Square(int x) => x * x;
        }
        """);

    [Fact]
    public Task AddsPartialToEveryEnclosingTypeThatLacksIt() => Verify.VerifyCodeFixAsync(Usings + """
        namespace App
        {
            class Outer
            {
                partial struct Middle
                {
                    record Inner
                    {
                        [Parallelize]
                        public int {|PG0005:Twice|}(int x) => 2 * x;
                    }
                }
            }
        }
        """, Usings + """
        namespace App
        {
            partial class Outer
            {
                partial struct Middle
                {
                    partial record Inner
                    {
                        [Parallelize]
                        public int Twice(int x) => 2 * x;
                    }
                }
            }
        }
        """);

    [Fact]
    public Task FixAll_FixesEveryType() => Verify.VerifyCodeFixAsync(Usings + """
        internal sealed class A
        {
            [Parallelize] public static int {|PG0005:F|}(int x) => x;
        }

        class B
        {
            [Parallelize] public static int {|PG0005:G|}(int x) => x;
            [Parallelize] public static int {|PG0005:H|}(int x) => x;
        }
        """, Usings + """
        internal sealed partial class A
        {
            [Parallelize] public static int F(int x) => x;
        }

        partial class B
        {
            [Parallelize] public static int G(int x) => x;
            [Parallelize] public static int H(int x) => x;
        }
        """);

    [Fact]
    public Task NotOfferedForOtherCauses() => Verify.VerifyNoCodeFixAsync(Usings + """
        public static partial class Work
        {
            [Parallelize(Jobs = 0)]
            public static int {|PG0005:Square|}(int x) => x * x;

            [Parallelize(BatchSize = -1)]
            public static int {|PG0005:Cube|}(int x) => x * x * x;
        }
        """);
}
