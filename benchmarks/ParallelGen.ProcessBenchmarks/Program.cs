using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.CommandLine;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;
using System.Text.Json;
using ParallelGen.ProcessBenchmarks;

// Child modes (the harness starts itself with these).
if (args.Length > 0)
{
    switch (args[0])
    {
        case PipeFloor.ChildSwitch:
            return PipeFloor.RunChild();
        case ProcessBench.ColdOnceSwitch:
            return ProcessBench.ColdOnce();
        case ProcessBench.NoopSwitch:
            return 0;
        case ProcessBench.NoopMessagePackSwitch:
            return ProcessBench.NoopMessagePack(args.Length > 1 ? args[1] : "contractless");
        case SerializerBench.FirstUseSwitch:
            return SerializerBench.FirstUse(args[1]);
        case SharedArrayBench.ChildSwitch:
            return SharedArrayBench.Child(args[1], int.Parse(args[2], CultureInfo.InvariantCulture));
        case FirstHeavyBench.ChildSwitch:
            return FirstHeavyBench.RunOnce();
    }
}

ParseResult parsed = Options.Command.Parse(args);
if (parsed.Errors.Count > 0 || parsed.Action is not null)
{
    return parsed.Invoke(); // --help, --version, or the errors with the usage
}

Options o = Options.From(parsed);

var total = Stopwatch.StartNew();
HarnessHost.PrintMachine();

ProcessResults? pg = null;
JsonElement? py = null;
if (o.Process)
{
    Console.WriteLine();
    Console.WriteLine("ParallelGen process backend (Release, warm pool unless stated):");
    pg = ProcessBench.Run(o);
}

if (o.Python)
{
    Console.WriteLine();
    Console.WriteLine($"Python ({PythonBench.Python} benchmarks/python/bench_joblib.py) ...");
    py = PythonBench.Run(o);
}

if (pg is not null)
{
    PrintContract(pg);
}

if (pg is not null)
{
    List<Chart.Point> chart = PrintSideBySide(pg, py);
    var (png, svg) = Chart.Write(
        Path.Combine(o.Artifacts, "processes-vs-python"),
        chart,
        py is null ? "ParallelGen process backend: cost per task or call (medians)" : "Process pools: ParallelGen vs Python joblib/loky and ProcessPoolExecutor (medians)");
    Console.WriteLine();
    Console.WriteLine($"Chart: {png}");
    Console.WriteLine($"       {svg}");
}

if (o.FirstHeavy || o.ColdPrograms.Length > 0)
{
    Console.WriteLine();
    Console.WriteLine("First heavy call and cold start of a fresh program (issue 10 §5, issue 13):");
    if (o.FirstHeavy)
    {
        // Side by side: the parent's background JIT at lowest priority during calls that fill the cores (the default), and
        // at normal priority (ParallelGen.Processes.LowerParentJitPriority=false).
        FirstHeavyBench.Run(o.Repeats(5), ("defaults", []), ("parent JIT at normal priority", [("PARALLELGEN_BENCH_PARENT_JIT", "normal")]));
    }

    var fresh = new List<double>();
    for (int i = 0; i < o.Repeats(8); i++)
    {
        fresh.Add(double.Parse(ProcessBench.RunSelf(ProcessBench.ColdOnceSwitch), CultureInfo.InvariantCulture));
    }

    Console.WriteLine($"  cold start, first call of a fresh program (JIT, parent JIT included): {new Sample(fresh)}");
    if (o.ColdPrograms.Length > 0)
    {
        ColdStartBench.Measure(o.ColdPrograms, o.Repeats(8));
    }
}

if (o.Serializers)
{
    SerializerBench.Print(SerializerBench.Run(o));
}

if (o.Shared)
{
    SharedArrayBench.Run(o.SharedCalls);
}

Console.WriteLine();
Console.WriteLine($"Harness time: {total.Elapsed.TotalSeconds:0.0} s. Load average now: {HarnessHost.LoadAverage()}");
return 0;

static void PrintContract(ProcessResults r)
{
    Console.WriteLine();
    Console.WriteLine("Against the contract:");
    Row("round trip, one tiny call (BatchSize 1), median", r.OneItemCall!.Median, 30);
    Row("  per item inside one call (Jobs 1, BatchSize 1), median", r.PerItemBatch1Jobs1!.Median, 30);
    foreach ((int n, Sample s) in r.PerItemAuto)
    {
        Row($"trivial task, auto batching, {n:N0} tasks, per task", s.Median, 1);
    }

    Row("cold start to first result (warm parent), median", r.ColdWarmParent!.Median, 150_000);
    Row("cold start, first call of a fresh program, median", r.ColdFreshParent!.Median, 150_000);
    Console.WriteLine($"  (raw pipe ping-pong floor here: median {Fmt.Us(r.PipeFloor!.Median)}, p90 {Fmt.Us(r.PipeFloor.P90)})");

    static void Row(string what, double value, double target) =>
        Console.WriteLine($"  {what,-62} {Fmt.Us(value),10}  target ≤ {Fmt.Us(target),-8} {Fmt.Verdict(value, target)}");
}

// Prints the side-by-side table (when Python ran) and returns the points of the comparison chart.
static List<Chart.Point> PrintSideBySide(ProcessResults r, JsonElement? pyOrNull)
{
    var chart = new List<Chart.Point>();
    void Ours(string what, double us)
    {
        if (!chart.Any(c => c.Measure == what && c.Series == "ParallelGen"))
        {
            chart.Add(new Chart.Point(what, "ParallelGen", us));
        }
    }

    if (pyOrNull is not { } py)
    {
        Ours("raw pipe ping-pong floor", r.PipeFloor!.Median);
        Ours("one tiny call, one item", r.OneItemCall!.Median);
        Ours("1000 tasks, batch 1, per task", r.PerItemBatch1Jobs2Tasks1000!.Median);
        Ours("1000 tasks, auto batch, per task", r.PerItemAutoJobs2Tasks1000!.Median);
        Ours("cold start to first result", r.ColdWarmParent!.Median);
        return chart;
    }

    Console.WriteLine();
    Console.WriteLine($"Side by side with Python {PythonBench.Text(py, "python")}, joblib {PythonBench.Text(py, "joblib")} " +
        $"(start method {PythonBench.Text(py, "mp_start_method")}); medians; ratio = Python ÷ ParallelGen (above 1× = ParallelGen faster)");
    Console.WriteLine($"  {"measure",-44} {"ParallelGen",12} {"Python",12} {"ratio",8}  Python side");
    string chunk = PythonBench.Text(py, "ppe_map_auto_chunksize");
    var rows = new List<(string, double, string, string)>
    {
        ("raw pipe ping-pong floor", r.PipeFloor!.Median, "pipe_floor", "os.pipe + fork, 16 bytes"),
        ("one tiny call, one item (whole call path)", r.OneItemCall!.Median, "loky_one_item_call", "Parallel(n_jobs=2)(1 item), warm"),
        ("one tiny call, one item (whole call path)", r.OneItemCall.Median, "loky_executor_submit_result", "loky executor submit().result()"),
        ("one tiny call, one item (whole call path)", r.OneItemCall.Median, "ppe_submit_result", "ProcessPoolExecutor submit().result()"),
        ("executor Submit(f, x).Result(), 1 worker", r.ExecutorSubmit!.Median, "ppe_submit_result", "ProcessPoolExecutor(1).submit(echo, i).result()"),
        ("executor Submit(f, x).Result(), 1 worker", r.ExecutorSubmit.Median, "loky_executor_submit_result", "loky executor submit().result()"),
        ("executor Submit(MParallel, x).Result(), 1 worker", r.ExecutorSubmitGenerated!.Median, "ppe_submit_result", "ProcessPoolExecutor(1).submit(echo, i).result()"),
        ("1000 tasks, batch 1, 2 workers, per task", r.PerItemBatch1Jobs2Tasks1000!.Median, "loky_batch1_per_task", "loky batch_size=1"),
        ("1000 tasks, batch 1, 2 workers, per task", r.PerItemBatch1Jobs2Tasks1000.Median, "ppe_map_chunksize_1_per_task", "ProcessPoolExecutor.map chunksize=1"),
        ("1000 tasks, auto batch, 2 workers, per task", r.PerItemAutoJobs2Tasks1000!.Median, "loky_auto_per_task", "loky batch_size='auto'"),
        ("1000 tasks, auto batch, 2 workers, per task", r.PerItemAutoJobs2Tasks1000.Median, "ppe_map_chunksize_16_per_task", "ProcessPoolExecutor.map chunksize=16"),
        ("1000 tasks, auto batch, 2 workers, per task", r.PerItemAutoJobs2Tasks1000.Median, $"ppe_map_chunksize_{chunk}_per_task", $"ProcessPoolExecutor.map chunksize={chunk}"),
    };
    if (r.PerItemAuto.TryGetValue(100_000, out Sample? big))
    {
        rows.Add(("100,000 tasks, auto batch, 2 workers, per task", big.Median, "loky_auto_per_task_100k", "loky batch_size='auto' (--long only)"));
    }

    rows.Add(("cold start to first result", r.ColdWarmParent!.Median, "loky_cold_first_result", "new loky pool (interpreter warm)"));
    rows.Add(("cold start to first result", r.ColdWarmParent.Median, "ppe_cold_first_result", "new ProcessPoolExecutor (fork)"));

    foreach ((string what, double ours, string key, string pyWhat) in rows)
    {
        double theirs = PythonBench.Median(py, key);
        if (double.IsNaN(theirs))
        {
            continue;
        }

        Console.WriteLine($"  {what,-44} {Fmt.Us(ours),12} {Fmt.Us(theirs),12} {Fmt.Ratio(theirs, ours),8}  {pyWhat}");
        string measure = what.Replace(" (whole call path)", "", StringComparison.Ordinal).Replace(", 2 workers", "", StringComparison.Ordinal);
        Ours(measure, ours);
        string side = key.StartsWith("ppe_", StringComparison.Ordinal) ? "Python ProcessPoolExecutor"
            : key == "pipe_floor" ? "Python os.pipe + fork"
            : "Python joblib/loky";
        if (!chart.Any(c => c.Measure == measure && c.Series == side)) // the table's first Python row of each kind
        {
            chart.Add(new Chart.Point(measure, side, theirs));
        }
    }

    return chart;
}

/// <summary>Command-line switches (System.CommandLine: --help, validation, completions).</summary>
internal sealed class Options
{
    private static readonly Option<bool> s_process = new("--process") { Description = "The process backend against the contract (also what --python compares with)." };
    private static readonly Option<bool> s_python = new("--python") { Description = "Run benchmarks/python/bench_joblib.py with /usr/bin/python3 (needs --process for ratios)." };
    private static readonly Option<bool> s_serializers = new("--serializers") { Description = "MessagePack contractless vs System.Text.Json vs MemoryPack." };
    private static readonly Option<bool> s_shared = new("--shared") { Description = "Large data: 100 calls reading a 100 MB double[], copied vs shared (about 30 s; only when asked)." };
    private static readonly Option<int> s_sharedCalls = new("--shared-calls")
    {
        Description = "How many calls the large-data section makes per variant.",
        DefaultValueFactory = _ => SharedArrayBench.DefaultCalls,
    };
    private static readonly Option<bool> s_firstHeavy = new("--first-heavy") { Description = "The first heavy call (pi, 2 x 10^7 darts, Jobs 2) and a fresh program's cold start (not part of the default run)." };
    private static readonly Option<string[]> s_cold = new("--cold")
    {
        Description = "Time the first call of these programs, with a breakdown by start-up stage (benchmarks/ParallelGen.ColdStart built as a .dll, run with dotnet, or published with PublishAot=true); with or without --first-heavy.",
        HelpName = "program",
        AllowMultipleArgumentsPerToken = true,
    };
    private static readonly Option<bool> s_long = new("--long") { Description = "More repetitions, and 10,000,000 trivial tasks (and loky on 100,000)." };
    private static readonly Option<bool> s_quick = new("--quick") { Description = "Fewer repetitions (a smoke run)." };
    private static readonly Option<string> s_artifacts = new("--artifacts")
    {
        Description = "Where the comparison chart goes (processes-vs-python.png and .svg).",
        HelpName = "dir",
        DefaultValueFactory = _ => Path.Combine("artifacts", "benchmarks"),
    };

    /// <summary>The harness's command line. Without a section switch all three sections run (about 1-2 minutes).</summary>
    internal static RootCommand Command { get; } = CreateCommand();

    internal bool Process { get; private init; }

    internal bool Python { get; private init; }

    internal bool Serializers { get; private init; }

    internal bool Shared { get; private init; }

    internal int SharedCalls { get; private init; } = SharedArrayBench.DefaultCalls;
    internal bool FirstHeavy { get; private init; }

    internal string[] ColdPrograms { get; private init; } = [];

    internal bool Long { get; private init; }

    internal bool Quick { get; private init; }

    internal string Artifacts { get; private init; } = Path.Combine("artifacts", "benchmarks");

    internal int Scale(int n) => Long ? n * 3 : Quick ? Math.Max(1, n / 5) : n;

    internal int Repeats(int n) => Long ? n * 2 : Quick ? Math.Max(2, n / 3) : n;

    internal static Options From(ParseResult parsed)
    {
        bool process = parsed.GetValue(s_process), python = parsed.GetValue(s_python), serializers = parsed.GetValue(s_serializers);
        bool shared = parsed.GetValue(s_shared);
        bool all = !process && !python && !serializers && !shared && !parsed.GetValue(s_firstHeavy) && (parsed.GetValue(s_cold) ?? []).Length == 0;
        return new Options
        {
            Process = process || all,
            Python = python || all,
            Serializers = serializers || all,
            Shared = shared,
            SharedCalls = parsed.GetValue(s_sharedCalls),
            FirstHeavy = parsed.GetValue(s_firstHeavy),
            ColdPrograms = parsed.GetValue(s_cold) ?? [],
            Long = parsed.GetValue(s_long),
            Quick = parsed.GetValue(s_quick),
            Artifacts = parsed.GetValue(s_artifacts) ?? Path.Combine("artifacts", "benchmarks"),
        };
    }

    private static RootCommand CreateCommand()
    {
        var command = new RootCommand(
            "The process backend's performance contract, side by side with Python (joblib/loky, ProcessPoolExecutor), " +
            "and the serializer comparison. Without a section switch (--process, --python, --serializers) all three run.")
        {
            s_process, s_python, s_serializers, s_shared, s_sharedCalls, s_firstHeavy, s_cold, s_long, s_quick, s_artifacts,
        };
        command.Validators.Add(result =>
        {
            if (result.GetValue(s_long) && result.GetValue(s_quick))
            {
                result.AddError("--long and --quick contradict each other; choose one.");
            }
        });
        return command;
    }
}
