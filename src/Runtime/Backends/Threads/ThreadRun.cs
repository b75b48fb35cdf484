using System;
using System.Runtime.ExceptionServices;
using System.Threading;
using System.Threading.Tasks;
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
internal sealed class ThreadRun<TBody>
    where TBody : struct, IIndexBody
{
    private readonly TBody _body;
    private readonly int _count;
    private readonly int _workers;
    private readonly int _batchSize;
    private readonly TimeSpan? _timeout;
    private readonly ProgressTracker? _progress;
    private readonly CancellationToken _userToken;
    private readonly CancellationTokenSource _stopSource;
    private readonly CancellationTokenRegistration _stopRegistration;

    private long _next;
    private volatile int _stop;
    private int _completed;
    private int _active;
    private Exception? _error;
    private int _errorIndex = -1;
    private ManualResetEventSlim? _allDone;
    private TaskCompletionSource? _completion;

    internal ThreadRun(TBody body, int count, int workers, RunSettings settings, ProgressTracker? progress, CancellationToken cancellationToken)
    {
        _body = body;
        _count = count;
        _workers = workers;
        _batchSize = settings.BatchSize;
        _timeout = settings.Timeout;
        _progress = progress;
        _userToken = cancellationToken;
        _stopSource = cancellationToken.CanBeCanceled
            ? CancellationTokenSource.CreateLinkedTokenSource(cancellationToken)
            : new CancellationTokenSource();
        if (_timeout is { } timeout)
        {
            _stopSource.CancelAfter(timeout);
        }

        _stopRegistration = _stopSource.Token.UnsafeRegister(static s => ((ThreadRun<TBody>)s!)._stop = 1, this);
    }

    /// <summary>Runs the call with the calling thread as one of the workers, and returns when all are done.</summary>
    internal void Run()
    {
        _active = _workers;
        if (_workers > 1)
        {
            _allDone = new ManualResetEventSlim(false);
            for (int i = 1; i < _workers; i++)
            {
                WorkerThreadPool.Run(static s => ((ThreadRun<TBody>)s!).WorkerMain(), this);
            }
        }

        WorkerMain();
        _allDone?.Wait();
        _allDone?.Dispose();

        Exception? failure = GetFailure();
        if (failure is not null)
        {
            ExceptionDispatchInfo.Throw(failure);
        }
    }

    /// <summary>Runs the call on worker threads only; the task completes when all are done.</summary>
    internal Task RunDetached()
    {
        _completion = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _active = _workers;
        for (int i = 0; i < _workers; i++)
        {
            WorkerThreadPool.Run(static s => ((ThreadRun<TBody>)s!).WorkerMain(), this);
        }

        return _completion.Task;
    }

    private void WorkerMain()
    {
        try
        {
            Loop();
        }
        finally
        {
            if (Interlocked.Decrement(ref _active) == 0)
            {
                OnAllWorkersDone();
            }
        }
    }

    private void Loop()
    {
        TBody body = _body;
        CancellationToken token = _stopSource.Token;
        int index = -1;
        int batchStart = 0;
        ParallelContext.EnterThread();
        try
        {
            while (_stop == 0)
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
                    if (_stop != 0)
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
            Interlocked.Add(ref _completed, items);
            _progress?.Add(items);
        }
    }

    private int AutoBatchSize()
    {
        long remaining = _count - Volatile.Read(ref _next);
        return (int)Math.Clamp(remaining / (4L * _workers), 1L, int.MaxValue);
    }

    private void Fail(int index, Exception exception)
    {
        if (Interlocked.CompareExchange(ref _error, exception, null) is null)
        {
            _errorIndex = index;
        }

        _stop = 1;
        try
        {
            _stopSource.Cancel();
        }
        catch (AggregateException)
        {
            // A callback the user registered on the token threw; the body's exception is the one that matters.
        }
    }

    private Exception? GetFailure() =>
        Outcome.GetFailure(_error, _errorIndex, _userToken, _stop != 0, _timeout, Volatile.Read(ref _completed), _count);

    private void OnAllWorkersDone()
    {
        // Read the outcome before disposing the token source: a timeout is recognised from the stop flag.
        Exception? failure = _completion is null ? null : GetFailure();
        _stopRegistration.Dispose();
        _stopSource.Dispose();

        if (_completion is null)
        {
            _allDone?.Set();
        }
        else if (failure is OperationCanceledException && _userToken.IsCancellationRequested)
        {
            _completion.SetCanceled(_userToken);
        }
        else if (failure is not null)
        {
            _completion.SetException(failure);
        }
        else
        {
            _completion.SetResult();
        }
    }
}
