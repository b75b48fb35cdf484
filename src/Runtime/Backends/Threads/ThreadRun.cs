using System;
using System.Runtime.CompilerServices;
using System.Threading;
using ParallelGen.Internal;

namespace ParallelGen.Backends.Threads;

/// <summary>
/// One parallel call on the thread backend: <c>workers</c> loops take batches of consecutive indices from a shared
/// counter until the input is exhausted, the call is stopped, or a body throws.
/// </summary>
/// <remarks>
/// <para>Generic over the body struct so that the JIT compiles a loop per body and inlines the user's method into it.
/// Automatic batches are guided (<see cref="GuidedBatches"/>).</para>
/// <para><b>LoopCompilation.</b> The loops are compiled fully optimised at once
/// (<see cref="MethodImplOptions.AggressiveOptimization"/>) rather than tiered: a call of 10^7 tiny items runs a few
/// dozen times before tiering would replace the on-stack-replacement code, and that code looked the thread-static item
/// index up through a helper call per item (Tier 1 hoists it), which made an early call ~3x as expensive in CPU time.
/// The per-item work is then one check of the stop flag, the body's item-index store and the body itself.</para>
/// </remarks>
internal sealed class ThreadRun<TBody> : RunCoordinator
    where TBody : struct, IParallelCallBody
{
    // Which of the two loops below runs (read before either is compiled, so a constant in them).
    private static readonly bool s_bodyReportsIndex = default(TBody) is IIndexReportingBody { ReportsItemIndex: true };

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
        if (s_bodyReportsIndex)
        {
            WorkReportingBody();
        }
        else
        {
            WorkTrackingIndex();
        }
    }

    /// <summary>
    /// The loop for bodies that set the thread's item index themselves (<see cref="IIndexReportingBody"/>: the runtime's
    /// own blocking bodies): a failed item's index is read back from there, so the loop stores nothing per item.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // see LoopCompilation
    private void WorkReportingBody()
    {
        TBody body = _body;
        CallLifecycle lifecycle = Lifecycle;
        CancellationToken token = lifecycle.StopToken;
        int batchStart = 0;
        bool started = false;
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
                started = true;
                for (int i = batchStart; i < end; i++)
                {
                    if (lifecycle.IsStopping)
                    {
                        lifecycle.AddCompleted(i - batchStart);
                        return;
                    }

                    body.Execute(i, token);
                }

                lifecycle.AddCompleted(end - batchStart);
                started = false;
            }
        }
        catch (Exception ex)
        {
            // The body set the thread's item index before running the item (a nested call restores it on its way out).
            // Fields, not the loop's locals, so that nothing the loop uses is kept on the stack for this handler.
            int index = started ? ParallelContext.ThreadItemIndex - ((IIndexReportingBody)_body).IndexOffset : -1;
            Lifecycle.AddCompleted(started ? index - batchStart : 0);
            Lifecycle.Fail(index, ex);
        }
        finally
        {
            ParallelContext.ExitThread();
        }
    }

    /// <summary>The loop for any other body: it keeps the running item's index for its handler.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // see LoopCompilation
    private void WorkTrackingIndex()
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
