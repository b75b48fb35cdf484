using System;
using System.Runtime.ExceptionServices;
using System.Threading;
using System.Threading.Tasks;
using ParallelGen.Backends;

namespace ParallelGen.Internal;

/// <summary>
/// A call of an asynchronous body in this process: <c>workers</c> async loops, so at most that many calls are in
/// flight, over the same <see cref="CallLifecycle"/> as the blocking loops. Each loop starts on the thread pool, so a
/// body's synchronous prefix never runs on the caller's thread.
/// </summary>
internal static class AsyncRun
{
    internal static async Task RunAsync<TBody>(TBody body, int count, int workers, CallLifecycle lifecycle)
        where TBody : struct, IParallelCallBody
    {
        var next = new StrongBox(-1);
        var loops = new Task[workers];
        for (int i = 0; i < loops.Length; i++)
        {
            loops[i] = Task.Run(() => LoopAsync(body, count, next, lifecycle));
        }

        await Task.WhenAll(loops).ConfigureAwait(false);

        Exception? failure = lifecycle.Finish();
        if (failure is not null)
        {
            ExceptionDispatchInfo.Throw(failure);
        }
    }

    private static async Task LoopAsync<TBody>(TBody body, int count, StrongBox next, CallLifecycle lifecycle)
        where TBody : struct, IParallelCallBody
    {
        ParallelContext.MarkAsyncFlow();
        CancellationToken token = lifecycle.StopToken;
        int index = -1;
        try
        {
            while (!lifecycle.IsStopping && (index = Interlocked.Increment(ref next.Value)) < count)
            {
                await body.ExecuteAsync(index, token).ConfigureAwait(false);
                lifecycle.AddCompleted(1);
            }
        }
        catch (Exception ex)
        {
            lifecycle.Fail(index, ex);
        }
    }

    private sealed class StrongBox(int value)
    {
        internal int Value = value;
    }
}
