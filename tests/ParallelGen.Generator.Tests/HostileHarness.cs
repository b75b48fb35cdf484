using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Runtime.ExceptionServices;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using ParallelGen.Analyzers;

namespace ParallelGen.Generator.Tests;

/// <summary>
/// Runs the generator and every ParallelGen analyzer over one source, on a thread with a small stack, and collects
/// what an IDE or a build would see: the input's own errors, generator exceptions (CS8784/CS8785), analyzer exceptions
/// (AD0001) and errors in the generated code.
/// </summary>
/// <remarks>
/// The generator runs on the calling (bounded) thread. The analyzer driver hands analyzer callbacks to thread-pool
/// threads even without concurrent analysis; <see cref="Outcome.OffThread"/> records that, and the walks that once
/// overflowed are also tested directly on a bounded thread (<c>SerializabilityBoundsTests</c>). A stack overflow cannot
/// be caught in .NET: the bounds in the walks, and <c>RuntimeHelpers.EnsureSufficientExecutionStack</c> behind them,
/// turn deep input into a diagnostic or a catchable exception (AD0001, which fails the test).
/// </remarks>
internal static class HostileHarness
{
    /// <summary>The stack of the thread the generator and analyzers run on.</summary>
    public const int StackSize = 512 * 1024;

    /// <summary>Everything one run produced.</summary>
    /// <param name="InputErrors">Errors of the input alone, before generation.</param>
    /// <param name="GeneratorFailures">CS8784/CS8785 and any exception the generator driver recorded.</param>
    /// <param name="AnalyzerFailures">AD0001 diagnostics and exceptions reported by the analyzer driver.</param>
    /// <param name="GeneratedErrors">Errors located in generated files.</param>
    /// <param name="GeneratedWarnings">Warnings located in generated files.</param>
    /// <param name="UserErrors">Errors in the input's files once the generated code is added.</param>
    /// <param name="AnalyzerDiagnostics">The analyzers' diagnostics.</param>
    /// <param name="GeneratedSources">The generated files.</param>
    /// <param name="OffThread">Whether a ParallelGen callback ran on another thread than the bounded one.</param>
    public sealed record Outcome(
        ImmutableArray<Diagnostic> InputErrors,
        ImmutableArray<string> GeneratorFailures,
        ImmutableArray<string> AnalyzerFailures,
        ImmutableArray<Diagnostic> GeneratedErrors,
        ImmutableArray<Diagnostic> GeneratedWarnings,
        ImmutableArray<Diagnostic> UserErrors,
        ImmutableArray<Diagnostic> AnalyzerDiagnostics,
        ImmutableArray<string> GeneratedSources,
        bool OffThread)
    {
        /// <summary>A one-line summary of what went wrong, for assertion messages.</summary>
        public string Describe() =>
            string.Join(" | ", GeneratorFailures.Concat(AnalyzerFailures).Concat(GeneratedErrors.Select(d => d.ToString())));
    }

    /// <summary>A fresh instance of every ParallelGen analyzer.</summary>
    public static DiagnosticAnalyzer[] CreateAnalyzers() =>
    [
        new ParallelizeUsageAnalyzer(),
        new ProcessBackendAnalyzer(),
        new RacyWriteAnalyzer(),
        new SharedCollectionAnalyzer(),
        new SharedRandomAnalyzer(),
    ];

    /// <summary>Runs everything over <paramref name="source"/> on a thread with a <see cref="StackSize"/> stack.</summary>
    public static Outcome Run(string source, CSharpParseOptions? parseOptions = null) =>
        OnBoundedStack(() => RunHere(source, parseOptions ?? GeneratorHarness.ParseOptions));

    /// <summary>Runs <paramref name="work"/> on a new thread with a <see cref="StackSize"/> stack; rethrows its exception.</summary>
    public static T OnBoundedStack<T>(Func<T> work) => OnStack(work, StackSize);

    /// <summary>Runs <paramref name="work"/> on a new thread with a <paramref name="stackSize"/>-byte stack; rethrows its exception.</summary>
    public static T OnStack<T>(Func<T> work, int stackSize)
    {
        T result = default!;
        ExceptionDispatchInfo? failure = null;
        var thread = new Thread(
            () =>
            {
                try
                {
                    result = work();
                }
                catch (Exception ex)
                {
                    failure = ExceptionDispatchInfo.Capture(ex);
                }
            },
            stackSize);
        thread.Start();
        thread.Join();
        failure?.Throw();
        return result;
    }

    private static Outcome RunHere(string source, CSharpParseOptions parseOptions)
    {
        int threadId = Environment.CurrentManagedThreadId;
        CSharpCompilation input = GeneratorHarness.CreateCompilation(parseOptions, source);

        // Syntax errors are cheap to find; only an input without them is bound in full on its own.
        ImmutableArray<Diagnostic> inputErrors = [.. input.SyntaxTrees.SelectMany(t => t.GetDiagnostics()).Where(d => d.Severity == DiagnosticSeverity.Error)];
        if (inputErrors.IsEmpty)
        {
            inputErrors = [.. input.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error)];
        }

        GeneratorDriver driver = GeneratorHarness.CreateDriver(parseOptions: parseOptions)
            .RunGeneratorsAndUpdateCompilation(input, out Compilation output, out ImmutableArray<Diagnostic> generatorDiagnostics);
        GeneratorRunResult result = driver.GetRunResult().Results.Single();
        var generatorFailures = generatorDiagnostics
            .Where(d => d.Id is "CS8784" or "CS8785")
            .Select(d => d.ToString())
            .ToList();
        if (result.Exception is not null)
        {
            generatorFailures.Add("generator exception: " + result.Exception);
        }

        // One pass over the output compilation gives the compiler's and the analyzers' diagnostics together.
        var analyzerFailures = new ConcurrentQueue<string>();
        var threadProbe = new ThreadProbe(threadId);
        var options = new CompilationWithAnalyzersOptions(
            new AnalyzerOptions([]),
            onAnalyzerException: (ex, analyzer, _) => analyzerFailures.Enqueue($"{analyzer.GetType().Name} threw {ex}"),
            concurrentAnalysis: false,
            logAnalyzerExecutionTime: false);
        DiagnosticAnalyzer[] analyzers = [.. CreateAnalyzers(), threadProbe];
        ImmutableArray<Diagnostic> all = output
            .WithAnalyzers([.. analyzers], options)
            .GetAllDiagnosticsAsync(CancellationToken.None)
            .GetAwaiter()
            .GetResult();

        var generatedTrees = result.GeneratedSources.Select(s => s.SyntaxTree).ToHashSet();
        bool InGenerated(Diagnostic d) => d.Location.SourceTree is { } tree && generatedTrees.Contains(tree);
        bool FromCompiler(Diagnostic d) => d.Id.StartsWith("CS", StringComparison.Ordinal);
        ImmutableArray<Diagnostic> generatedErrors = [.. all.Where(d => FromCompiler(d) && InGenerated(d) && d.Severity == DiagnosticSeverity.Error)];
        ImmutableArray<Diagnostic> generatedWarnings = [.. all.Where(d => FromCompiler(d) && InGenerated(d) && d.Severity == DiagnosticSeverity.Warning)];
        ImmutableArray<Diagnostic> userErrors = [.. all.Where(d => FromCompiler(d) && !InGenerated(d) && d.Severity == DiagnosticSeverity.Error)];
        ImmutableArray<Diagnostic> analyzerDiagnostics = [.. all.Where(d => !FromCompiler(d))];
        foreach (Diagnostic d in analyzerDiagnostics.Where(d => d.Id == "AD0001"))
        {
            analyzerFailures.Enqueue(d.ToString());
        }

        return new Outcome(
            inputErrors,
            [.. generatorFailures],
            [.. analyzerFailures],
            generatedErrors,
            generatedWarnings,
            userErrors,
            [.. analyzerDiagnostics.Where(d => d.Id != "AD0001")],
            [.. result.GeneratedSources.Select(s => s.SourceText.ToString())],
            threadProbe.OffThread);
    }

    /// <summary>Records whether the analyzer driver calls analyzers on another thread than the one that asked.</summary>
    /// <remarks>A test probe, never loaded by a compiler; it is deliberately not concurrent (it checks the calling thread).</remarks>
#pragma warning disable RS1041, RS1036, RS2008, RS1026 // the rules for shipped analyzers do not apply to this in-process probe
    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    private sealed class ThreadProbe(int threadId) : DiagnosticAnalyzer
    {
        private static readonly DiagnosticDescriptor s_unused = new("PROBE", "probe", "probe", "Test", DiagnosticSeverity.Hidden, isEnabledByDefault: true);

        private volatile bool _offThread;

        public bool OffThread => _offThread;

        public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics => [s_unused];

        public override void Initialize(AnalysisContext context)
        {
            context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
            context.RegisterSymbolAction(_ => Check(), SymbolKind.Method);
            context.RegisterOperationBlockAction(_ => Check());
        }

        private void Check()
        {
            if (Environment.CurrentManagedThreadId != threadId)
            {
                _offThread = true;
            }
        }
    }
#pragma warning restore RS1041, RS1036, RS2008, RS1026
}
