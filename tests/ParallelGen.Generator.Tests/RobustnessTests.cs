namespace ParallelGen.Generator.Tests;

/// <summary>The generator never throws (no CS8785), whatever half-typed or broken code it is given.</summary>
public class RobustnessTests
{
    public static TheoryData<string> BrokenSources() =>
    [
        "using ParallelGen; partial class C { [Parallelize] public static int Square(int x",
        "using ParallelGen; partial class C { [Parallelize(Jobs = )] public static int Square(int x) => x; }",
        "using ParallelGen; partial class C { [Parallelize(Jobs = \"many\")] public static int Square(int x) => x; }",
        "using ParallelGen; partial class C { [Parallelize] public static Missing Square(Unknown x) => default; }",
        "using ParallelGen; [Parallelize] int Square(int x) => x; System.Console.WriteLine();",
        "using ParallelGen; partial class C { [Parallelize] public static int M<T>(T x) => 0; }",
        "using ParallelGen; partial class C { [Parallelize] static extern int Ext(int x); }",
        "using ParallelGen; partial class C { [Parallelize] public C(int x) {} }",
        "using ParallelGen; abstract partial class C { [Parallelize] public abstract int A(int x); }",
        "using ParallelGen; partial class C { [Parallelize, Parallelize] public static int Twice(int x) => x; }",
        "using ParallelGen; partial interface I { [Parallelize] int M(int x); }",
        "using ParallelGen; partial class C { [Parallelize(Backend = (Backend)42)] public static int M(int x) => x; }",
        "using P = ParallelGen.ParallelizeAttribute; partial class C { [P] public static int M(int x) => x; }",
        "using ParallelGen; partial class C { [Parallelize] public static int M(int x) => x; [Parallelize] public static int M(int x) => x; }",
        "using ParallelGen; partial class C { [Parallelize] public static int this[int i] => i; }",
        "using ParallelGen; partial class C { [Parallelize] public static int Dup(int x) => x; public static int[] DupParallel(System.Collections.Generic.IEnumerable<int> items, System.Threading.CancellationToken cancellationToken = default) => null!; }",
        "using ParallelGen; partial class C<T> where T : unmanaged { [Parallelize] public static unsafe int P(T* p) => 0; }",
        "using ParallelGen; partial class C { [Parallelize] public static (int, string) Pair((int a, int b) t) => default; }",
        "using ParallelGen; partial class C { [Parallelize] public static void V() { } }",
        "using ParallelGen; partial class C { [Parallelize] public static async void Fire(int x) { } }",
        "using ParallelGen; class NotPartial { [Parallelize] public static int M(int x) => x; }",
        "using ParallelGen; partial class C { [Parallelize] public static int @int(int @class) => @class; }",
        "",
        "[",
        "using ParallelGen; partial class C { void M() { [Parallelize] static int Local(int x) => x; } }",
    ];

    [Theory]
    [MemberData(nameof(BrokenSources))]
    public void Generator_never_throws(string source)
    {
        var (result, _, diagnostics) = GeneratorHarness.Run(source);

        Assert.Null(result.Exception);
        Assert.DoesNotContain(diagnostics, d => d.Id is "CS8785" or "AD0001");
    }

    [Fact]
    public void A_method_with_an_unresolved_type_gets_no_code_until_it_compiles()
    {
        var (result, _, _) = GeneratorHarness.Run(
            "using ParallelGen; partial class C { [Parallelize] public static Missing Square(int x) => default; }");
        Assert.Empty(result.GeneratedSources);
    }
}
