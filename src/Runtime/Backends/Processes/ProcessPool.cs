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
    private static readonly ConcurrentDictionary<Assembly, LaunchSpec> s_specs = new();

    private readonly object _lock = new();
    private readonly LaunchSpec _spec;
    private readonly Stack<WorkerProcess> _idle = new();
    private readonly HashSet<WorkerProcess> _all = [];
    private readonly Timer _reaper;
    private int _nextNumber;
    private int _started;

    static ProcessPool()
    {
        AppDomain.CurrentDomain.ProcessExit += (_, _) => ShutdownAll(kill: true);
    }

    private ProcessPool(LaunchSpec spec)
    {
        _spec = spec;
        _reaper = new Timer(static s => ((ProcessPool)s!).RetireIdle(), this, Timeout.Infinite, Timeout.Infinite);
    }

    /// <summary>How many workers this pool has started in all.</summary>
    internal int StartedCount => Volatile.Read(ref _started);

    internal static ProcessPool For(Assembly assembly)
    {
        LaunchSpec spec = s_specs.GetOrAdd(assembly, LaunchSpec.For);
        return s_pools.GetOrAdd(spec.Key, _ => new ProcessPool(spec));
    }

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
        int missing;
        int firstNumber;
        lock (_lock)
        {
            missing = workers;
            foreach (WorkerProcess idle in _idle)
            {
                missing -= idle.HasExited ? 0 : 1; // a dead one is replaced when a lease finds it
            }

            if (missing <= 0)
            {
                return;
            }

            firstNumber = _nextNumber + 1;
            _nextNumber += missing;
        }

        var launched = new List<WorkerProcess>(missing);
        try
        {
            for (int i = 0; i < missing; i++)
            {
                WorkerProcess worker = WorkerProcess.Launch(_spec, firstNumber + i);
                worker.IdleSinceTimestamp = Stopwatch.GetTimestamp();
                launched.Add(worker);
                lock (_lock)
                {
                    _all.Add(worker);
                    _idle.Push(worker);
                }
            }
        }
        catch (WorkerStartException)
        {
            // The call's own lease starts a worker again and reports the failure.
        }

        foreach (WorkerProcess _ in launched)
        {
            Started();
        }

        if (launched.Count > 0)
        {
            _reaper.Change(ProcessBackend.IdleTimeout, Timeout.InfiniteTimeSpan);
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
                if (!_idle.TryPop(out idle))
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

        _reaper.Change(ProcessBackend.IdleTimeout, Timeout.InfiniteTimeSpan);
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
                _reaper.Change(ProcessBackend.IdleTimeout, Timeout.InfiniteTimeSpan);
            }
        }

        foreach (WorkerProcess w in retired)
        {
            w.Shutdown();
            w.Dispose();
        }
    }
}
