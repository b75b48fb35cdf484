using System;
using System.Threading.Tasks;

namespace ParallelGen.Backends.Processes;

/// <summary>
/// <see cref="Backend.Processes"/>: the items run in a pool of worker processes (<see cref="ProcessRun{TItem, TResult}"/>),
/// found there by the method's <see cref="RemoteMethod"/> identity. The body passed in is not used: this process
/// only dispatches. Jobs = 1 means one worker process (isolation is the point of the backend), not inline execution.
/// </summary>
internal sealed class ProcessesBackend : IParallelBackend
{
    internal static readonly ProcessesBackend Instance = new();

    public int GetWorkerCount(int jobs, int itemCount) => Math.Max(1, Math.Min(jobs, itemCount));

    public void Run<TItem, TResult, TBody>(ParallelCall<TItem, TResult> call, TBody body)
        where TBody : struct, IParallelCallBody =>
        new ProcessRun<TItem, TResult>(call, call.RequireRemote()).Run();

    public Task RunAsync<TItem, TResult, TBody>(ParallelCall<TItem, TResult> call, TBody body)
        where TBody : struct, IParallelCallBody =>
        new ProcessRun<TItem, TResult>(call, call.RequireRemote()).RunDetached();
}
