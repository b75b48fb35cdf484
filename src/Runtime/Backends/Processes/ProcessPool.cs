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

    /// <summary>An idle worker for exclusive use, or a new one.</summary>
    internal WorkerProcess Lease(TimeSpan startTimeout)
    {
        int number;
        lock (_lock)
        {
            while (_idle.TryPop(out WorkerProcess? idle))
            {
                if (!idle.HasExited)
                {
                    return idle;
                }

                _all.Remove(idle);
                idle.Dispose();
            }

            number = ++_nextNumber;
        }

        WorkerProcess worker = WorkerProcess.Start(_spec, number, startTimeout);
        Interlocked.Increment(ref _started);
        if (Telemetry.WorkersStarted.Enabled)
        {
            Telemetry.WorkersStarted.Add(1);
        }

        lock (_lock)
        {
            _all.Add(worker);
        }

        return worker;
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
