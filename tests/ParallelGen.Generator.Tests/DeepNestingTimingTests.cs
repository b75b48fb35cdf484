using System.Collections.Immutable;
using System.Diagnostics;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Xunit.Abstractions;

namespace ParallelGen.Generator.Tests;

/// <summary>
/// Issue 15: deeply nested expressions (800–1,400 levels of parentheses, long '+' chains) in and around
/// <c>[Parallelize]</c> methods. The time ParallelGen adds (generator + analyzers, measured by Roslyn itself) must stay
/// small next to what the compiler needs for the same file. Numbers: docs/benchmarks/hostile-input.md.
/// </summary>
public class DeepNestingTimingTests(ITestOutputHelper output)
{
    private static string Source(int depth) => $$"""
        using ParallelGen;
        public static partial class Deep
        {
            static int s_total;
            [Parallelize]
            public static int Parens(int x) { s_total += 1; return {{new string('(', depth)}}x{{new string(')', depth)}}; }
            [Parallelize(Backend = Backend.Processes)]
            public static int Sum(int x) => {{string.Join(" + ", Enumerable.Repeat("x", depth))}};
            public static int Plain(int x) => {{new string('(', depth)}}x{{new string(')', depth)}};
        }
        """;

    [Fact]
    public void ParallelGen_adds_little_to_the_compilers_time_for_deep_nesting()
    {
        const int depth = 1400;
        // The compiler's own recursion needs a large stack for such input (csc's main thread has 8 MB).
        (TimeSpan compiler, TimeSpan generator, TimeSpan analyzers, int analyzerExceptions) = HostileHarness.OnStack(() => Measure(Source(depth)), 8 * 1024 * 1024);

        output.WriteLine($"depth {depth}: compiler {compiler.TotalMilliseconds:F0} ms, generator {generator.TotalMilliseconds:F0} ms, analyzers {analyzers.TotalMilliseconds:F0} ms");
        Assert.Equal(0, analyzerExceptions);
        TimeSpan ours = generator + analyzers;
        Assert.True(ours < compiler + compiler + TimeSpan.FromSeconds(1), $"ParallelGen took {ours} where the compiler took {compiler}");
    }

    private static (TimeSpan Compiler, TimeSpan Generator, TimeSpan Analyzers, int AnalyzerExceptions) Measure(string source)
    {
        // Warm up the JIT on a small input first, so that the numbers are the work, not the code loading.
        MeasureOnce(Source(10));
        return MeasureOnce(source);
    }

    private static (TimeSpan Compiler, TimeSpan Generator, TimeSpan Analyzers, int AnalyzerExceptions) MeasureOnce(string source)
    {
        CSharpCompilation input = GeneratorHarness.CreateCompilation(source);
        var watch = Stopwatch.StartNew();
        ImmutableArray<Diagnostic> compilerDiagnostics = input.GetDiagnostics();
        TimeSpan compiler = watch.Elapsed;
        Assert.DoesNotContain(compilerDiagnostics, d => d.Severity == DiagnosticSeverity.Error);

        GeneratorDriver driver = GeneratorHarness.CreateDriver().RunGeneratorsAndUpdateCompilation(input, out Compilation output, out _);
        TimeSpan generator = driver.GetTimingInfo().GeneratorTimes.Single().ElapsedTime;

        int exceptions = 0;
        DiagnosticAnalyzer[] analyzers = HostileHarness.CreateAnalyzers();
        var withAnalyzers = output.WithAnalyzers(
            [.. analyzers],
            new CompilationWithAnalyzersOptions(new AnalyzerOptions([]), (_, _, _) => Interlocked.Increment(ref exceptions), concurrentAnalysis: false, logAnalyzerExecutionTime: true));
        withAnalyzers.GetAnalyzerDiagnosticsAsync().GetAwaiter().GetResult();
        TimeSpan analyzerTime = TimeSpan.Zero;
        foreach (DiagnosticAnalyzer analyzer in analyzers)
        {
            analyzerTime += withAnalyzers.GetAnalyzerTelemetryInfoAsync(analyzer, CancellationToken.None).GetAwaiter().GetResult().ExecutionTime;
        }

        return (compiler, generator, analyzerTime, exceptions);
    }
}
