using System;
using System.Collections.Concurrent;
using System.Reflection;
using System.Threading;
using ParallelGen.Diagnostics;

namespace ParallelGen.Backends.Processes;

/// <summary>
/// The first process-backend call of a program launches its workers as the very first thing it does: it works out the
/// launch (<see cref="LaunchSpec"/>) and creates the pool, reserves the workers, and leaves the start info and
/// <c>Process.Start</c> (first uses of framework code, ~10 ms of JIT) to the launcher thread
/// (<see cref="ProcessPool.PrestartInBackground"/>), while the calling thread goes on with its own set-up of the call
/// (options, backend, formatters, lifecycle, the first batch). Before, all of that came first and the spawn after it;
/// now the worker's runtime start (the floor of a cold call) begins that much sooner. The call's own
/// <see cref="ProcessPool.Prestart"/> and <see cref="ProcessPool.Lease"/> find the reserved workers and wait for them
/// instead of launching again.
/// </summary>
/// <remarks>
/// Only for a call that will certainly run on the process backend, decided from what is known before anything else
/// (no <see cref="ParallelConfig"/> scope, not inside a parallel body, items counted and not empty, token not
/// cancelled): a program that never makes a process call never starts a worker. Later calls find the pool and go the
/// usual way.
/// </remarks>
internal static class EarlyLaunch
{
    private static readonly ConcurrentDictionary<Assembly, byte> s_posted = new();

    /// <summary>
    /// Launches, without waiting, the workers of a process-backend call about to start with <paramref name="itemCount"/>
    /// items (-1: not known without enumerating) and <paramref name="jobs"/> (resolved: a positive count).
    /// </summary>
    internal static void Start(Assembly assembly, int itemCount, int jobs, CancellationToken cancellationToken)
    {
        if (itemCount <= 0 || cancellationToken.IsCancellationRequested || ParallelContext.IsInParallelBody
            || !s_posted.TryAdd(assembly, 0))
        {
            return;
        }

        StartupTrace.Reached("early");
        WorkerKill.StartLauncher(); // starts while the launch is worked out
        ProcessPool pool;
        try
        {
            pool = ProcessPool.For(assembly); // the launch worked out here: on the launcher thread it would wait for the thread
        }
        catch (Exception ex) when (ex is NotSupportedException or System.IO.IOException or UnauthorizedAccessException)
        {
            return; // no launch for this assembly: the call fails with the same exception where it always did
        }

        pool.PrestartInBackground(Math.Max(1, Math.Min(jobs, itemCount))); // ProcessesBackend.GetWorkerCount
    }
}
