using System;
using System.CommandLine;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;
using System.Text.Json;
using ParallelGen.ClusterBenchmarks;
using ParallelGen.ProcessBenchmarks;

// The silos are this program started again by LocalCluster (the ParallelGen.Orleans startup hook runs them before
// Main, which never runs there).
ParseResult parsed = Options.Command.Parse(args);
if (parsed.Errors.Count > 0 || parsed.Action is not null)
{
    return parsed.Invoke(); // --help, --version, or the errors with the usage
}

Options o = Options.From(parsed);
if (Environment.GetEnvironmentVariable("PARALLELGEN_BENCH_PARENT_JIT") == "normal")
{
    // The A/B of the driver's JIT yielding during the start (LocalCluster.StartAsync, ParentJitPriority).
    AppContext.SetSwitch("ParallelGen.Processes.LowerParentJitPriority", false);
}

var total = System.Diagnostics.Stopwatch.StartNew();
HarnessHost.PrintMachine();

Console.WriteLine();
Console.WriteLine("ParallelGen Backend.Cluster, LocalCluster of 3 silos on 127.0.0.1 (Release):");
ClusterResults pg = await ClusterBench.RunAsync(o);
if (o.StartOnly)
{
    Console.WriteLine($"  LocalCluster.StartAsync(3) to first result, median of {pg.StartToFirstResult.Count}: {Fmt.Us(new Sample(pg.StartToFirstResult).Median)}");
    Console.WriteLine($"Harness time: {total.Elapsed.TotalSeconds:0.0} s. Load average now: {HarnessHost.LoadAverage()}");
    return 0;
}

JsonElement? dask = null;
if (o.Dask)
{
    Console.WriteLine();
    Console.WriteLine($"Dask ({DaskBench.Python} benchmarks/python/bench_dask.py, LocalCluster of 3 worker processes x 2 threads) ...");
    dask = DaskBench.Run(o);
}

PrintTable(pg, dask);
Console.WriteLine();
Console.WriteLine($"Harness time: {total.Elapsed.TotalSeconds:0.0} s. Load average now: {HarnessHost.LoadAverage()}");
return 0;

// The contract and, when Dask ran, its figure and the ratio ParallelGen ÷ Dask (below 1× = ParallelGen faster; for
// MB/s, above 1× = ParallelGen faster).
static void PrintTable(ClusterResults r, JsonElement? dask)
{
    Console.WriteLine();
    if (dask is { } d)
    {
        Console.WriteLine($"Against the contract, side by side with Dask {DaskBench.Text(d, "distributed")} (Python {DaskBench.Text(d, "python")}, " +
            $"joblib {DaskBench.Text(d, "joblib")}); medians; ratio = ParallelGen ÷ Dask");
    }
    else
    {
        Console.WriteLine("Against the contract (medians):");
    }

    Console.WriteLine($"  {"measure",-52} {"ParallelGen",11} {"target",10} {"",6} {"Dask",11} {"ratio",7}  Dask side");
    double start = new Sample(r.StartToFirstResult).Median;
    if (r.OneTinyCall is { } tiny)
    {
        Row(r.Settled is null ? "one tiny call, batch 1, whole call path (unsettled)" : "one tiny call, batch 1, whole call path",
            tiny.Median, "≤ 300 µs", tiny.Median <= 300, "submit_result", "client.submit().result()");
    }

    foreach (var (n, s) in r.PerTaskAuto.OrderBy(p => p.Key))
    {
        Row($"trivial task, auto batching, {n:N0} tasks, per task", s.Median, "≤ 5 µs", s.Median <= 5, "map_per_task",
            $"client.map, {Tasks("map_tasks")} tasks");
        Row("", s.Median, "", null, "joblib_dask_per_task", $"joblib dask backend, {Tasks("joblib_tasks")} tasks");
    }

    Row($"LocalCluster.StartAsync(3) to first result (n={r.StartToFirstResult.Count})", start, "≤ 1.5 s", start <= 1_500_000,
        "start_first_result", "LocalCluster(3 workers) + Client + first result");
    if (r.KillNote.Length > 0)
    {
        Row("a silo killed mid-run: kill to call finished", r.KillToFinish ?? double.NaN, "≤ 5 s", r.KillToFinish <= 5_000_000,
            "kill_to_finish", "worker SIGKILLed, 60 x 100 ms tasks");
        Console.WriteLine($"    ({r.KillNote})");
    }

    if (r.BigArgumentMBps is { } big)
    {
        double mbps = big.Median;
        double daskMbps = dask is { } dd ? DaskBench.Median(dd, "big_argument_mb_per_s") : double.NaN;
        Console.WriteLine($"  {"10 MB argument per item, MB/s",-52} {mbps,11:0} {"≥ 200",10} {(mbps >= 200 ? "MET" : "MISSED"),6} " +
            $"{(double.IsNaN(daskMbps) ? "n/a" : daskMbps.ToString("0", System.Globalization.CultureInfo.InvariantCulture)),11} {Ratio(mbps, daskMbps),7}  client.map(len, 10 MB bytes)");
    }

    Console.WriteLine($"  items per silo process over the run: {string.Join(", ", r.ItemsBySilo.Select(p => $"{p.Key}: {p.Value:N0}"))}");

    string Tasks(string key) => dask is { } x ? DaskBench.Text(x, key) : "?";

    void Row(string what, double ours, string target, bool? met, string key, string daskWhat)
    {
        double theirs = dask is { } x ? DaskBench.Median(x, key) : double.NaN;
        string verdict = met is null ? "" : met.Value ? "MET" : "MISSED";
        string oursText = what.Length == 0 ? "" : Fmt.Us(ours);
        Console.WriteLine($"  {what,-52} {oursText,11} {target,10} {verdict,6} {Fmt.Us(theirs),11} {Ratio(ours, theirs),7}  {(dask is null ? "" : daskWhat)}");
    }

    static string Ratio(double ours, double theirs) =>
        double.IsNaN(ours) || double.IsNaN(theirs) || theirs <= 0
            ? "n/a"
            : string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{ours / theirs:G3}×");
}

/// <summary>Command-line switches (System.CommandLine: --help, validation).</summary>
internal sealed class Options
{
    private static readonly Option<bool> s_quick = new("--quick") { Description = "Fewer repetitions and tasks (a smoke run)." };
    private static readonly Option<bool> s_noDask = new("--no-dask") { Description = "Skip the Dask comparison." };
    private static readonly Option<bool> s_startOnly = new("--start-only") { Description = "Only LocalCluster.StartAsync(3) to the first result (3 starts, 1 with --quick)." };
    private static readonly Option<int> s_killTimeout = new("--kill-timeout")
    {
        Description = "Seconds the fault drill waits for the call after the kill before it prints \"did not finish\".",
        DefaultValueFactory = _ => 20,
    };

    private static readonly Option<int> s_idleSeconds = new("--idle-seconds")
    {
        Description = "How long the idle CPU measurement idles, in 2 s windows (default 2; longer: steady state, and a window to attach dotnet-trace or perf to the silos).",
        DefaultValueFactory = _ => 2,
    };

    private static readonly Option<int> s_settleSeconds = new("--settle-seconds")
    {
        Description = "Before the per-call measurements, wait (at most this long; 0: not at all) until the silos and the driver have " +
            "finished their start-up tail (tier-1 JIT, membership): under 100 ms of CPU in a 1 s window. Default 30.",
        DefaultValueFactory = _ => 30,
    };

    private static readonly Option<int> s_tinyCalls = new("--tiny-calls")
    {
        Description = "How many one-tiny-item calls are timed (default 400; --quick: 100).",
        DefaultValueFactory = _ => 400,
    };

    private static readonly Option<int> s_tinyWarmup = new("--tiny-warmup")
    {
        Description = "How many one-tiny-item calls run before the timed ones at least (default 50); then more, until the driver compiled no method in 0.5 s of calls (at most 20 s).",
        DefaultValueFactory = _ => 50,
    };

    private static readonly Option<string[]> s_only = new("--only")
    {
        Description = "Run only these parts (comma separated): tiny, tasks, big, kill, starts (idle and the first start always run); " +
            "hop (only when named: one-item calls through a forwarding gateway and directly, alternating on one cluster).",
        AllowMultipleArgumentsPerToken = true,
        CustomParser = r => [.. r.Tokens.SelectMany(t => t.Value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))],
    };

    /// <summary>The harness's command line.</summary>
    internal static RootCommand Command { get; } = new(
        "Backend.Cluster's performance contract on a LocalCluster of 3 silos, side by side with Dask's LocalCluster " +
        "when /usr/bin/python3 has distributed (about 1-2 minutes).")
    {
        s_quick, s_noDask, s_startOnly, s_killTimeout, s_idleSeconds, s_settleSeconds, s_tinyCalls, s_tinyWarmup, s_only,
    };

    internal bool Quick { get; private init; }

    internal bool Dask { get; private init; }

    internal bool StartOnly { get; private init; }

    internal TimeSpan KillTimeout { get; private init; }

    internal TimeSpan Idle { get; private init; }

    internal TimeSpan Settle { get; private init; }

    internal int TinyCalls { get; private init; }

    internal int TinyWarmup { get; private init; }

    private string[]? OnlyParts { get; init; }

    /// <summary>Whether <paramref name="part"/> runs (every part unless --only names some).</summary>
    internal bool Runs(string part) => OnlyParts is not { Length: > 0 } parts || parts.Contains(part, StringComparer.OrdinalIgnoreCase);

    /// <summary>Whether <paramref name="part"/> runs: only when --only names it.</summary>
    internal bool RunsExplicitly(string part) => OnlyParts is { Length: > 0 } parts && parts.Contains(part, StringComparer.OrdinalIgnoreCase);

    internal int Scale(int n) => Quick ? Math.Max(1, n / 4) : n;

    internal int Repeats(int n) => Quick ? Math.Max(1, n / 3) : n;

    internal static Options From(ParseResult parsed) => new()
    {
        Quick = parsed.GetValue(s_quick),
        Dask = !parsed.GetValue(s_noDask),
        StartOnly = parsed.GetValue(s_startOnly),
        KillTimeout = TimeSpan.FromSeconds(Math.Max(1, parsed.GetValue(s_killTimeout))),
        Idle = TimeSpan.FromSeconds(Math.Max(1, parsed.GetValue(s_idleSeconds))),
        Settle = TimeSpan.FromSeconds(Math.Max(0, parsed.GetValue(s_settleSeconds))),
        TinyCalls = Math.Max(1, parsed.GetValue(s_tinyCalls)),
        TinyWarmup = Math.Max(0, parsed.GetValue(s_tinyWarmup)),
        OnlyParts = parsed.GetValue(s_only),
    };
}
