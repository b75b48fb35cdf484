using System.Collections.Immutable;
using System.Runtime.CompilerServices;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using ParallelGen.Generator.Interceptors;

namespace ParallelGen.Generator.Tests;

/// <summary>
/// Issue 10 §2: the interceptors generated for Delayed.Call / Submit / Map call sites of static methods. The snapshot
/// is compared as SnapshotTests does (PARALLELGEN_UPDATE_SNAPSHOTS=1 rewrites it); the output must compile without a
/// diagnostic, which also proves each interceptor's signature matches the call it replaces.
/// </summary>
public class InterceptorTests
{
    private static readonly CSharpParseOptions s_optedIn = GeneratorHarness.ParseOptions
        .WithFeatures([new("InterceptorsNamespaces", "Other.Namespace;ParallelGen.Generated")]);

    private const string Source = """
        using System;
        using System.Linq;
        using ParallelGen;
        namespace Demo;
        public static class Work
        {
            public static int SlowAdd(int a, int b) => a + b;
            internal static string Name() => "n";
            public static double Scale(double x, string? unit, long k) => x * k;
            private static int Hidden(int x) => x;
            public static int CallsHidden(int x) => Hidden(x);
            public static void Init() { }
            public static void Connect(string name, int retries) { }
        }
        public class Program
        {
            private int _offset = 1;
            private int Instance(int x) => x + _offset;
            public void Run()
            {
                using var executor = new ParallelExecutor(2, Backend.Processes, initializer: Work.Init);
                using var connected = ParallelExecutor.Create(2, Backend.Processes, initializer: Work.Connect, initargs: ("db", 3));
                Future<int> sum = executor.Submit(Work.SlowAdd, 1, 2);
                Future<string> name = executor.Submit(Work.Name);
                Future<double> scaled = executor.Submit(Work.Scale, 2.0, (string?)null, 3L);
                int[] doubled = executor.Map(Work.CallsHidden, new[] { 1, 2 });
                int[] timed = executor.Map(Work.CallsHidden, new[] { 1, 2 }, TimeSpan.FromSeconds(1));
                var jobs = new ParallelJobs(jobs: 2);
                int[] sums = jobs.Run(Enumerable.Range(0, 4).Select(i => Delayed.Call(Work.SlowAdd, i, 1)));
                double root = Delayed.Call(Math.Sqrt, 4.0).Invoke();
                // Not intercepted: a lambda, an instance method, a private method, a generated Parallel method.
                var threads = new ParallelExecutor(2);
                _ = threads.Submit(() => _offset);
                _ = threads.Submit(Instance, 1);
                _ = Delayed.Call(Hidden, 1);
                _ = sum.Result() + name.Result().Length + scaled.Result() + doubled[0] + timed[0] + sums[0] + root;
            }

            private static int Hidden(int x) => x;
        }
        """;

    [Fact]
    public void Interceptors_snapshot() => Verify(Source);

    [Fact]
    public void Interceptors_compile_without_diagnostics_and_skip_what_cannot_cross()
    {
        (GeneratorRunResult result, Compilation output) = Run(Source, s_optedIn);
        Assert.Null(result.Exception);
        Assert.Empty(output.GetDiagnostics().Problems().Select(d => d.ToString()));
        string text = Assert.Single(result.GeneratedSources).SourceText.ToString();
        Assert.Equal(7, CountOf(text, "[global::System.Runtime.CompilerServices.InterceptsLocation("));
        Assert.DoesNotContain(".Instance(", text); // the instance method named Instance is not intercepted
        Assert.DoesNotContain(".Hidden(", text);
        Assert.Contains("global::Demo.Work.CallsHidden(item)", text);
        Assert.Contains("global::System.Math.Sqrt(item)", text);
        Assert.Contains("global::ParallelGen.Generated.RemoteInitializers.Register(\"ParallelGen.Init:M:Demo.Work.Init\", global::Demo.Work.Init);", text);
        Assert.Contains(
            "global::ParallelGen.Generated.RemoteInitializers.Register<(string, int)>(\"ParallelGen.Init:M:Demo.Work.Connect(System.String,System.Int32)\", " +
            "(global::System.Action<string, int>)global::Demo.Work.Connect, static a => global::Demo.Work.Connect(a.Item1, a.Item2), Initializer0_Formatters.F", text);
        // One body per method and call types: SlowAdd's Submit and Delayed.Call share Body0.
        Assert.Equal(5, CountOf(text, "private readonly struct Body"));
    }

    [Fact]
    public void Without_the_InterceptorsNamespaces_opt_in_nothing_is_generated()
    {
        (GeneratorRunResult result, Compilation output) = Run(Source, GeneratorHarness.ParseOptions);
        Assert.Empty(result.GeneratedSources);
        Assert.Empty(output.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).Select(d => d.ToString()));
    }

    [Fact]
    public void An_unrelated_edit_leaves_the_call_sites_cached()
    {
        CSharpCompilation first = GeneratorHarness.CreateCompilation(s_optedIn, Source, "namespace Demo; public static class Other { public static int A() => 1; }");
        GeneratorDriver driver = CSharpGeneratorDriver.Create(
            [new InterceptorsGenerator().AsSourceGenerator()],
            parseOptions: s_optedIn,
            driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: true));
        driver = driver.RunGenerators(first);
        SyntaxTree old = first.SyntaxTrees.Last();
        CSharpCompilation second = first.ReplaceSyntaxTree(old, CSharpSyntaxTree.ParseText("namespace Demo; public static class Other { public static int A() => 2; }", s_optedIn, old.FilePath));
        driver = driver.RunGenerators(second);
        ImmutableArray<IncrementalGeneratorRunStep> steps = driver.GetRunResult().Results.Single().TrackedSteps[TrackingNames.InterceptedCalls];
        Assert.All(steps.SelectMany(s => s.Outputs), o => Assert.True(o.Reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, o.Reason.ToString()));
    }

    private static int CountOf(string text, string part) => (text.Length - text.Replace(part, "", StringComparison.Ordinal).Length) / part.Length;

    private static (GeneratorRunResult Result, Compilation Output) Run(string source, CSharpParseOptions options)
    {
        CSharpCompilation input = GeneratorHarness.CreateCompilation(options, source);
        GeneratorDriver driver = CSharpGeneratorDriver.Create([new InterceptorsGenerator().AsSourceGenerator()], parseOptions: options)
            .RunGeneratorsAndUpdateCompilation(input, out Compilation output, out _);
        return (driver.GetRunResult().Results.Single(), output);
    }

    private static void Verify(string source, [CallerMemberName] string name = "", [CallerFilePath] string testFile = "")
    {
        (GeneratorRunResult result, _) = Run(source, s_optedIn);
        string actual = Assert.Single(result.GeneratedSources).SourceText.ToString();
        string snapshotPath = Path.Combine(Path.GetDirectoryName(testFile)!, "Snapshots", name + ".g.cs");
        if (Environment.GetEnvironmentVariable("PARALLELGEN_UPDATE_SNAPSHOTS") == "1")
        {
            File.WriteAllText(snapshotPath, actual);
        }

        Assert.True(File.Exists(snapshotPath), $"No snapshot at {snapshotPath}; run with PARALLELGEN_UPDATE_SNAPSHOTS=1 to create it.");
        Assert.Equal(File.ReadAllText(snapshotPath).ReplaceLineEndings("\n"), actual.ReplaceLineEndings("\n"));
    }
}
