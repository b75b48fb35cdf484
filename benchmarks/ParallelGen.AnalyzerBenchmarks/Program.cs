using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.CommandLine;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Diagnostics.Telemetry;
using ParallelGen.AnalyzerBenchmarks;

// Usage: dotnet run -c Release --project benchmarks/ParallelGen.AnalyzerBenchmarks -- [methods=4000] [iterations=5] [dense|typical]  (--help)
//
// Each iteration compiles the corpus from fresh syntax trees three ways:
//   compile   parse + bind + emit (what a build does without analyzers);
//   driver    compile, then the analyzer driver with a no-op IOperation analyzer (the driver's own cost:
//             re-binding all method bodies and building operation trees, paid once by all analyzers of a build);
//   analyzers compile, then the driver with all the analyzers of ParallelGen.Analyzers.dll.
// CPU time (the process's, all threads) is the primary measure: it is insensitive to other load on the machine.
// Analyzer execution time is Roslyn's per-analyzer telemetry (time inside the analyzers' callbacks), collected with
// concurrentAnalysis off so that it is not inflated by threads waiting for a CPU.
var methodsArgument = new Argument<int>("methods") { Description = "Methods in the generated corpus.", DefaultValueFactory = _ => 4000 };
var iterationsArgument = new Argument<int>("iterations") { Description = "Measured iterations (after one warm-up).", DefaultValueFactory = _ => 5 };
var corpusArgument = new Argument<string>("corpus")
{
    Description = "dense: 2 in 3 methods parallel; typical: 1 in 4.",
    DefaultValueFactory = _ => "dense",
}.AcceptOnlyFromAmong("dense", "typical");
methodsArgument.Validators.Add(r => { if (r.GetValueOrDefault<int>() < 1) r.AddError("methods must be at least 1."); });
iterationsArgument.Validators.Add(r => { if (r.GetValueOrDefault<int>() < 1) r.AddError("iterations must be at least 1."); });
var command = new RootCommand("ParallelGen analyzer benchmark: compile, no-op driver and ParallelGen analyzers on a generated corpus.")
{
    methodsArgument, iterationsArgument, corpusArgument,
};
ParseResult parsed = command.Parse(args);
if (parsed.Errors.Count > 0 || parsed.Action is not null)
{
    return parsed.Invoke(); // --help, --version, or the errors with the usage
}

int methods = parsed.GetValue(methodsArgument);
int iterations = parsed.GetValue(iterationsArgument);
bool dense = parsed.GetValue(corpusArgument) != "typical";

ImmutableArray<DiagnosticAnalyzer> analyzers = typeof(ParallelGen.Analyzers.DiagnosticDescriptors).Assembly.GetTypes()
    .Where(t => !t.IsAbstract && typeof(DiagnosticAnalyzer).IsAssignableFrom(t) && t.IsDefined(typeof(DiagnosticAnalyzerAttribute), false))
    .OrderBy(t => t.Name, StringComparer.Ordinal)
    .Select(t => (DiagnosticAnalyzer)Activator.CreateInstance(t)!)
    .ToImmutableArray();
ImmutableArray<DiagnosticAnalyzer> noOp = ImmutableArray.Create<DiagnosticAnalyzer>(new NoOpAnalyzer());

List<string> sources = CorpusGenerator.Generate(methods, dense);
var parseOptions = new CSharpParseOptions(LanguageVersion.Latest);
var references = new List<MetadataReference>(Basic.Reference.Assemblies.Net100.References.All)
{
    MetadataReference.CreateFromFile(typeof(ParallelGen.ParallelizeAttribute).Assembly.Location),
};
var options = new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, optimizationLevel: OptimizationLevel.Release, concurrentBuild: true);

Console.WriteLine("ParallelGen analyzer benchmark");
Console.WriteLine($"  machine  : {Environment.ProcessorCount} logical CPUs, {CpuModel()}, {RuntimeInformation.OSDescription}");
Console.WriteLine($"  runtime  : {RuntimeInformation.FrameworkDescription}, Roslyn {typeof(CSharpCompilation).Assembly.GetName().Version}");
Console.WriteLine($"  corpus   : {methods} methods in {sources.Count} files, {sources.Sum(s => s.Length) / 1024} KiB, {(dense ? "dense (2 in 3 methods parallel)" : "typical (1 in 4 methods parallel)")}");
Console.WriteLine($"  analyzers: {string.Join(", ", analyzers.Select(a => a.GetType().Name))}");

CSharpCompilation NewCompilation() => CSharpCompilation.Create(
    "Corpus",
    sources.Select((s, i) => CSharpSyntaxTree.ParseText(s, parseOptions, path: $"File{i}.cs")),
    references,
    options);

// Sanity check: the corpus compiles and the analyzers find what it plants.
{
    CSharpCompilation check = NewCompilation();
    Diagnostic[] errors = check.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).ToArray();
    if (errors.Length > 0)
    {
        Console.Error.WriteLine($"The corpus does not compile: {errors.Length} errors, first: {errors[0]}");
        return 1;
    }

    ImmutableArray<Diagnostic> found = check.WithAnalyzers(analyzers).GetAnalyzerDiagnosticsAsync().GetAwaiter().GetResult();
    Console.WriteLine("  found    : " + string.Join(", ", found.GroupBy(d => d.Id).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => $"{g.Key}×{g.Count()}")));
    Console.WriteLine();
}

var compileCpu = new List<double>();
var compileWall = new List<double>();
var driverCpu = new List<double>();
var analyzersCpu = new List<double>();
var analyzersWall = new List<double>();
var telemetryTotal = new List<double>();
var perAnalyzer = analyzers.ToDictionary(a => a.GetType().Name, _ => new List<double>());

Console.WriteLine("             compile (cpu / wall)   +no-op driver (cpu)   +ParallelGen analyzers (cpu / wall)   telemetry");
for (int i = 0; i <= iterations; i++)
{
    bool warmup = i == 0;
    (double cCpu, double cWall, _) = Measure(null);
    (double dCpu, _, _) = Measure(noOp);
    (double aCpu, double aWall, CompilationWithAnalyzers? withAnalyzers) = Measure(analyzers);

    double telemetry = 0;
    foreach (DiagnosticAnalyzer analyzer in analyzers)
    {
        AnalyzerTelemetryInfo info = withAnalyzers!.GetAnalyzerTelemetryInfoAsync(analyzer, CancellationToken.None).GetAwaiter().GetResult();
        telemetry += info.ExecutionTime.TotalMilliseconds;
        if (!warmup)
        {
            perAnalyzer[analyzer.GetType().Name].Add(info.ExecutionTime.TotalMilliseconds);
        }
    }

    Console.WriteLine($"  {(warmup ? "warm-up" : $"run {i}"),-9}  {cCpu,7:F0} / {cWall,6:F0} ms     {dCpu,7:F0} ms           {aCpu,7:F0} / {aWall,6:F0} ms                  {telemetry,6:F0} ms");
    if (!warmup)
    {
        compileCpu.Add(cCpu);
        compileWall.Add(cWall);
        driverCpu.Add(dCpu);
        analyzersCpu.Add(aCpu);
        analyzersWall.Add(aWall);
        telemetryTotal.Add(telemetry);
    }
}

Report("Medians", Median);
Report("Minimums (least-disturbed run of each measure)", values => values.Min());
return 0;

void Report(string title, Func<List<double>, double> pick)
{
    double compile = pick(compileCpu);
    double driver = pick(driverCpu);
    double all = pick(analyzersCpu);
    double own = pick(telemetryTotal);
    Console.WriteLine();
    Console.WriteLine($"{title} of {iterations} runs (CPU time):");
    Console.WriteLine($"  compile (parse + bind + emit)                 {compile,8:F0} ms   (wall {pick(compileWall):F0} ms)");
    Console.WriteLine($"  compile + no-op analyzer (driver cost)        {driver,8:F0} ms   (+{100 * (driver - compile) / compile:F1}%)");
    Console.WriteLine($"  compile + ParallelGen analyzers               {all,8:F0} ms   (+{100 * (all - compile) / compile:F1}%, wall {pick(analyzersWall):F0} ms)");
    Console.WriteLine($"  ParallelGen analyzers beyond the driver       {all - driver,8:F0} ms   ({100 * (all - driver) / compile:F1}% of compile)");
    Console.WriteLine($"  analyzer execution time (telemetry, total)    {own,8:F0} ms   ({100 * own / compile:F1}% of compile)");
    foreach (KeyValuePair<string, List<double>> entry in perAnalyzer)
    {
        Console.WriteLine($"    {entry.Key,-30}              {pick(entry.Value),8:F1} ms");
    }
}

(double Cpu, double Wall, CompilationWithAnalyzers? WithAnalyzers) Measure(ImmutableArray<DiagnosticAnalyzer>? set)
{
    Collect();
    TimeSpan cpu0 = Process.GetCurrentProcess().TotalProcessorTime;
    var wall = Stopwatch.StartNew();
    CSharpCompilation compilation = NewCompilation();
    using (var pe = new MemoryStream())
    {
        compilation.Emit(pe);
    }

    CompilationWithAnalyzers? withAnalyzers = null;
    if (set is { } analyzerSet)
    {
        withAnalyzers = new CompilationWithAnalyzers(
            compilation,
            analyzerSet,
            new CompilationWithAnalyzersOptions(new AnalyzerOptions(ImmutableArray<AdditionalText>.Empty), onAnalyzerException: null, concurrentAnalysis: false, logAnalyzerExecutionTime: true));
        withAnalyzers.GetAnalyzerDiagnosticsAsync(CancellationToken.None).GetAwaiter().GetResult();
    }

    double elapsed = wall.Elapsed.TotalMilliseconds;
    return ((Process.GetCurrentProcess().TotalProcessorTime - cpu0).TotalMilliseconds, elapsed, withAnalyzers);
}

static void Collect()
{
    GC.Collect();
    GC.WaitForPendingFinalizers();
    GC.Collect();
}

static double Median(List<double> values)
{
    if (values.Count == 0)
    {
        return 0;
    }

    var sorted = values.OrderBy(v => v).ToList();
    int mid = sorted.Count / 2;
    return sorted.Count % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

static string CpuModel()
{
    try
    {
        foreach (string line in File.ReadLines("/proc/cpuinfo"))
        {
            if (line.StartsWith("model name", StringComparison.Ordinal))
            {
                return line.Substring(line.IndexOf(':', StringComparison.Ordinal) + 1).Trim();
            }
        }
    }
    catch (IOException)
    {
    }
    catch (UnauthorizedAccessException)
    {
    }

    return RuntimeInformation.ProcessArchitecture.ToString();
}
