using System;
using System.Collections.Concurrent;
using System.Reflection;
using System.Threading;
using ParallelGen.Diagnostics;

namespace ParallelGen.Backends.Processes;

/// <summary>
/// The first process-backend call of a program launches its workers as the very first thing it does, on the launcher
/// thread (<see cref="WorkerKill.Post"/>): working out the launch (<see cref="LaunchSpec"/>), creating the pool and
/// <c>Process.Start</c> (first uses of framework code, tens of milliseconds of JIT) then run beside the calling thread's
/// own set-up of the call (options, backend, formatters, lifecycle), instead of before it, and the worker's runtime
/// start (the floor of a cold call) begins that much sooner. The call's own <see cref="ProcessPool.Prestart"/> and
/// <see cref="ProcessPool.Lease"/> find the launch in progress and wait for it instead of launching again.
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
        int workers = Math.Max(1, Math.Min(jobs, itemCount)); // ProcessesBackend.GetWorkerCount
        WorkerKill.Post(() =>
        {
            try
            {
                ProcessPool.For(assembly).Prestart(workers);
            }
#pragma warning disable CA1031 // whatever failed here fails again on the call's own thread, which reports it as always
            catch (Exception)
#pragma warning restore CA1031
            {
                // No launch for this assembly (or no process): the call's own Prestart or Lease tries again.
            }
        });
    }
}
