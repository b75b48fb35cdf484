using System;
using System.Threading;
using ParallelGen.Internal;

namespace ParallelGen.Backends.Threads;

/// <summary>
/// One parallel call on the thread backend: <c>workers</c> loops take batches of consecutive indices from a shared
/// counter until the input is exhausted, the call is cancelled, or a body throws.
/// </summary>
/// <remarks>
/// Generic over the body struct so that the JIT compiles a loop per body and inlines the user's method into it.
/// Automatic batches are "guided": a worker takes a share of what remains (remaining / (4 × workers)), so batches
/// are large at first and single items at the end, where stragglers would otherwise leave workers idle.
/// </remarks>
internal sealed class ThreadRun<TBody> : RunCoordinator
    where TBody : struct, IIndexBody
{
    private readonly TBody _body;
    private readonly int _count;
    private readonly int _workers;
    private readonly int _batchSize;
    private readonly ProgressTracker? _progress;

    private long _next;

    internal ThreadRun(TBody body, int count, int workers, RunSettings settings, ProgressTracker? progress, CancellationToken cancellationToken)
        : base(count, workers, settings.Timeout, cancellationToken)
    {
        _body = body;
        _count = count;
        _workers = workers;
        _batchSize = settings.BatchSize;
        _progress = progress;
    }

    protected override void Work()
    {
        TBody body = _body;
        CancellationToken token = StopToken;
        int index = -1;
        int batchStart = 0;
        ParallelContext.EnterThread();
        try
        {
            while (!Stopping)
            {
                int chunk = _batchSize > 0 ? _batchSize : AutoBatchSize();
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
                    if (Stopping)
                    {
                        Finished(i - batchStart);
                        return;
                    }

                    index = i;
                    body.Execute(i, token);
                }

                Finished(end - batchStart);
            }
        }
        catch (Exception ex)
        {
            Finished(index - batchStart);
            Fail(index, ex);
        }
        finally
        {
            ParallelContext.ExitThread();
        }
    }

    private void Finished(int items)
    {
        if (items > 0)
        {
            AddCompleted(items);
            _progress?.Add(items);
        }
    }

    private int AutoBatchSize()
    {
        long remaining = _count - Volatile.Read(ref _next);
        return (int)Math.Clamp(remaining / (4L * _workers), 1L, int.MaxValue);
    }
}
