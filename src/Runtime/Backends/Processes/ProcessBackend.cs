using System;
using System.Collections.Generic;
using System.Linq;
using ParallelGen.Backends.Processes;

namespace ParallelGen;

/// <summary>Settings and controls of the worker processes behind <see cref="Backend.Processes"/>.</summary>
public static class ProcessBackend
{
    private static TimeSpan s_idleTimeout = TimeSpan.FromSeconds(60);
    private static TimeSpan s_startTimeout = TimeSpan.FromSeconds(60);
    private static TimeSpan s_cancelGracePeriod = TimeSpan.FromSeconds(2);

    /// <summary>Idle workers exit after this long without work (default 60 s). The next call starts new ones.</summary>
    public static TimeSpan IdleTimeout
    {
        get => s_idleTimeout;
        set => s_idleTimeout = value > TimeSpan.Zero ? value : throw new ArgumentOutOfRangeException(nameof(value), value, "IdleTimeout must be positive.");
    }

    /// <summary>How long a new worker may take to start before the call fails with <see cref="WorkerStartException"/> (default 60 s).</summary>
    public static TimeSpan StartTimeout
    {
        get => s_startTimeout;
        set => s_startTimeout = value > TimeSpan.Zero ? value : throw new ArgumentOutOfRangeException(nameof(value), value, "StartTimeout must be positive.");
    }

    /// <summary>
    /// When a call is cancelled or times out, a busy worker running a method that takes a <see cref="System.Threading.CancellationToken"/>
    /// is first asked to stop: the token the method received is cancelled (on Unix, through SIGTERM). A worker still busy
    /// after this long is killed (default 2 s). Workers running methods without a token are killed at once, and on
    /// Windows every busy worker is. A worker that was asked to stop is not reused.
    /// </summary>
    public static TimeSpan CancelGracePeriod
    {
        get => s_cancelGracePeriod;
        set => s_cancelGracePeriod = value >= TimeSpan.Zero ? value : throw new ArgumentOutOfRangeException(nameof(value), value, "CancelGracePeriod cannot be negative.");
    }

    /// <summary><see langword="true"/> in a worker process.</summary>
    public static bool IsWorkerProcess => WorkerServer.IsWorkerProcess;

    /// <summary>The process ids of the live workers, in all pools.</summary>
    public static IReadOnlyList<int> WorkerProcessIds => ProcessPool.All.SelectMany(p => p.WorkerProcessIds()).ToList();

    /// <summary>How many worker processes have been started since this process began.</summary>
    public static int StartedWorkerCount => ProcessPool.All.Sum(p => p.StartedCount);

    /// <summary>Stops every worker now (they are started again by the next call). Calls in progress fail.</summary>
    public static void Shutdown() => ProcessPool.ShutdownAll(kill: true);
}
