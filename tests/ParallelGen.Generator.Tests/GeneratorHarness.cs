using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using ParallelGen.Analyzers;
using ParallelGen.Generator;

namespace ParallelGen.Generator.Tests;

/// <summary>Compiles test sources offline (reference assemblies from Basic.Reference.Assemblies) and runs the generator.</summary>
internal static class GeneratorHarness
{
    // Diagnose mode makes the compiler check XML docs (CS1591 for undocumented public members, CS1574 for bad crefs).
    public static readonly CSharpParseOptions ParseOptions =
        new(LanguageVersion.Latest, DocumentationMode.Diagnose);

    private static readonly ImmutableArray<MetadataReference> s_references =
    [
        .. Basic.Reference.Assemblies.Net100.References.All,
        MetadataReference.CreateFromFile(typeof(ParallelizeAttribute).Assembly.Location),
        // The formatters generated for remote methods are MessagePack's (the ParallelGen package depends on it).
        MetadataReference.CreateFromFile(typeof(MessagePack.MessagePackWriter).Assembly.Location),
    ];

    public static CSharpCompilation CreateCompilation(params string[] sources) => CreateCompilation(ParseOptions, sources);

    public static CSharpCompilation CreateCompilation(CSharpParseOptions parseOptions, params string[] sources) =>
        CSharpCompilation.Create(
            "GeneratorTests",
            sources.Select((s, i) => CSharpSyntaxTree.ParseText(s, parseOptions, path: $"Source{i}.cs")),
            s_references,
            new CSharpCompilationOptions(
                OutputKind.DynamicallyLinkedLibrary,
                nullableContextOptions: NullableContextOptions.Enable,
                allowUnsafe: true,
                // As the SDK does: MessagePack (netstandard/net8 builds) names older framework assembly versions.
                specificDiagnosticOptions: [new("CS1701", ReportDiagnostic.Suppress), new("CS1702", ReportDiagnostic.Suppress)]));

    public static GeneratorDriver CreateDriver(bool trackSteps = false, CSharpParseOptions? parseOptions = null) =>
        CSharpGeneratorDriver.Create(
            [new ParallelizeGenerator().AsSourceGenerator()],
            parseOptions: parseOptions ?? ParseOptions,
            driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: trackSteps));

    /// <summary>Runs the generator; returns its result, the compilation with generated code, and all diagnostics.</summary>
    public static (GeneratorRunResult Result, Compilation Output, ImmutableArray<Diagnostic> Diagnostics) Run(params string[] sources)
    {
        CSharpCompilation input = CreateCompilation(sources);
        GeneratorDriver driver = CreateDriver().RunGeneratorsAndUpdateCompilation(input, out Compilation output, out ImmutableArray<Diagnostic> generatorDiagnostics);
        GeneratorRunResult result = driver.GetRunResult().Results.Single();
        return (result, output, generatorDiagnostics.AddRange(output.GetDiagnostics()));
    }

    /// <summary>
    /// The PG0005 analyzer's diagnostics for the sources, analysed as a build does: on the compilation that already holds
    /// the generated code (so generated members must never be mistaken for the user's).
    /// </summary>
    public static async Task<ImmutableArray<Diagnostic>> AnalyzeAsync(params string[] sources)
    {
        CreateDriver().RunGeneratorsAndUpdateCompilation(CreateCompilation(sources), out Compilation compilation, out _);
        var analyzers = ImmutableArray.Create<DiagnosticAnalyzer>(new ParallelizeUsageAnalyzer());
        return await compilation.WithAnalyzers(analyzers).GetAnalyzerDiagnosticsAsync();
    }

    /// <summary>
    /// Errors and warnings, except missing XML docs in the test's own sources (generated code must document everything).
    /// </summary>
    public static IEnumerable<Diagnostic> Problems(this IEnumerable<Diagnostic> diagnostics) =>
        diagnostics.Where(d => d.Severity >= DiagnosticSeverity.Warning
            && !(d.Id == "CS1591" && d.Location.SourceTree?.FilePath.StartsWith("Source", StringComparison.Ordinal) == true));
}
