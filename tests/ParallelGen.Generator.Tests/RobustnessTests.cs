using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

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

    /// <summary>
    /// Projects may pin an older C# version. The generated code uses nothing newer than C# 10 (the module initializer
    /// of the process backend needs C# 9), so it compiles warning-free there too.
    /// </summary>
    [Theory]
    [InlineData(LanguageVersion.CSharp10)]
    [InlineData(LanguageVersion.CSharp11)]
    [InlineData(LanguageVersion.CSharp12)]
    public void Generated_code_compiles_under_older_language_versions(LanguageVersion version)
    {
        const string source = """
            using ParallelGen;
            using System.Collections.Generic;
            using System.Threading;
            using System.Threading.Tasks;
            namespace Demo
            {
                public static partial class Work
                {
                    [Parallelize(Jobs = 4)] public static int Square(int x) => x * x;
                    [Parallelize] public static void Log(string s, int n) { }
                    [Parallelize] public static Task<int> GetAsync(int x, CancellationToken ct) => Task.FromResult(x);
                    [Parallelize] public static ValueTask PingAsync() => default;
                    [Parallelize(Backend = Backend.Processes)] public static double Simulate(int seed, List<int> steps) => seed;
                }

                public partial class Instance<T>
                {
                    internal partial record Inner(int K)
                    {
                        [Parallelize(Jobs = 2, BatchSize = 8)] private string Show((int A, string? B) pair) => pair.B ?? "";
                    }
                }
            }
            """;

        var parseOptions = new CSharpParseOptions(version, DocumentationMode.Diagnose);
        CSharpCompilation input = GeneratorHarness.CreateCompilation(parseOptions, source);
        GeneratorHarness.CreateDriver(parseOptions: parseOptions).RunGeneratorsAndUpdateCompilation(input, out Compilation output, out var generatorDiagnostics);

        Assert.Empty(generatorDiagnostics);
        Assert.Equal(7, output.SyntaxTrees.Count() - 1); // one file per method (a remote method registers itself in its own file), and the worker entry
        Assert.Empty(output.GetDiagnostics().Problems().Select(d => d.ToString()));
    }

    [Fact]
    public void A_method_with_an_unresolved_type_gets_no_code_until_it_compiles()
    {
        var (result, _, _) = GeneratorHarness.Run(
            "using ParallelGen; partial class C { [Parallelize] public static Missing Square(int x) => default; }");
        Assert.Empty(result.GeneratedSources);
    }
}
