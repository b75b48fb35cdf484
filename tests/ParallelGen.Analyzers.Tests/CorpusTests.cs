using System.Collections.Immutable;
using System.Reflection;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using ParallelGen.Analyzers.Tests.Verifiers;

namespace ParallelGen.Analyzers.Tests;

/// <summary>
/// The regression corpus (Corpus/*.cs, embedded): realistic parallel code in the shapes real libraries use, each file
/// compiled on its own and run through every ParallelGen analyzer. A line that should get diagnostics ends with
/// <c>// expect: PG0003</c> (several ids separated by commas or spaces, an id repeated for several diagnostics on the
/// line); every other line must get none. So a new false positive or a lost true positive fails here.
/// </summary>
public partial class CorpusTests
{
    private static readonly Assembly Self = typeof(CorpusTests).Assembly;

    private static readonly ImmutableArray<DiagnosticAnalyzer> Analyzers = ImmutableArray.Create<DiagnosticAnalyzer>(
        new SharedRandomAnalyzer(),
        new RacyWriteAnalyzer(),
        new SharedCollectionAnalyzer(),
        new ProcessBackendAnalyzer(),
        new ParallelizeUsageAnalyzer());

    public static TheoryData<string> Files()
    {
        var data = new TheoryData<string>();
        foreach (string name in CorpusNames())
        {
            data.Add(name);
        }

        return data;
    }

    [Fact]
    public void Corpus_IsThere()
    {
        string[] names = CorpusNames();
        Assert.True(names.Length >= 10, "expected the corpus files to be embedded, found: " + string.Join(", ", names));
        int expectations = names.Sum(name => Expected(Read(name)).Count);
        Assert.True(expectations >= 10, $"the corpus expects only {expectations} diagnostics");
    }

    [Theory]
    [MemberData(nameof(Files))]
    public async Task Corpus_GetsExactlyTheExpectedDiagnostics(string name)
    {
        string source = Read(name);
        CSharpCompilation compilation = CSharpCompilation.Create(
            Path.GetFileNameWithoutExtension(name),
            [CSharpSyntaxTree.ParseText(source, new CSharpParseOptions(LanguageVersion.Preview), path: name)],
            [.. Basic.Reference.Assemblies.Net100.References.All, TestReferences.Runtime],
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable, allowUnsafe: true));

        Diagnostic[] errors = compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).ToArray();
        Assert.True(errors.Length == 0, name + " does not compile:\n" + string.Join("\n", errors.Select(e => e.ToString())));

        ImmutableArray<Diagnostic> diagnostics = await compilation
            .WithAnalyzers(Analyzers, new CompilationWithAnalyzersOptions(new AnalyzerOptions([]), onAnalyzerException: null, concurrentAnalysis: false, logAnalyzerExecutionTime: false))
            .GetAnalyzerDiagnosticsAsync(CancellationToken.None);
        Diagnostic[] failures = diagnostics.Where(d => d.Id.StartsWith("AD", StringComparison.Ordinal)).ToArray();
        Assert.True(failures.Length == 0, "an analyzer failed:\n" + string.Join("\n", failures.Select(f => f.ToString())));

        string[] lines = source.Split('\n');
        List<string> actual = diagnostics
            .Where(d => d.Id.StartsWith("PG", StringComparison.Ordinal))
            .Select(d => Describe(d.Location.GetLineSpan().StartLinePosition.Line + 1, d.Id, lines))
            .Order(StringComparer.Ordinal)
            .ToList();
        List<string> expected = Expected(source).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(string.Join("\n", expected), string.Join("\n", actual));
    }

    /// <summary>The (line, id) pairs the <c>// expect:</c> markers of <paramref name="source"/> ask for.</summary>
    private static List<string> Expected(string source)
    {
        string[] lines = source.Split('\n');
        var expected = new List<string>();
        for (int i = 0; i < lines.Length; i++)
        {
            Match marker = ExpectMarker().Match(lines[i]);
            if (marker.Success)
            {
                foreach (Match id in DiagnosticId().Matches(marker.Groups[1].Value))
                {
                    expected.Add(Describe(i + 1, id.Value, lines));
                }
            }
        }

        return expected;
    }

    private static string Describe(int line, string id, string[] lines) =>
        $"{line,4}: {id}  | {(line <= lines.Length ? lines[line - 1].Trim() : string.Empty)}";

    private static string[] CorpusNames() =>
        Self.GetManifestResourceNames().Where(n => n.StartsWith("Corpus/", StringComparison.Ordinal)).Order(StringComparer.Ordinal).ToArray();

    private static string Read(string name)
    {
        using Stream stream = Self.GetManifestResourceStream(name) ?? throw new InvalidOperationException("no resource " + name);
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd().Replace("\r\n", "\n", StringComparison.Ordinal);
    }

    [GeneratedRegex(@"//\s*expect:\s*(.*)$")]
    private static partial Regex ExpectMarker();

    [GeneratedRegex(@"PG\d{4}")]
    private static partial Regex DiagnosticId();
}
