using Microsoft.CodeAnalysis;

namespace ParallelGen.Generator.Tests;

/// <summary>
/// PG0005: invalid [Parallelize] targets get an error that says what to change, and no generated code. The analyzer
/// and the generator share their rules, so "reported" and "not generated" always go together.
/// </summary>
public class InvalidTargetTests
{
    public static TheoryData<string, string, string> InvalidTargets() => new()
    {
        { "class Work { [Parallelize] public static int M(int x) => x; }", "NotPartial", "add the 'partial' modifier to 'Work'" },
        { "class Outer { public partial class Work { [Parallelize] public static int M(int x) => x; } }", "NotPartial", "add the 'partial' modifier to 'Outer'" },
        { "partial class Work { [Parallelize] public static int M(ref int x) => x; }", "ByRefParameter", "passed by 'ref'" },
        { "partial class Work { [Parallelize] public static int M(out int x) { x = 1; return x; } }", "ByRefParameter", "passed by 'out'" },
        { "partial class Work { [Parallelize] public static int M(in int x) => x; }", "ByRefParameter", "passed by 'in'" },
        { "partial class Work { [Parallelize] public static unsafe int M(int* x) => *x; }", "PointerParameter", "is a pointer" },
        { "partial class Work { [Parallelize] public static int M(System.Span<int> x) => x.Length; }", "RefStructParameter", "ref struct type" },
        { "partial class Work { [Parallelize] public static T M<T>(T x) => x; }", "GenericMethod", "generic method" },
        { "partial class Work { [Parallelize(Jobs = 0)] public static int M(int x) => x; }", "ZeroJobs", "Jobs = 0 means no workers" },
        { "partial class Work { [Parallelize(BatchSize = -3)] public static int M(int x) => x; }", "NegativeBatchSize", "BatchSize = -3 is negative" },
        { "partial class Work { [Parallelize] public static async void M(int x) => await System.Threading.Tasks.Task.Yield(); }", "AsyncVoid", "'async void'" },
        { "partial class Work { [Parallelize(Backend = Backend.Processes)] public int M(int x) => x; }", "ProcessesInstanceMethod", "make the method static" },
        { "partial class Work { [Parallelize(Backend = Backend.Processes)] private static int M(int x) => x; }", "ProcessesInaccessible", "must be internal or public, not private" },
        { "partial class Outer { private partial class Work { [Parallelize(Backend = Backend.Processes)] public static int M(int x) => x; } }", "ProcessesInaccessible", "containing type 'Work' must be internal or public" },
        { "partial class Work<T> { [Parallelize(Backend = Backend.Processes)] public static int M(int x) => x; }", "ProcessesGenericType", "'Work' is generic" },
        { "partial class Work { static int[] s = new int[1]; [Parallelize] public static ref int M(int x) => ref s[0]; }", "ByRefReturn", "returns by reference" },
        { "partial class Work { [Parallelize] public static System.Span<int> M(int x) => default; }", "UnsupportedReturn", "cannot be stored in an array" },
        { "partial interface IWork { [Parallelize] static int M(int x) => x; }", "InInterface", "interface" },
        { "partial class Work { void Host() { [Parallelize] static int M(int x) => x; } }", "NotAnOrdinaryMethod", "not to local functions" },
        { "file partial class Work { [Parallelize] public static int M(int x) => x; }", "FileLocalType", "file-local type" },
        { "partial ref struct Work { [Parallelize] public int M(int x) => x; }", "RefStructInstance", "make the method static" },
        { "partial class Work { [Parallelize] public static int M(int x) => x; public static int[] MParallel(System.Collections.Generic.IEnumerable<int> xs, System.Threading.CancellationToken ct) => []; }",
          "ExistingMemberClash", "already declares 'Work.MParallel(IEnumerable<int>, CancellationToken)'" },
        { "partial class Work { [Parallelize] public static int M(int x, string? s) => x; public static System.Threading.Tasks.Task MParallelAsync(System.Collections.Generic.IEnumerable<(int N, string S)> xs, ParallelizeOptions? o, System.Threading.CancellationToken ct) => null!; }",
          "ExistingMemberClash", "already declares 'Work.MParallelAsync(" },
        { "partial class Work { [Parallelize] public static int M() => 1; public static int[] MParallel(int n, System.Threading.CancellationToken ct) => []; }",
          "ExistingMemberClash", "already declares 'Work.MParallel(int, CancellationToken)'" },
        { "partial class Work { [Parallelize] public static int M(int x) => x; public int MParallel { get; set; } }", "ExistingMemberClash", "already has a property named 'MParallel'" },
        { "partial class Work { [Parallelize] public static int M(int x) => x; class MParallelAsync { } }", "ExistingMemberClash", "already has a nested type named 'MParallelAsync'" },
    };

    [Theory]
    [MemberData(nameof(InvalidTargets))]
    public async Task Invalid_target_is_reported_and_not_generated(string declaration, string reason, string messagePart)
    {
        string source = "using ParallelGen;\n" + declaration;

        var diagnostics = await GeneratorHarness.AnalyzeAsync(source);
        Diagnostic pg0005 = Assert.Single(diagnostics, d => d.Id == "PG0005" && d.Properties["Reason"] == reason);
        Assert.Equal(DiagnosticSeverity.Error, pg0005.Severity);
        Assert.Contains(messagePart, pg0005.GetMessage(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Contains("[Parallelize] cannot be applied to 'M'", pg0005.GetMessage(System.Globalization.CultureInfo.InvariantCulture));
        Assert.EndsWith("docs/rules/PG0005.md", pg0005.Descriptor.HelpLinkUri);

        var (result, _, _) = GeneratorHarness.Run(source);
        Assert.Null(result.Exception);
        Assert.Empty(result.GeneratedSources);
    }

    [Fact]
    public async Task Valid_targets_get_no_PG0005_and_generated_code()
    {
        const string source = """
            using ParallelGen;
            using System.Threading;
            using System.Threading.Tasks;
            public static partial class Work
            {
                [Parallelize(Jobs = 8)] public static int Square(int x) => x;
                [Parallelize(Jobs = -2, BatchSize = 4)] public static void Log(string s, int n) { }
                [Parallelize] public static Task<int> GetAsync(int x, CancellationToken ct) => Task.FromResult(x);
            }
            """;

        Assert.DoesNotContain(await GeneratorHarness.AnalyzeAsync(source), d => d.Id == "PG0005");
        var (result, _, diagnostics) = GeneratorHarness.Run(source);
        Assert.Equal(3, result.GeneratedSources.Length);
        Assert.Empty(diagnostics.Problems().Select(d => d.ToString()));
    }

    [Fact]
    public async Task Methods_whose_generated_versions_would_clash_are_both_reported()
    {
        const string source = """
            using ParallelGen;
            using System.Threading.Tasks;
            public static partial class Work
            {
                [Parallelize] public static int Fetch(int id) => id;                              // FetchParallel, FetchParallelAsync
                [Parallelize] public static Task<int> FetchAsync(int id) => Task.FromResult(id);  // FetchParallelAsync: clash
                [Parallelize] public static int Fetch(string key) => key.Length;                  // other items: no clash
                [Parallelize] public static Task<int> FetchAsync(int id, int retries) => Task.FromResult(id);
            }
            """;

        var clashes = (await GeneratorHarness.AnalyzeAsync(source)).Where(d => d.Id == "PG0005").ToList();
        Assert.Equal(2, clashes.Count);
        Assert.All(clashes, d => Assert.Equal("GeneratedNameClash", d.Properties["Reason"]));
        Assert.Contains(clashes, d => d.GetMessage(System.Globalization.CultureInfo.InvariantCulture).Contains("'FetchParallelAsync' would have the same signature as the one generated for 'Work.FetchAsync(int)'"));

        var (result, _, diagnostics) = GeneratorHarness.Run(source);
        Assert.Equal(2, result.GeneratedSources.Length); // Fetch(string) and FetchAsync(int, int)
        Assert.Empty(diagnostics.Problems().Select(d => d.ToString()));
    }

    [Fact]
    public async Task User_members_with_generated_names_but_other_signatures_are_fine()
    {
        // Overloads the generated methods do not duplicate, written in another part of the type: no PG0005, code is generated.
        const string source = """
            using ParallelGen;
            using System.Collections.Generic;
            using System.Threading;
            public static partial class Work
            {
                [Parallelize] public static int Square(int x) => x * x;
                public static int[] SquareParallel(IEnumerable<long> items, CancellationToken ct) => [];      // other items
                public static int[] SquareParallel(IEnumerable<int> items) => [];                           // other parameters
                public static int[] SquareParallelAsync<T>(IEnumerable<int> items, CancellationToken ct) => []; // generic
            }
            """;

        Assert.DoesNotContain(await GeneratorHarness.AnalyzeAsync(source), d => d.Id == "PG0005");
        var (result, _, diagnostics) = GeneratorHarness.Run(source);
        Assert.Single(result.GeneratedSources);
        Assert.Empty(diagnostics.Problems().Select(d => d.ToString()));
    }

    [Fact]
    public async Task Each_broken_rule_is_reported_separately()
    {
        var diagnostics = await GeneratorHarness.AnalyzeAsync(
            "using ParallelGen; class Work { [Parallelize(Jobs = 0)] public static int M(ref int x) => x; }");

        Assert.Equal(
            ["ByRefParameter", "NotPartial", "ZeroJobs"],
            diagnostics.Where(d => d.Id == "PG0005").Select(d => d.Properties["Reason"]).Order());
    }

    [Fact]
    public async Task Diagnostic_points_at_the_method_name()
    {
        const string source = "using ParallelGen;\nclass Work { [Parallelize] public static int Compute(int x) => x; }";
        Diagnostic d = Assert.Single(await GeneratorHarness.AnalyzeAsync(source));
        Assert.Equal("Compute", source.Substring(d.Location.SourceSpan.Start, d.Location.SourceSpan.Length));
    }
}
