using System.Globalization;

namespace ParallelGen.Tests;

/// <summary>
/// No worker outlives its parent, also a <em>stopped</em> one (SIGSTOP: it runs no thread, so it neither reads its
/// pipe's end-of-file nor runs its parent watchdog). CI once left stopped ParallelGen.Tests workers whose parent was
/// gone: <c>Process.Kill(entireProcessTree: true)</c> stops a process before killing it. Workers are counted by the
/// marker every worker carries in its environment (<c>PARALLELGEN_PARENT_PID</c>), so a worker the pool lost track of
/// would be counted too. Every test resumes-by-killing whatever it stopped, in <c>finally</c>.
/// </summary>
[Collection(nameof(ProcessCollection))]
public class ProcessOrphanTests
{
    [OnlyOnFact(OperatingSystems.Linux, Reason = "stops workers with SIGSTOP and counts them in /proc")]
    public void Shutdown_kills_a_stopped_worker_and_no_worker_survives()
    {
        int[] pids = [.. Remote.ProcessIdParallel(Enumerable.Range(0, 4), new ParallelizeOptions { BatchSize = 1 }).Distinct()];
        Assert.NotEmpty(WorkerCensus.LiveWorkersOf(Environment.ProcessId));
        try
        {
            WorkerCensus.Signal(pids[0], "STOP");
            Assert.True(SpinWait.SpinUntil(() => WorkerCensus.State(pids[0]) == 'T', TimeSpan.FromSeconds(20)), "the worker did not stop");

            ProcessBackend.Shutdown();

            WorkerCensus.AssertNoneSurvive(Environment.ProcessId, "outlived ProcessBackend.Shutdown()");
        }
        finally
        {
            WorkerCensus.KillAll(Environment.ProcessId);
        }

        Assert.Equal([0, 1], Remote.SquareParallel([0L, 1L]).Select(x => (int)x)); // the pool starts fresh workers
    }

    [OnlyOnFact(OperatingSystems.Linux, Reason = "stops workers with SIGSTOP and counts them in /proc")]
    public void A_worker_stopped_mid_item_is_killed_by_the_item_timeout()
    {
        // A suspended worker looks like a hang to the parent: the item timeout must end it, stopped or not.
        string marker = Path.Combine(Path.GetTempPath(), "pg-stopped-" + Guid.NewGuid().ToString("N"));
        int worker = 0;
        try
        {
            Task<int[]> call = Remote.HangParallelAsync([(0, marker)], new ParallelizeOptions { BatchSize = 1, ItemTimeout = TimeSpan.FromSeconds(3) });
            Assert.True(SpinWait.SpinUntil(() => File.Exists(marker + ".0.started"), TimeSpan.FromSeconds(60)), "the item did not start");
            worker = int.Parse(File.ReadAllText(marker + ".0.started"), CultureInfo.InvariantCulture);
            WorkerCensus.Signal(worker, "STOP");

            var ex = Assert.Throws<AggregateException>(() => call.Wait(TimeSpan.FromSeconds(60)));
            Assert.IsType<TimeoutException>(ex.InnerException);
            Assert.True(SpinWait.SpinUntil(() => !WorkerCensus.IsAlive(worker), TimeSpan.FromSeconds(20)), $"the stopped worker {worker} survived its item timeout");
        }
        finally
        {
            if (worker != 0 && WorkerCensus.IsAlive(worker))
            {
                WorkerCensus.Signal(worker, "KILL");
            }

            File.Delete(marker + ".0.started");
        }
    }

    [OnlyOnFact(OperatingSystems.Linux, Reason = "finds the worker's child in /proc")]
    public void Killing_a_worker_also_kills_the_processes_it_started()
    {
        // Without Process.Kill(entireProcessTree: true) (which stops before it kills), the worker's children are found
        // in /proc before the worker is killed, and killed after it.
        string marker = Path.Combine(Path.GetTempPath(), "pg-child-" + Guid.NewGuid().ToString("N"));
        int child = 0;
        try
        {
            Task<int[]> call = Remote.SpawnAndHangParallelAsync([(0, marker)], new ParallelizeOptions { BatchSize = 1, ItemTimeout = TimeSpan.FromSeconds(3) });
            Assert.True(SpinWait.SpinUntil(() => File.Exists(marker + ".0.child"), TimeSpan.FromSeconds(60)), "the item did not start its child");
            child = int.Parse(File.ReadAllText(marker + ".0.child"), CultureInfo.InvariantCulture);
            Assert.True(WorkerCensus.IsAlive(child));

            var ex = Assert.Throws<AggregateException>(() => call.Wait(TimeSpan.FromSeconds(60)));
            Assert.IsType<TimeoutException>(ex.InnerException);
            Assert.True(SpinWait.SpinUntil(() => !WorkerCensus.IsAlive(child), TimeSpan.FromSeconds(20)), $"the worker's child {child} survived the worker");
        }
        finally
        {
            if (child != 0 && WorkerCensus.IsAlive(child))
            {
                WorkerCensus.Signal(child, "KILL");
            }

            File.Delete(marker + ".0.child");
        }
    }
}

/// <summary>Finds worker processes by the parent pid in their environment, in /proc (Linux).</summary>
internal static class WorkerCensus
{
    /// <summary>Live (not zombie) processes started as workers of <paramref name="parent"/>.</summary>
    internal static List<int> LiveWorkersOf(int parent)
    {
        byte[] marker = System.Text.Encoding.ASCII.GetBytes($"PARALLELGEN_PARENT_PID={parent.ToString(CultureInfo.InvariantCulture)}\0");
        var found = new List<int>();
        foreach (string dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out int pid) || pid == Environment.ProcessId)
            {
                continue;
            }

            try
            {
                byte[] environment = File.ReadAllBytes(Path.Combine(dir, "environ"));
                if (environment.AsSpan().IndexOf(marker) >= 0 && IsAlive(pid))
                {
                    found.Add(pid);
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // Gone, or not ours.
            }
        }

        return found;
    }

    internal static void AssertNoneSurvive(int parent, string what)
    {
        List<int> left = [];
        bool none = SpinWait.SpinUntil(() => (left = LiveWorkersOf(parent)).Count == 0, TimeSpan.FromSeconds(20));
        Assert.True(none, $"worker(s) {string.Join(", ", left.Select(p => $"{p} (state {State(p)})"))} {what}");
    }

    /// <summary>Cleans up after a failed test: SIGKILL ends stopped processes too.</summary>
    internal static void KillAll(int parent)
    {
        foreach (int pid in LiveWorkersOf(parent))
        {
            Signal(pid, "KILL");
        }
    }

    /// <summary>The state letter in /proc/pid/stat (R, S, T, Z…), or '?' when the process is gone.</summary>
    internal static char State(int pid)
    {
        try
        {
            string stat = File.ReadAllText($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/stat");
            return stat[stat.LastIndexOf(')') + 2];
        }
        catch (IOException)
        {
            return '?';
        }
    }

    internal static bool IsAlive(int pid) => State(pid) is not ('?' or 'Z' or 'X');

    /// <summary>Sends a signal with the shell's builtin kill (no extra package needed).</summary>
    internal static void Signal(int pid, string signal)
    {
        using var kill = System.Diagnostics.Process.Start("/bin/sh", ["-c", $"kill -{signal} {pid.ToString(CultureInfo.InvariantCulture)}"]);
        kill.WaitForExit();
    }
}
