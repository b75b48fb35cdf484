using System;
using System.Threading.Tasks;
using ParallelGen.Internal;

namespace ParallelGen.Backends.Threads;

/// <summary>
/// <see cref="Backend.Threads"/>: the items run in this process, blocking bodies on dedicated worker threads
/// (<see cref="WorkerThreadPool"/>, the calling thread being one of them for the synchronous API) and asynchronous
/// bodies as async loops, at most <see cref="ParallelCall{TItem, TResult}.Workers"/> at once.
/// </summary>
internal sealed class ThreadsBackend : IParallelBackend
{
    internal static readonly ThreadsBackend Instance = new();

    public int GetWorkerCount(int jobs, int itemCount) => Math.Max(1, Math.Min(jobs, itemCount));

    public void Run<TItem, TResult, TBody>(ParallelCall<TItem, TResult> call, TBody body)
        where TBody : struct, IParallelCallBody =>
        new ThreadRun<TBody>(body, call.Count, call.Workers, call.BatchSize, call.StartLifecycle()).Run();

    public Task RunAsync<TItem, TResult, TBody>(ParallelCall<TItem, TResult> call, TBody body)
        where TBody : struct, IParallelCallBody =>
        body.IsAsync
            ? AsyncRun.RunAsync(body, call.Count, call.Workers, call.StartLifecycle())
            : new ThreadRun<TBody>(body, call.Count, call.Workers, call.BatchSize, call.StartLifecycle()).RunDetached();
}
