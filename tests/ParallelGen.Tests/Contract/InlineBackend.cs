using System.Runtime.CompilerServices;
using System.Runtime.ExceptionServices;
using ParallelGen.Backends;

namespace ParallelGen.Tests.Contract;

/// <summary>
/// A test-only backend that runs every item sequentially on the caller (the task variants on the thread pool). It is
/// here to show what adding a backend takes: this one file and one registration, no edit to any other backend, and
/// the contract suite (<see cref="BackendContractTests"/>) runs over it because it is registered.
/// </summary>
internal sealed class InlineBackend : IParallelBackend
{
    /// <summary>The value calls ask for; any value no built-in backend uses.</summary>
    internal const Backend Value = (Backend)100;

#pragma warning disable CA2255 // registering from a module initializer is how a backend package plugs itself in
    [ModuleInitializer]
    internal static void Register() => ParallelBackendRegistry.Register(Value, new InlineBackend());
#pragma warning restore CA2255

    public int GetWorkerCount(int jobs, int itemCount) => 1;

    public void Run<TItem, TResult, TBody>(ParallelCall<TItem, TResult> call, TBody body)
        where TBody : struct, IParallelCallBody
    {
        CallLifecycle lifecycle = call.StartLifecycle();
        RunAll(call, body, lifecycle);
        if (lifecycle.Finish() is { } failure)
        {
            ExceptionDispatchInfo.Throw(failure);
        }
    }

    public Task RunAsync<TItem, TResult, TBody>(ParallelCall<TItem, TResult> call, TBody body)
        where TBody : struct, IParallelCallBody
    {
        var completion = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        CallLifecycle lifecycle = call.StartLifecycle();
        ThreadPool.UnsafeQueueUserWorkItem(
            _ =>
            {
                RunAll(call, body, lifecycle);
                lifecycle.Finish(completion);
            },
            null);
        return completion.Task;
    }

    private static void RunAll<TItem, TResult, TBody>(ParallelCall<TItem, TResult> call, TBody body, CallLifecycle lifecycle)
        where TBody : struct, IParallelCallBody
    {
        using (ParallelContext.EnterBody())
        {
            for (int i = 0; i < call.Count && !lifecycle.IsStopping; i++)
            {
                try
                {
                    body.Execute(i, lifecycle.StopToken);
                    lifecycle.AddCompleted(1);
                }
                catch (Exception ex)
                {
                    lifecycle.Fail(i, ex);
                }
            }
        }
    }
}
