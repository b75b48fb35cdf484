using System;
using System.Threading;
using ParallelGen.Internal;

namespace ParallelGen.Backends.Threads;

/// <summary>
/// One parallel call on the thread backend: <c>workers</c> loops take batches of consecutive indices from a shared
/// counter until the input is exhausted, the call is stopped, or a body throws.
/// </summary>
/// <remarks>
/// Generic over the body struct so that the JIT compiles a loop per body and inlines the user's method into it.
/// Automatic batches are guided (<see cref="GuidedBatches"/>).
/// </remarks>
internal sealed class ThreadRun<TBody> : RunCoordinator
    where TBody : struct, IParallelCallBody
{
    private readonly TBody _body;
    private readonly int _count;
    private readonly int _workers;
    private readonly int _batchSize;

    private long _next;

    internal ThreadRun(TBody body, int count, int workers, int batchSize, CallLifecycle lifecycle)
        : base(lifecycle, workers)
    {
        _body = body;
        _count = count;
        _workers = workers;
        _batchSize = batchSize;
    }

    protected override void Work()
    {
        TBody body = _body;
        CallLifecycle lifecycle = Lifecycle;
        CancellationToken token = lifecycle.StopToken;
        int index = -1;
        int batchStart = 0;
        ParallelContext.EnterThread();
        try
        {
            while (!lifecycle.IsStopping)
            {
                int chunk = _batchSize > 0 ? _batchSize : GuidedBatches.Size(_count - Volatile.Read(ref _next), _workers);
                long start = Interlocked.Add(ref _next, chunk) - chunk;
                if (start >= _count)
                {
                    return;
                }

                batchStart = (int)start;
                int end = (int)Math.Min(start + chunk, _count);

                // The loop counter stays in a register; 'index' (read by the catch) is a separate store per item.
                for (int i = batchStart; i < end; i++)
                {
                    if (lifecycle.IsStopping)
                    {
                        lifecycle.AddCompleted(i - batchStart);
                        return;
                    }

                    index = i;
                    body.Execute(i, token);
                }

                lifecycle.AddCompleted(end - batchStart);
            }
        }
        catch (Exception ex)
        {
            lifecycle.AddCompleted(index - batchStart);
            lifecycle.Fail(index, ex);
        }
        finally
        {
            ParallelContext.ExitThread();
        }
    }
}
