using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Linq;

namespace ParallelGen.ProcessBenchmarks;

/// <summary>
/// Issue 10 §5, as a new user runs the notebook's pi exercise: in a fresh program, a small warm-up call that starts
/// both workers, then at once two calls of 10^7 darts with <c>Jobs = 2</c> on processes — the first heavy call, which
/// the workers run in code they have never run before — then the same call again (steady state). Then the same call on
/// the thread backend, first and again (the ceiling two cores give the loop in one process, measured in the same
/// program: what processes cost beyond it is the backend's). Sequential = the same two calls in the parent, measured
/// last, after its own warm-up run (so the speed-up is against optimized code).
/// </summary>
internal static class FirstHeavyBench
{
    internal const string ChildSwitch = "--first-heavy-once";
    internal const int DartsPerCall = 10_000_000;

    internal sealed record Result(Sample SequentialSteady, Sample FirstParallel, Sample RepeatParallel, Sample FirstSpeedup, Sample RepeatSpeedup,
        Sample FirstCpuSpeedup, Sample RepeatCpuSpeedup, Sample ThreadsFirstSpeedup, Sample ThreadsRepeatSpeedup, Sample FirstOverThreads);

    /// <summary>
    /// Runs <paramref name="programs"/> fresh programs (<see cref="ChildSwitch"/>) per variant, the variants interleaved
    /// (program 1 of each, then program 2 of each…, so load changes hit them alike), and prints the figures of each.
    /// A variant is a name and the environment its programs get.
    /// </summary>
    internal static Result[] Run(int programs, params (string Name, (string Name, string Value)[] Environment)[] variants)
    {
        if (variants.Length == 0)
        {
            variants = [("defaults", [])];
        }

        var rows = variants.Select(_ => new List<double[]>()).ToArray();
        for (int i = 0; i < programs; i++)
        {
            for (int k = 0; k < variants.Length; k++)
            {
                rows[k].Add(ProcessBench.RunSelf([ChildSwitch], variants[k].Environment).Split(' ').Select(s => double.Parse(s, CultureInfo.InvariantCulture)).ToArray());
            }
        }

        var results = new Result[variants.Length];
        for (int k = 0; k < variants.Length; k++)
        {
            List<double[]> variantRows = rows[k];
            Sample Of(Func<double[], double> f) => new(variantRows.Select(f).ToList());
            var r = new Result(
                Of(v => v[0]), Of(v => v[1]), Of(v => v[2]), Of(v => v[0] / v[1]), Of(v => v[0] / v[2]), Of(v => v[3] / v[4]), Of(v => v[3] / v[5]),
                Of(v => v[0] / v[8]), Of(v => v[0] / v[9]), Of(v => v[1] / v[8]));
            (string Name, string Value)[] environment = variants[k].Environment;
            string env = environment.Length == 0 ? "" : " [" + string.Join(' ', environment.Select(e => $"{e.Name}={e.Value}")) + "]";
            Console.WriteLine($"  pi, 2 x {DartsPerCall:N0} darts, Jobs=2, fresh program after a small warm-up call ({programs} programs), {variants[k].Name}{env}:");
            Console.WriteLine($"    sequential in the parent (after its own warm-up): {Fmt.Us(r.SequentialSteady.Median)} median, CPU {Fmt.Us(Of(v => v[3]).Median)}");
            Console.WriteLine($"    first heavy call on processes: {Fmt.Us(r.FirstParallel.Median)} median (min {Fmt.Us(r.FirstParallel.Min)}, max {Fmt.Us(r.FirstParallel.Max)}); " +
                $"speed-up {r.FirstSpeedup.Median:0.00}x median, {r.FirstSpeedup.Min:0.00}x worst; busiest worker's CPU {Fmt.Us(Of(v => v[4]).Median)}: " +
                $"sequential CPU / that = {r.FirstCpuSpeedup.Median:0.00}x median, {r.FirstCpuSpeedup.Min:0.00}x worst; the parent's CPU meanwhile {Fmt.Us(Of(v => v[6]).Median)}");
            Console.WriteLine($"    the same call again: {Fmt.Us(r.RepeatParallel.Median)} median; speed-up {r.RepeatSpeedup.Median:0.00}x median, {r.RepeatSpeedup.Min:0.00}x worst; " +
                $"busiest worker's CPU {Fmt.Us(Of(v => v[5]).Median)}: {r.RepeatCpuSpeedup.Median:0.00}x median, {r.RepeatCpuSpeedup.Min:0.00}x worst; the parent's CPU meanwhile {Fmt.Us(Of(v => v[7]).Median)}");
            Console.WriteLine($"    the same call on the thread backend, the machine's ceiling (first in the program, then again): {Fmt.Us(Of(v => v[8]).Median)} / " +
                $"{Fmt.Us(Of(v => v[9]).Median)} median; speed-up {r.ThreadsFirstSpeedup.Median:0.00}x / {r.ThreadsRepeatSpeedup.Median:0.00}x median; " +
                $"first call, processes / threads: {r.FirstOverThreads.Median:0.00}x median (1.00x: processes lose nothing to threads)");
            results[k] = r;
        }

        return results;
    }

    /// <summary>
    /// In a fresh program: sequential (steady), first heavy parallel call, repeated call (wall clock, microseconds),
    /// then the CPU time of the sequential run and, for each call, the largest CPU time one worker spent on it
    /// (microseconds, from /proc: on a loaded machine wall-clock speed-ups say more about the load than the code).
    /// </summary>
    internal static int RunOnce()
    {
        if (Environment.GetEnvironmentVariable("PARALLELGEN_BENCH_PARENT_JIT") == "normal")
        {
            AppContext.SetSwitch("ParallelGen.Processes.LowerParentJitPriority", false); // the runtime's switch, for the A/B rows
        }

        long check = DartsParallel([(0, 1000), (1, 1000)]).Sum(); // the warm-up: both workers start
        int[] workers = ProcessBackend.WorkerProcessIds.ToArray();

        // At once, as the notebook does: the first heavy call.
        long[] before = workers.Select(CpuNs).ToArray();
        Dictionary<string, long>? threadsBefore = s_threads ? ThreadCpuNs(Environment.ProcessId) : null;
        Dictionary<string, long>[]? workerThreadsBefore = s_threads ? [.. workers.Select(ThreadCpuNs)] : null;
        long parentBefore = CpuNs(Environment.ProcessId);
        long s = Stopwatch.GetTimestamp();
        long parallel = DartsParallel([(2, DartsPerCall), (3, DartsPerCall)]).Sum();
        double firstUs = Stopwatch.GetElapsedTime(s).TotalMicroseconds;
        long[] after = workers.Select(CpuNs).ToArray();
        if (threadsBefore is not null)
        {
            PrintThreads("first call", threadsBefore, ThreadCpuNs(Environment.ProcessId));
            for (int w = 0; w < workers.Length; w++)
            {
                PrintThreads($"first call in worker {w}", workerThreadsBefore![w], ThreadCpuNs(workers[w]));
            }
        }
        double parentFirstCpuUs = (CpuNs(Environment.ProcessId) - parentBefore) / 1000.0;
        parentBefore = CpuNs(Environment.ProcessId);
        double firstCpuUs = before.Zip(after, (b, a) => (a - b) / 1000.0).Max();

        threadsBefore = s_threads ? ThreadCpuNs(Environment.ProcessId) : null;
        s = Stopwatch.GetTimestamp();
        long again = DartsParallel([(2, DartsPerCall), (3, DartsPerCall)]).Sum();
        if (threadsBefore is not null)
        {
            PrintThreads("repeat", threadsBefore, ThreadCpuNs(Environment.ProcessId));
        }

        double repeatUs = Stopwatch.GetElapsedTime(s).TotalMicroseconds;
        long[] last = workers.Select(CpuNs).ToArray();
        double parentRepeatCpuUs = (CpuNs(Environment.ProcessId) - parentBefore) / 1000.0;
        double repeatCpuUs = after.Zip(last, (b, a) => (a - b) / 1000.0).Max();

        // The machine's own ceiling, side by side: the same call on the thread backend, first in this program (the
        // parent has never run the darts loop: tier-0 code and on-stack replacement, as in a fresh worker), then again.
        var threads = new ParallelizeOptions { Backend = Backend.Threads };
        s = Stopwatch.GetTimestamp();
        long onThreads = DartsParallel([(2, DartsPerCall), (3, DartsPerCall)], threads).Sum();
        double threadsFirstUs = Stopwatch.GetElapsedTime(s).TotalMicroseconds;
        s = Stopwatch.GetTimestamp();
        onThreads += DartsParallel([(2, DartsPerCall), (3, DartsPerCall)], threads).Sum();
        double threadsRepeatUs = Stopwatch.GetElapsedTime(s).TotalMicroseconds;

        // Sequential reference, the parent's code optimized (one untimed run first).
        check += Darts(2, DartsPerCall) + Darts(3, DartsPerCall);
        long cpu = CpuNs(Environment.ProcessId);
        s = Stopwatch.GetTimestamp();
        long sequential = Darts(2, DartsPerCall) + Darts(3, DartsPerCall);
        double seqUs = Stopwatch.GetElapsedTime(s).TotalMicroseconds;
        double seqCpuUs = (CpuNs(Environment.ProcessId) - cpu) / 1000.0;

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{seqUs:R} {firstUs:R} {repeatUs:R} {seqCpuUs:R} {firstCpuUs:R} {repeatCpuUs:R} {parentFirstCpuUs:R} {parentRepeatCpuUs:R} {threadsFirstUs:R} {threadsRepeatUs:R}"));
        bool sameWorkers = ProcessBackend.WorkerProcessIds.OrderBy(p => p).SequenceEqual(workers.OrderBy(p => p));
        return parallel == sequential && again == sequential && onThreads == 2 * sequential && check > 0 && sameWorkers ? 0 : 1;
    }

    // PARALLELGEN_BENCH_THREADS=1: the parent's CPU during each call, per thread, on standard error (where it goes).
    private static readonly bool s_threads = Environment.GetEnvironmentVariable("PARALLELGEN_BENCH_THREADS") == "1";

    /// <summary>CPU nanoseconds of each live thread of a process, keyed "tid name".</summary>
    private static Dictionary<string, long> ThreadCpuNs(int pid)
    {
        var result = new Dictionary<string, long>();
        foreach (string task in System.IO.Directory.EnumerateDirectories($"/proc/{pid}/task"))
        {
            try
            {
                string name = System.IO.File.ReadAllText(System.IO.Path.Combine(task, "comm")).Trim();
                long ns = long.Parse(System.IO.File.ReadAllText(System.IO.Path.Combine(task, "schedstat")).Split(' ')[0], CultureInfo.InvariantCulture);
                result[System.IO.Path.GetFileName(task) + " " + name] = ns;
            }
            catch (System.IO.IOException)
            {
                // The thread exited meanwhile.
            }
        }

        return result;
    }

    private static void PrintThreads(string call, Dictionary<string, long> before, Dictionary<string, long> after)
    {
        var deltas = after.Select(a => (a.Key, Us: (a.Value - before.GetValueOrDefault(a.Key)) / 1000.0)).Where(d => d.Us >= 100).OrderByDescending(d => d.Us);
        Console.Error.WriteLine($"CPU during the {call}, by thread: " + string.Join(", ", deltas.Select(d => string.Create(CultureInfo.InvariantCulture, $"{d.Key} {d.Us / 1000:0.0} ms"))));
    }

    private static bool s_systemRandom = Environment.GetEnvironmentVariable("PARALLELGEN_BENCH_SYSTEM_RANDOM") == "1";

    private static long[] DartsParallel((int, int)[] items, ParallelizeOptions? options = null) =>
        s_systemRandom ? PiTargets.DartsSystemRandomParallel(items, options) : PiTargets.DartsParallel(items, options);

    private static long Darts(int seed, int darts) =>
        s_systemRandom ? PiTargets.DartsSystemRandom(seed, darts) : PiTargets.Darts(seed, darts);

    /// <summary>CPU time of a process's live threads, in nanoseconds (Linux /proc/&lt;pid&gt;/task/*/schedstat).</summary>
    private static long CpuNs(int pid)
    {
        long total = 0;
        foreach (string task in System.IO.Directory.EnumerateDirectories($"/proc/{pid}/task"))
        {
            try
            {
                total += long.Parse(System.IO.File.ReadAllText(System.IO.Path.Combine(task, "schedstat")).Split(' ')[0], CultureInfo.InvariantCulture);
            }
            catch (System.IO.IOException)
            {
                // The thread exited meanwhile.
            }
        }

        return total;
    }
}
