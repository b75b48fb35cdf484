using System;
using System.Threading.Tasks;

namespace ParallelGen.Backends.Processes;

/// <summary>
/// <see cref="Backend.Processes"/>: the items run in a pool of worker processes (<see cref="ProcessRun{TItem, TResult}"/>),
/// found there by the method's <see cref="RemoteMethod"/> identity. The body passed in is not used: this process
/// only dispatches. Jobs = 1 means one worker process (isolation is the point of the backend), not inline execution.
/// </summary>
internal sealed class ProcessesBackend : IParallelBackend, IPrestartingBackend
{
    internal static readonly ProcessesBackend Instance = new();

    /// <summary>
    /// Launches the call's missing workers before the parent sets up the rest of the call (formatters, lifecycle,
    /// telemetry, the first batch): a fresh program's first call then waits for the workers' start-up once, overlapped
    /// with its own work, instead of after it. The call's leases read the workers' hellos; a failure here is left to
    /// them to report.
    /// </summary>
    public void Prestart(RemoteMethod? remote, int workers, int itemCount)
    {
        if (remote is null || itemCount == 0)
        {
            return;
        }

        try
        {
            ProcessPool.For(remote.Assembly).Prestart(workers);
        }
        catch (Exception ex) when (ex is NotSupportedException or System.IO.IOException or UnauthorizedAccessException)
        {
            // No launch for this assembly: the call itself fails with the same exception, where it always did.
        }
    }

    public int GetWorkerCount(int jobs, int itemCount) => Math.Max(1, Math.Min(jobs, itemCount));

    public void Run<TItem, TResult, TBody>(ParallelCall<TItem, TResult> call, TBody body)
        where TBody : struct, IParallelCallBody =>
        new ProcessRun<TItem, TResult>(call, call.RequireRemote()).Run();

    public Task RunAsync<TItem, TResult, TBody>(ParallelCall<TItem, TResult> call, TBody body)
        where TBody : struct, IParallelCallBody =>
        new ProcessRun<TItem, TResult>(call, call.RequireRemote()).RunDetached();
}
