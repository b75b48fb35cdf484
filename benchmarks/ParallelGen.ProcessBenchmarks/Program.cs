using System;
using System.Collections.Generic;
using System.Diagnostics;
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
    }
}

Options o;
try
{
    o = Options.Parse(args);
}
catch (ArgumentException ex)
{
    Console.Error.WriteLine(ex.Message);
    Console.Error.WriteLine(Options.Usage);
    return 2;
}

if (o.Help)
{
    Console.WriteLine(Options.Usage);
    return 0;
}

var total = Stopwatch.StartNew();
PrintMachine();

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

if (o.Serializers)
{
    SerializerBench.Print(SerializerBench.Run(o));
}

Console.WriteLine();
Console.WriteLine($"Harness time: {total.Elapsed.TotalSeconds:0.0} s. Load average now: {LoadAverage()}");
return 0;

static void PrintMachine()
{
    string cpu = File.Exists("/proc/cpuinfo")
        ? File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "?"
        : "?";
    Console.WriteLine($"Machine: {Environment.ProcessorCount} CPUs ({cpu}), {RuntimeInformation.OSDescription}, .NET {Environment.Version}, load average {LoadAverage()}");
}

static string LoadAverage() => File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "?";

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

/// <summary>Command-line switches.</summary>
internal sealed class Options
{
    internal const string Usage =
        """
        ParallelGen.ProcessBenchmarks [--process] [--python] [--serializers] [--long] [--quick]
          no section switch: all three sections (about 1–2 minutes)
          --process      the process backend against the contract (also what --python compares with)
          --python       run benchmarks/python/bench_joblib.py with /usr/bin/python3 (needs --process for ratios)
          --serializers  MessagePack contractless vs System.Text.Json vs MemoryPack
          --long         more repetitions, and 10,000,000 trivial tasks (and loky on 100,000)
          --quick        fewer repetitions (a smoke run)
          --artifacts <dir>  where the comparison chart goes (default artifacts/benchmarks)
        """;

    internal bool Process { get; private set; }

    internal bool Python { get; private set; }

    internal bool Serializers { get; private set; }

    internal bool Long { get; private set; }

    internal bool Quick { get; private set; }

    internal bool Help { get; private set; }

    internal string Artifacts { get; private set; } = Path.Combine("artifacts", "benchmarks");

    internal int Scale(int n) => Long ? n * 3 : Quick ? Math.Max(1, n / 5) : n;

    internal int Repeats(int n) => Long ? n * 2 : Quick ? Math.Max(2, n / 3) : n;

    internal static Options Parse(string[] args)
    {
        var o = new Options();
        for (int i = 0; i < args.Length; i++)
        {
            string a = args[i];
            switch (a)
            {
                case "--artifacts" when i + 1 < args.Length: o.Artifacts = args[++i]; break;
                case "--process": o.Process = true; break;
                case "--python": o.Python = true; break;
                case "--serializers": o.Serializers = true; break;
                case "--long": o.Long = true; break;
                case "--quick": o.Quick = true; break;
                case "-h" or "--help": o.Help = true; break;
                default: throw new ArgumentException($"Unknown switch '{a}'.");
            }
        }

        if (!o.Process && !o.Python && !o.Serializers)
        {
            o.Process = o.Python = o.Serializers = true;
        }

        return o;
    }
}
