using Microsoft.CodeAnalysis;

namespace ParallelGen.Generator.Tests;

/// <summary>
/// Issue 15: valid (or half-typed) C# for which the generated code did not compile. Each input either gets generated
/// code that compiles without errors or warnings, or none and a PG0005 that says why.
/// </summary>
public class HostileInputTests
{
    private const string Usings = "using System; using System.Collections.Generic; using System.Threading.Tasks; using ParallelGen;\n";

    private static HostileHarness.Outcome Run(string source)
    {
        HostileHarness.Outcome outcome = HostileHarness.Run(Usings + source);
        Assert.True(outcome.GeneratorFailures.IsEmpty && outcome.AnalyzerFailures.IsEmpty, outcome.Describe());
        Assert.True(outcome.GeneratedErrors.IsEmpty, "errors in generated code: " + string.Join(Environment.NewLine, outcome.GeneratedErrors));
        Assert.True(outcome.GeneratedWarnings.IsEmpty, "warnings in generated code: " + string.Join(Environment.NewLine, outcome.GeneratedWarnings));
        return outcome;
    }

    private static HostileHarness.Outcome Generates(string source)
    {
        HostileHarness.Outcome outcome = Run(source);
        Assert.Empty(outcome.InputErrors);
        Assert.NotEmpty(outcome.GeneratedSources);
        Assert.DoesNotContain(outcome.AnalyzerDiagnostics, d => d.Id == "PG0005");
        return outcome;
    }

    private static Diagnostic Rejected(string source, string reason, string messagePart)
    {
        HostileHarness.Outcome outcome = Run(source);
        Assert.Empty(outcome.InputErrors);
        Assert.Empty(outcome.GeneratedSources);
        Diagnostic pg0005 = Assert.Single(outcome.AnalyzerDiagnostics, d => d.Id == "PG0005");
        Assert.Equal(reason, pg0005.Properties["Reason"]);
        Assert.Contains(messagePart, pg0005.GetMessage(), StringComparison.Ordinal);
        return pg0005;
    }

    [Fact]
    public void Static_method_of_a_ref_partial_struct()
    {
        HostileHarness.Outcome outcome = Generates(
            "public ref partial struct Span2 { [Parallelize] public static int Square(int x) => x * x; }");

        Assert.Contains("ref partial struct Span2", outcome.GeneratedSources[0], StringComparison.Ordinal);
    }

    [Fact]
    public void Nested_in_a_ref_partial_struct_of_a_namespace()
    {
        Generates("namespace N { public partial class Outer { public ref partial struct R { [Parallelize] public static void Log(string s) { } } } }");
    }

    [Theory]
    [InlineData("public static int M(dynamic d) => 0;", "parameter 'd'")]
    [InlineData("public static int M(List<dynamic> d) => 0;", "parameter 'd'")]
    [InlineData("public static int M((int, dynamic[]) d) => 0;", "parameter 'd'")]
    [InlineData("public static dynamic M(int x) => x;", "its return type 'dynamic'")]
    [InlineData("public static Task<dynamic> MAsync(int x) => Task.FromResult<dynamic>(x);", "its return type")]
    public void Dynamic_is_reported(string method, string messagePart)
    {
        Rejected($"public static partial class Work {{ [Parallelize] {method} }}", "DynamicType", messagePart);
    }

    [Fact]
    public void Arglist_is_reported()
    {
        Rejected("public static partial class Work { [Parallelize] public static int M(int x, __arglist) => x; }", "VarArgs", "__arglist");
    }

    /// <summary>
    /// A Backend value the enum does not name is a backend another assembly may register at run time (the backend
    /// door), so it is not rejected; it is remote, and the generated code that names it compiles even when negative.
    /// </summary>
    [Theory]
    [InlineData("(Backend)(-1)", "(Backend)-1")]
    [InlineData("(Backend)42", "(Backend)42")]
    [InlineData("(Backend)int.MinValue", "(Backend)-2147483648")]
    public void A_backend_value_that_is_not_an_enum_member_is_reported(string backend, string shown)
    {
        Diagnostic pg0005 = Rejected(
            $"public static partial class Work {{ [Parallelize(Backend = {backend})] public static int M(int x) => x; }}",
            "UndefinedBackend",
            $"Backend = {shown} is not a member of the Backend enum");

        Assert.Contains("Backend.Threads, Backend.Processes, Backend.Cluster", pg0005.GetMessage(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("int.MinValue", "-2147483648")]
    [InlineData("-1025", "-1025")]
    [InlineData("-100000", "-100000")]
    public void Extreme_negative_jobs_are_reported_with_what_is_wrong(string jobs, string value)
    {
        Diagnostic pg0005 = Rejected(
            $"public static partial class Work {{ [Parallelize(Jobs = {jobs})] public static int M(int x) => x; }}",
            "JobsOutOfRange",
            $"Jobs = {value} is out of range");

        Assert.Contains("CPUs + 1 + Jobs", pg0005.GetMessage(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(-1024)]
    [InlineData(-64)]
    [InlineData(int.MaxValue)]
    public void Large_but_meaningful_jobs_still_generate(int jobs)
    {
        Generates($"public static partial class Work {{ [Parallelize(Jobs = {jobs})] public static int M(int x) => x; }}");
    }

    [Theory]
    [InlineData("[Obsolete(\"Use N instead.\", true)]")]
    [InlineData("[Obsolete(\"Use N instead.\", error: true)]")]
    [InlineData("[Obsolete(\"Use N instead.\")]")]
    [InlineData("[Obsolete]")]
    [InlineData("[Obsolete(\"Use N instead.\", DiagnosticId = \"OLD001\", UrlFormat = \"https://example.com/{0}\")]")]
    public void An_obsolete_method_gets_obsolete_generated_methods(string obsolete)
    {
        foreach (string backend in new[] { "Backend.Threads", "Backend.Processes" })
        {
            HostileHarness.Outcome outcome = Generates(
                $"public static partial class Work {{ {obsolete} [Parallelize(Backend = {backend})] public static int Old(int x) => x; [Parallelize(Backend = {backend})] public static int New(int x) => x; }}");

            Assert.Contains(outcome.GeneratedSources, s => s.Contains("[global::System.Obsolete", StringComparison.Ordinal));
        }
    }

    [Theory]
    [InlineData("[Obsolete(\"old\", true)]")]
    [InlineData("[Obsolete(\"old\")]")]
    public void A_process_backend_method_of_an_obsolete_type_compiles(string obsolete)
    {
        // The process registry is outside the type: it names the obsolete type, so it must be obsolete itself.
        Generates($"namespace Demo {{ {obsolete} public static partial class Work {{ [Parallelize(Backend = Backend.Processes)] public static int M(int x) => x; }} }}");
    }

    [Fact]
    public void Calling_the_generated_method_of_an_obsolete_error_method_is_the_same_error()
    {
        HostileHarness.Outcome outcome = HostileHarness.Run(Usings + """
            public static partial class Work { [Obsolete("gone", true)] [Parallelize] public static int Old(int x) => x; }
            public static class Caller { public static int[] Call() => Work.OldParallel(new[] { 1 }); }
            """);

        Assert.True(outcome.GeneratedErrors.IsEmpty, string.Join(Environment.NewLine, outcome.GeneratedErrors));
        Diagnostic error = Assert.Single(outcome.UserErrors);
        Assert.Equal("CS0619", error.Id);
        Assert.Contains("gone", error.GetMessage(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Backend.Threads")]
    [InlineData("Backend.Processes")]
    public void A_user_namespace_named_ParallelGen_Backend_does_not_break_the_generated_code(string backend)
    {
        HostileHarness.Outcome outcome = Generates($$"""
            namespace ParallelGen.Backend { public static class Helpers { } }
            namespace App
            {
                public static partial class Work
                {
                    [Parallelize(Jobs = 2, Backend = {{backend}})] public static int M(int x) => x;
                }
            }
            """);

        Assert.Contains("default(global::ParallelGen.ParallelDefaults).Backend + ", outcome.GeneratedSources[0], StringComparison.Ordinal);
    }

    public static TheoryData<string> HalfTypedSignatures() =>
    [
        "public static int M((int) x) => 0;",
        "public static int M(int x, ...) => 0;",
        "public static int M(?? x) => 0;",
        "public static int M( x) => 0;",
        "public static int M(int x,) => 0;",
        "public static (int) M(int x) => default;",
        "public static ?? M(int x) => default;",
        "public static int (int x) => 0;",
        "public static List<> M(int x) => null!;",
        "public static int M(int x = ) => 0;",
        "public static int M(params) => 0;",
        "public static int M(int[ x) => 0;",
        "public static int M(int x;",
        "public static int M(List<Missing> x) => 0;",
        "public static Dictionary<string, Missing>[] M(int x) => null!;",
        "public static int M(Dictionary<,> x) => 0;",
    ];

    [Theory]
    [MemberData(nameof(HalfTypedSignatures))]
    public void A_half_typed_signature_generates_nothing(string method)
    {
        HostileHarness.Outcome outcome = Run($"public static partial class Work {{ [Parallelize] {method} }}");

        Assert.NotEmpty(outcome.InputErrors);
        Assert.Empty(outcome.GeneratedSources);
    }

    [Theory]
    [InlineData("extension(int x) { [Parallelize] public int Twice() => x * 2; }")]
    [InlineData("extension(int) { [Parallelize] public static int Thrice(int y) => y * 3; }")]
    [InlineData("extension<T>(T t) where T : struct { [Parallelize(Backend = Backend.Processes)] public static int M(int y) => y; }")]
    public void A_member_of_a_CSharp_14_extension_block_is_reported(string block)
    {
        Rejected($"public static partial class E {{ {block} }}", "NotAnOrdinaryMethod", "extension block");
    }

    [Theory]
    [InlineData("[method: Parallelize(Jobs = 2)] extension(int x) { public int Twice() => x * 2; }")]
    [InlineData("[Parallelize] extension(int x) { public int Twice() => x * 2; }")]
    [InlineData("extension([method: Parallelize] int x) { public int Twice() => x * 2; }")]
    public void An_attribute_on_an_extension_block_itself_crashes_nothing(string block)
    {
        HostileHarness.Outcome outcome = Run($"public static partial class E {{ {block} }}");

        Assert.Empty(outcome.GeneratedSources);
    }
}
