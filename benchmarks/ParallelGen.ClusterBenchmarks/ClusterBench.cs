using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using ParallelGen.Orleans;
using ParallelGen.ProcessBenchmarks;

namespace ParallelGen.ClusterBenchmarks;

/// <summary>What the ParallelGen side measured (µs unless the name says otherwise).</summary>
internal sealed class ClusterResults
{
    internal List<double> StartToFirstResult { get; } = [];

    internal Sample? OneTinyCall { get; set; }

    /// <summary>How long after the idle windows the cluster's start-up tail took to end; null: it did not within the limit.</summary>
    internal TimeSpan? Settled { get; set; }

    internal Dictionary<int, Sample> PerTaskAuto { get; } = [];

    internal Sample? BigArgumentMBps { get; set; }

    /// <summary>CPU time the driver and the silos spent in the measurements (a loaded machine shows in wall time, not here).</summary>
    internal string OneTinyCallCpu { get; set; } = "";

    internal string BigArgumentCpu { get; set; } = "";

    internal string IdleCpu { get; set; } = "";

    /// <summary>Kill to call finished, or null when it did not finish within the bound.</summary>
    internal double? KillToFinish { get; set; }

    internal string KillNote { get; set; } = "";

    internal Dictionary<int, long> ItemsBySilo { get; set; } = [];
}

/// <summary>The ParallelGen side: <c>LocalCluster.StartAsync(3)</c> and the calls over it.</summary>
internal static class ClusterBench
{
    private const int Silos = 3;

    internal static async Task<ClusterResults> RunAsync(Options o)
    {
        var r = new ClusterResults();
        if (o.StartOnly)
        {
            for (int i = 0; i < o.Repeats(3); i++)
            {
                await using LocalCluster only = await StartToFirstResultAsync(r).ConfigureAwait(false);
                Console.WriteLine($"  start to first result: {Fmt.Us(r.StartToFirstResult[^1])}");
            }

            return r;
        }


        // 1. LocalCluster.StartAsync(3) to the first result. The first start of this program also loads and JITs the
        //    Orleans client; the harness reports every start.
        LocalCluster cluster = await StartToFirstResultAsync(r).ConfigureAwait(false);
        try
        {
            Console.WriteLine($"  start to first result: {Fmt.Us(r.StartToFirstResult[0])} (silos {string.Join(", ", cluster.SiloProcessIds)}, " +
                $"{cluster.Capacity} slots)");

            // Idle CPU, in 2 s windows: the first right after the first call (the silos' start-up tail: tiered JIT
            // compilation, membership), the later ones steady state.
            for (int window = 0; window < Math.Max(1, (int)Math.Round(o.Idle.TotalSeconds / 2)); window++)
            {
                Cpu idle = Cpu.Start(cluster);
                await Task.Delay(TimeSpan.FromSeconds(2)).ConfigureAwait(false);
                string text = idle.Stop(1, $"over 2 s idle ({2 * window}-{2 * window + 2} s after the first result)");
                r.IdleCpu = window == 0 ? text : r.IdleCpu;
                Console.WriteLine($"  {text}");
            }

            // The per-call figures are the cluster's steady state: a fresh silo spends its first seconds recompiling
            // its start-up code at tier 1 (about a core's worth of CPU each, measured above), which on 2 cores is
            // what a tiny call right after the start mostly waits for.
            await SettleAsync(cluster, r, o).ConfigureAwait(false);

            // 2. One tiny call, batch 1, the whole call path (a fresh call each time).
            TinyCalls(cluster, r, o);

            // 3. Trivial tasks, automatic batching, per task.
            TrivialTasks(cluster, r, o);

            // 4. A 10 MB argument per item (6 items: 2 per silo), MB/s end to end; 1 MB too.
            BigArguments(cluster, r, o);
            r.ItemsBySilo = new Dictionary<int, long>(cluster.ItemsBySiloProcess);

            // 5. A silo killed mid-run (last: it leaves this cluster with 2 silos).
            if (o.Runs("kill"))
            {
                await KillDrillAsync(cluster, r, o).ConfigureAwait(false);
            }

            // 6. Only when asked for (--only hop): the gateway hop's cost, side by side (it leaves this cluster one slot).
            await ForwardingHopAsync(cluster, o).ConfigureAwait(false);
        }
        finally
        {
            await cluster.DisposeAsync().ConfigureAwait(false);
        }

        // More starts (each a fresh cluster; this program is warm now).
        for (int i = 1; i < o.Repeats(3) && o.Runs("starts"); i++)
        {
            await using LocalCluster again = await StartToFirstResultAsync(r).ConfigureAwait(false);
            Console.WriteLine($"  start to first result (again): {Fmt.Us(r.StartToFirstResult[^1])}");
        }

        return r;
    }

    /// <summary>
    /// Waits until the driver and the silos used under 100 ms of CPU together in a 1 s window (their start-up tail is
    /// over), at most <see cref="Options.Settle"/>, and prints how long that took.
    /// </summary>
    private static async Task SettleAsync(LocalCluster cluster, ClusterResults r, Options o)
    {
        if (o.Settle <= TimeSpan.Zero)
        {
            return;
        }

        const double QuietUs = 100_000;
        long t = Stopwatch.GetTimestamp();
        double last;
        do
        {
            Cpu window = Cpu.Start(cluster);
            await Task.Delay(TimeSpan.FromSeconds(1)).ConfigureAwait(false);
            (double driver, double silos) = window.StopValues();
            last = driver + silos;
        }
        while (last >= QuietUs && Stopwatch.GetElapsedTime(t) < o.Settle);

        r.Settled = last < QuietUs ? Stopwatch.GetElapsedTime(t) : null;
        Console.WriteLine(r.Settled is { } settled
            ? $"  settled: {settled.TotalSeconds:0} s more until the driver and the silos used {Fmt.Us(last)} of CPU in 1 s (the per-call figures below are steady state)"
            : $"  not settled within {o.Settle.TotalSeconds:0} s (last 1 s window: {Fmt.Us(last)} of CPU); the per-call figures below include that background work");
    }

    private static void TinyCalls(LocalCluster cluster, ClusterResults r, Options o)
    {
        if (!o.Runs("tiny"))
        {
            return;
        }

        var batch1 = new ParallelizeOptions { BatchSize = 1 };
        int[] one = [0];
        for (int i = 0; i < o.TinyWarmup; i++)
        {
            one[0] = i;
            Check(OnCluster.IncParallel(one, batch1)[0] == i + 1);
        }

        // Then until the driver's JIT is done with the call path: the runtime promotes the whole client path (hundreds of
        // Orleans and ParallelGen methods) to tier 1 in the background only after it has been called for a while, and
        // a fixed warm-up of a few thousand calls ends in the middle of that (measured: 600 methods, 0.4 s of JIT during
        // 2000 timed calls after 2000 warm-up calls). Steady state = half a second of calls with no method compiled.
        long warmupStart = Stopwatch.GetTimestamp();
        int warmupCalls = 0;
        bool jitIdle = false;
        while (!jitIdle && Stopwatch.GetElapsedTime(warmupStart) < TimeSpan.FromSeconds(20))
        {
            long compiledBefore = System.Runtime.JitInfo.GetCompiledMethodCount();
            long block = Stopwatch.GetTimestamp();
            while (Stopwatch.GetElapsedTime(block) < TimeSpan.FromMilliseconds(500))
            {
                one[0] = warmupCalls++;
                Check(OnCluster.IncParallel(one, batch1)[0] == one[0] + 1);
            }

            jitIdle = System.Runtime.JitInfo.GetCompiledMethodCount() == compiledBefore;
        }

        Console.WriteLine(jitIdle
            ? $"  tiny-call warm-up: {o.TinyWarmup} + {warmupCalls} calls, until the driver compiled no method in 0.5 s of calls ({Stopwatch.GetElapsedTime(warmupStart).TotalSeconds:0.0} s)"
            : $"  tiny-call warm-up: {o.TinyWarmup} + {warmupCalls} calls in 20 s, and the driver's JIT was still compiling the call path");

        var calls = new List<double>();
        var countersBefore = cluster.SiloCountersAsync().GetAwaiter().GetResult();
        var threads = ThreadCpu.Start([Environment.ProcessId, .. cluster.SiloProcessIds]);
        Cpu callCpu = Cpu.Start(cluster);
        long allocated = GC.GetTotalAllocatedBytes(precise: true);
        long jitted = System.Runtime.JitInfo.GetCompiledMethodCount();
        TimeSpan jitTime = System.Runtime.JitInfo.GetCompilationTime();
        for (int i = 0; i < o.Scale(o.TinyCalls); i++)
        {
            one[0] = i;
            long t = Stopwatch.GetTimestamp();
            int[] result = OnCluster.IncParallel(one, batch1);
            calls.Add(Stopwatch.GetElapsedTime(t).TotalMicroseconds);
            Check(result[0] == i + 1);
        }

        allocated = GC.GetTotalAllocatedBytes(precise: true) - allocated;
        jitted = System.Runtime.JitInfo.GetCompiledMethodCount() - jitted;
        jitTime = System.Runtime.JitInfo.GetCompilationTime() - jitTime;
        r.OneTinyCall = new Sample(calls);
        r.OneTinyCallCpu = callCpu.Stop(calls.Count, "per call");
        string perThread = threads.Stop(calls.Count);
        Console.WriteLine($"  one tiny call, batch 1: {r.OneTinyCall}; {r.OneTinyCallCpu}; median of the second half of the calls " +
            $"{Fmt.Us(new Sample(calls.Skip(calls.Count / 2)).Median)}");

        // Counted on the silos: the batches each ran and the messages its gateway received from this client. A batch
        // its silo's gateway did not receive came through another silo, which forwarded it (a hop).
        var countersAfter = cluster.SiloCountersAsync().GetAwaiter().GetResult();
        long forwarded = 0, siloAllocated = 0;
        var perSilo = new List<string>();
        foreach (var (silo, after) in countersAfter)
        {
            (long batches, long received, long bytes) = countersBefore.TryGetValue(silo, out var before)
                ? (after.Batches - before.Batches, after.ClientMessages - before.ClientMessages, after.AllocatedBytes - before.AllocatedBytes)
                : (after.Batches, after.ClientMessages, 0);
            forwarded += Math.Max(0, batches - received);
            siloAllocated += bytes;
            perSilo.Add($"{batches} / {received}");
        }

        // Allocations are counted over the calls only on the driver; on the silos they include the two counter questions.
        Console.WriteLine($"  one tiny call, allocated per call: driver {allocated / (double)calls.Count:N0} B, silos with slots {siloAllocated / (double)calls.Count:N0} B; " +
            $"the driver compiled {jitted} methods during the calls ({jitTime.TotalMilliseconds:0} ms)");
        Console.WriteLine($"  one tiny call, CPU per call by thread (name: µs): {perThread}");

        Console.WriteLine($"  one tiny call, batches run / client messages received, per silo: {string.Join(", ", perSilo)}; " +
            $"batches forwarded by another silo's gateway: at least {forwarded}; direct slots per silo: " +
            string.Join(", ", cluster.DirectSlotsBySilo().Values));
    }

    /// <summary>
    /// What the forwarding hop costs, side by side on one cluster (<c>--only hop</c>): one-item calls on a single slot whose
    /// calls the client sends through another silo's gateway, which forwards them (what 2 calls in 3 did before the driver
    /// keyed slots by gateway), or through the slot's own silo's gateway, in alternating blocks of <c>--tiny-calls</c> / 4
    /// calls (at least 100), 4 rounds (either first in turn): latency median and CPU per call of each block, and the
    /// ratios direct ÷ forwarded.
    /// </summary>
    private static async Task ForwardingHopAsync(LocalCluster cluster, Options o)
    {
        if (!o.RunsExplicitly("hop"))
        {
            return;
        }

        await cluster.AllSilosJoined.ConfigureAwait(false);
        string silo = cluster.JoinedSilos[^1];
        var batch1 = new ParallelizeOptions { BatchSize = 1, BackendInstance = cluster };
        int[] one = [0];
        int block = Math.Max(100, o.TinyCalls / 4);
        var rows = new List<(bool Forwarded, double Median, double Driver, double Silos)>();
        Console.WriteLine($"  the forwarding hop, one tiny call on one slot of {silo}, {block} calls per block:");
        for (int round = 1; round <= 4; round++)
        {
            foreach (bool forwarded in round % 2 == 1 ? (bool[])[true, false] : [false, true]) // either first in turn
            {
                await cluster.PinSlotAsync(silo, forwarded).ConfigureAwait(false);
                for (int i = 0; i < 50; i++)
                {
                    one[0] = i;
                    Check(OnCluster.IncParallel(one, batch1)[0] == i + 1);
                }

                var before = await cluster.SiloCountersAsync().ConfigureAwait(false);
                var calls = new List<double>();
                Cpu cpu = Cpu.Start(cluster);
                for (int i = 0; i < block; i++)
                {
                    one[0] = i;
                    long t = Stopwatch.GetTimestamp();
                    int[] result = OnCluster.IncParallel(one, batch1);
                    calls.Add(Stopwatch.GetElapsedTime(t).TotalMicroseconds);
                    Check(result[0] == i + 1);
                }

                (double driver, double silos) = cpu.StopValues(block);
                var after = await cluster.SiloCountersAsync().ConfigureAwait(false);
                long received = after[silo].ClientMessages - before[silo].ClientMessages;
                var sample = new Sample(calls);
                rows.Add((forwarded, sample.Median, driver, silos));
                Console.WriteLine($"    round {round}, {(forwarded ? "forwarded" : "direct   ")}: median {Fmt.Us(sample.Median)}, min {Fmt.Us(sample.Min)}; " +
                    $"CPU per call: driver {Fmt.Us(driver)}, silos {Fmt.Us(silos)}; the slot's silo's gateway received {received} client messages");
            }
        }

        static double Ratio(List<(bool Forwarded, double Median, double Driver, double Silos)> rows, Func<(bool Forwarded, double Median, double Driver, double Silos), double> f) =>
            new Sample([.. Enumerable.Range(0, rows.Count / 2).Select(i =>
                f(rows[2 * i].Forwarded ? rows[2 * i + 1] : rows[2 * i]) / f(rows[2 * i].Forwarded ? rows[2 * i] : rows[2 * i + 1]))]).Median;

        Console.WriteLine($"  the forwarding hop, direct ÷ forwarded (median of the 4 rounds' ratios): latency median {Ratio(rows, x => x.Median):0.00}, " +
            $"driver CPU per call {Ratio(rows, x => x.Driver):0.00}, silos' CPU per call {Ratio(rows, x => x.Silos):0.00}");
    }

    private static void TrivialTasks(LocalCluster cluster, ClusterResults r, Options o)
    {
        if (!o.Runs("tasks"))
        {
            return;
        }

        foreach (int n in o.Quick ? new[] { 100_000 } : [10_000, 100_000, 1_000_000])
        {
            int[] input = Enumerable.Range(0, n).ToArray();
            OnCluster.IncParallel(input.AsSpan(0, Math.Min(n, 10_000)).ToArray()); // warm
            var per = new List<double>();
            for (int rep = 0; rep < (n >= 1_000_000 ? 2 : o.Repeats(5)); rep++)
            {
                long t = Stopwatch.GetTimestamp();
                int[] result = OnCluster.IncParallel(input);
                per.Add(Stopwatch.GetElapsedTime(t).TotalMicroseconds / n);
                Check(result[^1] == n);
            }

            r.PerTaskAuto[n] = new Sample(per);
            Console.WriteLine($"  trivial tasks, auto batching, {n:N0} tasks, per task: {r.PerTaskAuto[n]}");
        }
    }

    private static void BigArguments(LocalCluster cluster, ClusterResults r, Options o)
    {
        if (!o.Runs("big"))
        {
            return;
        }

        // 1 MB items too, to see whether the cost grows faster than the size. 3 repetitions even with --quick: the first
        // is cold (the pools of the driver's and the silos' buffers fill, code compiles), the median is the warm figure.
        // The payloads are made before the CPU window, which covers the calls only.
        foreach (int megabytes in new[] { 1, 10 })
        {
            int items = megabytes == 1 ? 30 : 6, size = megabytes * 1024 * 1024, reps = 3;
            var rates = new List<double>();
            byte[][][] payloads = [.. Enumerable.Range(0, reps).Select(rep => Enumerable.Range(0, items).Select(k => CreateFilled(size, (byte)(rep * items + k))).ToArray())];
            Cpu bigCpu = Cpu.Start(cluster);
            for (int rep = 0; rep < reps; rep++)
            {
                long t = Stopwatch.GetTimestamp();
                int[] lengths = OnCluster.LengthParallel(payloads[rep]);
                double seconds = Stopwatch.GetElapsedTime(t).TotalSeconds;
                Check(lengths.All(l => l == size));
                rates.Add(items * (double)size / 1e6 / seconds);
            }

            var sample = new Sample(rates);
            string cpu = bigCpu.Stop(reps * items * megabytes, "per MB");
            if (megabytes == 10)
            {
                (r.BigArgumentMBps, r.BigArgumentCpu) = (sample, cpu);
            }

            Console.WriteLine($"  {megabytes} MB argument per item ({items} items), MB/s: median {sample.Median:0}, all " +
                $"{string.Join(", ", rates.Select(x => x.ToString("0", System.Globalization.CultureInfo.InvariantCulture)))}; {cpu}");
        }
    }

    /// <summary>
    /// <c>LocalCluster.StartAsync(3)</c> and the first call's result, timed; prints where it stood then (how many silos had
    /// joined, the CPU time the driver and each silo had used: the work a quiet machine would still have to do) and when
    /// all silos had joined (StartAsync returns once the first has; the others join while the first calls run).
    /// </summary>
    private static async Task<LocalCluster> StartToFirstResultAsync(ClusterResults r)
    {
        TimeSpan driverCpu = Process.GetCurrentProcess().TotalProcessorTime;
        long t = Stopwatch.GetTimestamp();
        LocalCluster cluster = await LocalCluster.StartAsync(Silos).ConfigureAwait(false);
        TimeSpan started = Stopwatch.GetElapsedTime(t);
        int[] first = await OnCluster.IncParallelAsync([41]).ConfigureAwait(false);
        r.StartToFirstResult.Add(Stopwatch.GetElapsedTime(t).TotalMicroseconds);
        Check(first[0] == 42);
        double driver = (Process.GetCurrentProcess().TotalProcessorTime - driverCpu).TotalMicroseconds;
        double[] silos = [.. cluster.SiloProcessIds.Select(SiloCpu)];
        int joined = cluster.JoinedSiloCount;
        await cluster.AllSilosJoined.ConfigureAwait(false);
        double all = Stopwatch.GetElapsedTime(t).TotalMicroseconds;
        double[] silosAll = [.. cluster.SiloProcessIds.Select(SiloCpu)];
        Console.WriteLine($"    StartAsync returned after {Fmt.Us(started.TotalMicroseconds)}, first result after {Fmt.Us(r.StartToFirstResult[^1])} " +
            $"({joined} of {Silos} silos joined then); CPU used by then: driver {Fmt.Us(driver)}, silos {string.Join(" + ", silos.Select(Fmt.Us))}; " +
            $"all {Silos} joined after {Fmt.Us(all)} (silos' CPU then {string.Join(" + ", silosAll.Select(Fmt.Us))})");
        return cluster;

        static double SiloCpu(int pid)
        {
            try
            {
                using Process p = Process.GetProcessById(pid);
                return p.TotalProcessorTime.TotalMicroseconds;
            }
            catch (Exception ex) when (ex is ArgumentException or InvalidOperationException)
            {
                return double.NaN;
            }
        }
    }

    private static async Task KillDrillAsync(LocalCluster cluster, ClusterResults r, Options o)
    {
        const int Items = 60, SleepMs = 100;
        using var cancel = new CancellationTokenSource();
        var options = new ParallelizeOptions { BackendInstance = cluster };
        Task<(int Pid, int Item)[]> run = OnCluster.WhereParallelAsync(Enumerable.Range(0, Items).Select(i => (i, SleepMs)), options, cancel.Token);
        await Task.Delay(400).ConfigureAwait(false);
        int victim = cluster.SiloProcessIds[Silos - 1];
        long killed = Stopwatch.GetTimestamp();
        await cluster.KillSiloAsync(Silos - 1).ConfigureAwait(false);
        try
        {
            (int Pid, int Item)[] results = await run.WaitAsync(o.KillTimeout).ConfigureAwait(false);
            r.KillToFinish = Stopwatch.GetElapsedTime(killed).TotalMicroseconds;
            bool correct = results.Select(x => x.Item).SequenceEqual(Enumerable.Range(0, Items));
            int onVictim = results.Count(x => x.Pid == victim);
            r.KillNote = correct
                ? $"every result correct; {onVictim} of {Items} items had finished on the killed silo before the kill"
                : "RESULTS WRONG";
        }
        catch (TimeoutException)
        {
            r.KillNote = $"did not finish within {o.KillTimeout.TotalSeconds:0} s of the kill (cancelled)";
            await cancel.CancelAsync().ConfigureAwait(false);
            try
            {
                await run.WaitAsync(TimeSpan.FromSeconds(10)).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is OperationCanceledException or TimeoutException)
            {
                // cancelled, or still stuck: the cluster is disposed next either way
            }
        }
        catch (Exception ex)
        {
            r.KillNote = $"failed after {Fmt.Us(Stopwatch.GetElapsedTime(killed).TotalMicroseconds)}: {ex.GetType().Name}: {ex.Message}";
        }

        Console.WriteLine($"  silo killed mid-run ({Items} items x {SleepMs} ms, batch 1): kill to finished " +
            $"{(r.KillToFinish is { } k ? Fmt.Us(k) : "n/a")}; {r.KillNote}");
    }

    private static byte[] CreateFilled(int size, byte value)
    {
        byte[] data = GC.AllocateUninitializedArray<byte>(size);
        Array.Fill(data, value);
        return data;
    }

    private static void Check(bool condition)
    {
        if (!condition)
        {
            throw new InvalidOperationException("a cluster call returned a wrong result");
        }
    }
}

/// <summary>CPU time of this process and the silo processes over a measurement.</summary>
internal sealed class Cpu
{
    private readonly Process[] _silos;
    private readonly TimeSpan _driver;
    private readonly TimeSpan[] _silo;

    private Cpu(Process[] silos)
    {
        _silos = silos;
        _driver = Process.GetCurrentProcess().TotalProcessorTime;
        _silo = [.. silos.Select(Time)];
    }

    internal static Cpu Start(LocalCluster cluster) => new([.. cluster.SiloProcessIds.Select(Process.GetProcessById)]);

    /// <summary>"CPU: driver … , silos …" over the measurement, divided by <paramref name="per"/>.</summary>
    internal string Stop(int per = 1, string unit = "in all")
    {
        (double driver, double silos) = StopValues(per);
        return $"CPU {unit}: driver {Fmt.Us(driver)}, silos {Fmt.Us(silos)}";
    }

    /// <summary>The driver's and the silos' CPU over the measurement in µs, divided by <paramref name="per"/>.</summary>
    internal (double Driver, double Silos) StopValues(int per = 1)
    {
        double driver = (Process.GetCurrentProcess().TotalProcessorTime - _driver).TotalMicroseconds / per;
        double silos = _silos.Select((p, i) => (Time(p) - _silo[i]).TotalMicroseconds).Sum() / per;
        foreach (Process p in _silos)
        {
            p.Dispose();
        }

        return (driver, silos);
    }

    private static TimeSpan Time(Process p)
    {
        try
        {
            p.Refresh();
            return p.TotalProcessorTime;
        }
        catch (InvalidOperationException)
        {
            return TimeSpan.Zero;
        }
    }
}

/// <summary>
/// CPU time per thread of some processes over a measurement (<c>/proc/PID/task/*/schedstat</c>, nanoseconds), summed by
/// thread name: which threads a call's CPU goes to (the caller, thread-pool workers, Orleans' networking, the JIT).
/// Threads that ended meanwhile are not counted. Linux only (prints nothing elsewhere).
/// </summary>
internal sealed class ThreadCpu
{
    private readonly int[] _pids;
    private readonly Dictionary<(int Pid, int Tid), (string Name, long Ns)> _start;

    private ThreadCpu(int[] pids)
    {
        _pids = pids;
        _start = Read(pids);
    }

    private static int CallerThread()
    {
        try
        {
            string? target = new System.IO.DirectoryInfo("/proc/thread-self").LinkTarget; // "PID/task/TID"
            return target is null ? -1 : int.Parse(System.IO.Path.GetFileName(target), System.Globalization.CultureInfo.InvariantCulture);
        }
        catch (Exception ex) when (ex is System.IO.IOException or UnauthorizedAccessException or FormatException)
        {
            return -1;
        }
    }

    /// <summary>Starts measuring; the calling thread is the one named "caller".</summary>
    internal static ThreadCpu Start(int[] pids) => new(pids) { _callerTid = CallerThread() };

    private int _callerTid = -1;

    /// <summary>"driver: name µs, …; silo PID: …" per <paramref name="per"/>, threads above 1 µs, largest first.</summary>
    internal string Stop(int per)
    {
        var end = Read(_pids);
        var parts = new List<string>();
        foreach (int pid in _pids)
        {
            var byName = end.Where(e => e.Key.Pid == pid)
                .GroupBy(e => e.Value.Name)
                .Select(g => (Name: g.Key, Us: g.Sum(e => e.Value.Ns - (_start.TryGetValue(e.Key, out var s) ? s.Ns : 0)) / 1000.0 / per))
                .Where(x => x.Us >= 1)
                .OrderByDescending(x => x.Us)
                .ToList();
            string who = pid == Environment.ProcessId ? "driver" : $"silo {pid}";
            parts.Add($"{who}: {(byName.Count == 0 ? "-" : string.Join(", ", byName.Select(x => $"{x.Name} {x.Us:0}")))}");
        }

        return string.Join("; ", parts);
    }

    private Dictionary<(int Pid, int Tid), (string Name, long Ns)> Read(int[] pids)
    {
        var result = new Dictionary<(int Pid, int Tid), (string Name, long Ns)>();
        foreach (int pid in pids)
        {
            try
            {
                foreach (string task in System.IO.Directory.EnumerateDirectories($"/proc/{pid}/task"))
                {
                    try
                    {
                        int tid = int.Parse(System.IO.Path.GetFileName(task), System.Globalization.CultureInfo.InvariantCulture);
                        string name = System.IO.File.ReadAllText(System.IO.Path.Combine(task, "comm")).Trim();
                        name = tid == pid ? "main" : tid == _callerTid ? "caller" : name;
                        string stat = System.IO.File.ReadAllText(System.IO.Path.Combine(task, "schedstat"));
                        long ns = long.Parse(stat.AsSpan(0, stat.IndexOf(' ')), System.Globalization.CultureInfo.InvariantCulture);
                        result[(pid, tid)] = (name, ns);
                    }
                    catch (Exception ex) when (ex is System.IO.IOException or UnauthorizedAccessException or FormatException)
                    {
                        // the thread ended
                    }
                }
            }
            catch (Exception ex) when (ex is System.IO.IOException or UnauthorizedAccessException)
            {
                // not Linux, or the process ended
            }
        }

        return result;
    }
}
