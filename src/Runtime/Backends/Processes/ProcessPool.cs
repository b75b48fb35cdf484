using System;
using System.Diagnostics.Metrics;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics;
using System.Reflection;
using System.Threading;

using ParallelGen.Diagnostics;

namespace ParallelGen.Backends.Processes;

/// <summary>
/// The worker processes for one assembly's process-backend methods: started lazily, reused across calls (the second
/// call pays no start-up), retired after <see cref="ProcessBackend.IdleTimeout"/> without work, and killed when the
/// parent exits.
/// </summary>
internal sealed class ProcessPool
{
    private static readonly ConcurrentDictionary<string, ProcessPool> s_pools = new(StringComparer.Ordinal);
    private static readonly ConcurrentDictionary<Assembly, ProcessPool> s_byAssembly = new();
    private static readonly object s_creating = new();
    private static int s_exitHooked;

    private readonly object _lock = new();
    private readonly LaunchSpec _spec;
    private readonly Stack<WorkerProcess> _idle = new();
    private readonly HashSet<WorkerProcess> _all = [];
    private Timer? _reaper;
    private int _nextNumber;
    private int _started;
    private int _launching;

    private ProcessPool(LaunchSpec spec)
    {
        _spec = spec;
    }

    /// <summary>How many workers this pool has started in all.</summary>
    internal int StartedCount => Volatile.Read(ref _started);

    /// <summary>
    /// The pool for <paramref name="assembly"/>'s methods. The first caller works out the launch
    /// (<see cref="LaunchSpec.For"/>); a caller that comes meanwhile (a concurrent first call) waits for it rather than
    /// doing it again. A failure is not remembered: the next call tries again and reports it.
    /// </summary>
    internal static ProcessPool For(Assembly assembly)
    {
        if (s_byAssembly.TryGetValue(assembly, out ProcessPool? pool))
        {
            return pool;
        }

        lock (s_creating)
        {
            if (!s_byAssembly.TryGetValue(assembly, out pool))
            {
                LaunchSpec spec = LaunchSpec.For(assembly);
                pool = s_pools.GetOrAdd(spec.Key, _ => new ProcessPool(spec));
                s_byAssembly[assembly] = pool;
                StartupTrace.Reached("pool");
            }

            return pool;
        }
    }

    /// <summary>Whether the pool for <paramref name="assembly"/> exists already (its launch is worked out).</summary>
    internal static bool Exists(Assembly assembly) => s_byAssembly.ContainsKey(assembly);

    internal static IEnumerable<ProcessPool> All => s_pools.Values;

    /// <summary>The process ids of the live workers (for diagnostics and tests).</summary>
    internal IReadOnlyList<int> WorkerProcessIds()
    {
        lock (_lock)
        {
            var ids = new List<int>();
            foreach (WorkerProcess w in _all)
            {
                ids.Add(w.ProcessId);
            }

            return ids;
        }
    }

    /// <summary>
    /// Starts, without waiting for them, the workers a call of <paramref name="workers"/> will lease beyond the idle
    /// ones: called when a call begins, before the parent prepares the rest of it, so the workers' start-up (tens of
    /// milliseconds of runtime start in another process) overlaps the parent's. A started worker waits in the idle
    /// stack until <see cref="Lease"/> takes it and reads its hello.
    /// </summary>
    internal void Prestart(int workers)
    {
        if (Reserve(workers, out int firstNumber, out int missing))
        {
            LaunchReserved(firstNumber, missing);
        }
    }

    /// <summary>
    /// <see cref="Prestart"/> with the launches themselves (start info, <c>Process.Start</c>) on the launcher thread, so
    /// that the caller goes on at once: a program's first call (<see cref="EarlyLaunch"/>). The workers are reserved
    /// before this returns, so the call's own <see cref="Prestart"/> and <see cref="Lease"/> wait for them rather than
    /// launching more.
    /// </summary>
    internal void PrestartInBackground(int workers)
    {
        if (Reserve(workers, out int firstNumber, out int missing))
        {
            WorkerKill.Post(() => LaunchReserved(firstNumber, missing));
        }
    }

    /// <summary>Counts the workers to launch beyond the idle ones and those being launched, and reserves them.</summary>
    private bool Reserve(int workers, out int firstNumber, out int missing)
    {
        lock (_lock)
        {
            missing = workers - _launching; // launches in progress count: their workers are coming
            foreach (WorkerProcess idle in _idle)
            {
                missing -= idle.HasExited ? 0 : 1; // a dead one is replaced when a lease finds it
            }

            firstNumber = _nextNumber + 1;
            if (missing <= 0)
            {
                return false;
            }

            _nextNumber += missing;
            _launching += missing;
            return true;
        }
    }

    /// <summary>Launches reserved workers into the idle stack; never throws (a lease launches again and reports).</summary>
    private void LaunchReserved(int firstNumber, int missing)
    {
        int launched = 0;
        try
        {
            for (; launched < missing; launched++)
            {
                WorkerProcess worker = WorkerProcess.Launch(_spec, firstNumber + launched);
                worker.IdleSinceTimestamp = Stopwatch.GetTimestamp();
                lock (_lock)
                {
                    _launching--;
                    _all.Add(worker);
                    _idle.Push(worker);
                    Monitor.PulseAll(_lock); // a lease waiting for this launch takes it
                }

                Started();
            }
        }
#pragma warning disable CA1031 // on the launcher thread nothing may escape; the call's own lease launches again and reports
        catch (Exception)
#pragma warning restore CA1031
        {
            // The call's own lease starts a worker again and reports the failure.
        }
        finally
        {
            if (launched < missing)
            {
                lock (_lock)
                {
                    _launching -= missing - launched;
                    Monitor.PulseAll(_lock);
                }
            }
        }

        if (launched > 0)
        {
            ArmReaper();
        }
    }

    /// <summary>
    /// An idle worker for exclusive use, or a newly launched one. A worker that was only launched (by
    /// <see cref="Prestart"/> or here) may not have said hello yet: the caller writes its first batch meanwhile, then
    /// calls <see cref="WorkerProcess.AwaitReady"/>.
    /// </summary>
    internal WorkerProcess Lease()
    {
        int number;
        while (true)
        {
            WorkerProcess? idle;
            lock (_lock)
            {
                // A worker being launched for this call (Prestart, maybe on the launcher thread) is waited for rather
                // than launched twice.
                while (!_idle.TryPop(out idle))
                {
                    if (_launching == 0)
                    {
                        break;
                    }

                    Monitor.Wait(_lock);
                }

                if (idle is null)
                {
                    number = ++_nextNumber;
                    break;
                }
            }

            if (!idle.HasExited)
            {
                return idle;
            }

            lock (_lock)
            {
                _all.Remove(idle);
            }

            idle.Dispose();
        }

        WorkerProcess worker = WorkerProcess.Launch(_spec, number);
        lock (_lock)
        {
            _all.Add(worker);
        }

        Started();
        return worker;
    }

    private void Started()
    {
        if (Interlocked.Exchange(ref s_exitHooked, 1) == 0)
        {
            // After the first spawn, not before it: a worker outlives no parent anyway (its pipe closes, and on Linux
            // the kernel kills it), this only makes a clean exit end the workers at once.
            AppDomain.CurrentDomain.ProcessExit += static (_, _) => ShutdownAll(kill: true);
        }

        Interlocked.Increment(ref _started);
        if (Telemetry.WorkersStarted.Enabled)
        {
            Telemetry.WorkersStarted.Add(1);
        }
    }

    /// <summary>Gives a healthy worker back for reuse.</summary>
    internal void Return(WorkerProcess worker)
    {
        if (worker.HasExited || worker.KillReason is not null || worker.StopRequested)
        {
            Discard(worker);
            return;
        }

        worker.IdleSinceTimestamp = Stopwatch.GetTimestamp();
        lock (_lock)
        {
            _idle.Push(worker);
        }

        ArmReaper();
    }

    /// <summary>Retires idle workers after <see cref="ProcessBackend.IdleTimeout"/> (the timer is made at the first use).</summary>
    private void ArmReaper()
    {
        if (Volatile.Read(ref _reaper) is not { } reaper)
        {
            var made = new Timer(static s => ((ProcessPool)s!).RetireIdle(), this, Timeout.Infinite, Timeout.Infinite);
            reaper = Interlocked.CompareExchange(ref _reaper, made, null) ?? made;
            if (reaper != made)
            {
                made.Dispose();
            }
        }

        reaper.Change(ProcessBackend.IdleTimeout, Timeout.InfiniteTimeSpan);
    }

    /// <summary>Retires a worker: a graceful shutdown if it is alive, then the process is released.</summary>
    internal void Discard(WorkerProcess worker)
    {
        lock (_lock)
        {
            _all.Remove(worker);
        }

        // Died on its own (no kill, no stop asked for) is a crash; anything ParallelGen decided is a recycle.
        Counter<long> retired = worker.HasExited && worker.KillReason is null && !worker.StopRequested
            ? Telemetry.WorkersCrashed
            : Telemetry.WorkersRecycled;
        if (retired.Enabled)
        {
            retired.Add(1);
        }

        if (!worker.HasExited)
        {
            worker.Shutdown();
        }

        worker.Dispose();
    }

    internal static void ShutdownAll(bool kill)
    {
        foreach (ProcessPool pool in s_pools.Values)
        {
            pool.Shutdown(kill);
        }
    }

    private void Shutdown(bool kill)
    {
        List<WorkerProcess> workers;
        lock (_lock)
        {
            workers = [.. _all];
            _all.Clear();
            _idle.Clear();
        }

        foreach (WorkerProcess w in workers)
        {
            if (kill)
            {
                w.Kill("the parent is shutting down");
            }
            else
            {
                w.Shutdown();
            }

            w.Dispose();
        }
    }

    private void RetireIdle()
    {
        var retired = new List<WorkerProcess>();
        lock (_lock)
        {
            var keep = new Stack<WorkerProcess>();
            foreach (WorkerProcess w in _idle)
            {
                if (Stopwatch.GetElapsedTime(w.IdleSinceTimestamp) >= ProcessBackend.IdleTimeout)
                {
                    retired.Add(w);
                    _all.Remove(w);
                }
                else
                {
                    keep.Push(w);
                }
            }

            _idle.Clear();
            while (keep.TryPop(out WorkerProcess? w))
            {
                _idle.Push(w);
            }

            if (_idle.Count > 0)
            {
                _reaper!.Change(ProcessBackend.IdleTimeout, Timeout.InfiniteTimeSpan);
            }
        }

        foreach (WorkerProcess w in retired)
        {
            w.Shutdown();
            w.Dispose();
        }
    }
}
