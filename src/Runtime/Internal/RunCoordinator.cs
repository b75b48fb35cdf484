using System;
using System.Runtime.ExceptionServices;
using System.Threading;
using System.Threading.Tasks;
using ParallelGen.Backends.Threads;

namespace ParallelGen.Internal;

/// <summary>
/// The life of one parallel call, whatever runs the items: <c>workers</c> loops (<see cref="Work"/>) on dedicated
/// threads — the calling thread being one of them for the synchronous API — a stop flag raised by cancellation, the
/// timeout or the first failure, and the outcome decided once every loop has returned.
/// </summary>
internal abstract class RunCoordinator
{
    private readonly int _workers;
    private readonly int _count;
    private readonly TimeSpan? _timeout;
    private readonly CancellationToken _userToken;
    private readonly CancellationTokenSource _stopSource;
    private readonly CancellationTokenRegistration _stopRegistration;

    private volatile int _stop;
    private int _completed;
    private int _active;
    private Exception? _error;
    private int _errorIndex = -1;
    private Exception? _failure;
    private ManualResetEventSlim? _allDone;
    private TaskCompletionSource? _completion;

    protected RunCoordinator(int count, int workers, TimeSpan? timeout, CancellationToken cancellationToken)
    {
        _count = count;
        _workers = workers;
        _timeout = timeout;
        _userToken = cancellationToken;
        _stopSource = cancellationToken.CanBeCanceled
            ? CancellationTokenSource.CreateLinkedTokenSource(cancellationToken)
            : new CancellationTokenSource();
        if (timeout is { } t)
        {
            _stopSource.CancelAfter(t);
        }

        _stopRegistration = _stopSource.Token.UnsafeRegister(static s => ((RunCoordinator)s!).OnStopSignal(), this);
    }

    /// <summary>True once the call should start no more items.</summary>
    protected bool Stopping => _stop != 0;

    /// <summary>Cancelled by the caller's token, the timeout, or (if <see cref="CancelTokenOnFailure"/>) a failure.</summary>
    protected CancellationToken StopToken => _stopSource.Token;

    /// <summary>Whether a failure also cancels <see cref="StopToken"/> (which the running items may observe).</summary>
    protected virtual bool CancelTokenOnFailure => true;

    /// <summary>Runs the call with the calling thread as one of the loops, and throws its outcome.</summary>
    internal void Run()
    {
        _active = _workers;
        if (_workers > 1)
        {
            _allDone = new ManualResetEventSlim(false);
            for (int i = 1; i < _workers; i++)
            {
                WorkerThreadPool.Run(static s => ((RunCoordinator)s!).WorkerMain(), this);
            }
        }

        WorkerMain();
        _allDone?.Wait();
        _allDone?.Dispose();
        if (_failure is not null)
        {
            ExceptionDispatchInfo.Throw(_failure);
        }
    }

    /// <summary>Runs the call on worker threads only; the task completes with its outcome.</summary>
    internal Task RunDetached()
    {
        _completion = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _active = _workers;
        for (int i = 0; i < _workers; i++)
        {
            WorkerThreadPool.Run(static s => ((RunCoordinator)s!).WorkerMain(), this);
        }

        return _completion.Task;
    }

    /// <summary>One loop: take work until there is none or <see cref="Stopping"/>. An exception it throws fails the call.</summary>
    protected abstract void Work();

    /// <summary>Called once when the stop is signalled (cancellation or timeout, and failures that cancel the token).</summary>
    protected virtual void OnStopRequested()
    {
    }

    /// <summary>Called once after the last loop has returned, before the outcome is published.</summary>
    protected virtual void OnFinished()
    {
    }

    /// <summary>Counts finished items (for the timeout message).</summary>
    protected void AddCompleted(int items) => Interlocked.Add(ref _completed, items);

    /// <summary>Records the first failure, with the index of its item, and stops the call.</summary>
    protected void Fail(int index, Exception exception)
    {
        if (Interlocked.CompareExchange(ref _error, exception, null) is null)
        {
            _errorIndex = index;
        }

        _stop = 1;
        if (CancelTokenOnFailure)
        {
            try
            {
                _stopSource.Cancel();
            }
            catch (AggregateException)
            {
                // A callback the user registered on the token threw; the body's exception is the one that matters.
            }
        }
    }

    private void OnStopSignal()
    {
        _stop = 1;
        OnStopRequested();
    }

    private void WorkerMain()
    {
        try
        {
            Work();
        }
        catch (Exception ex)
        {
            Fail(-1, ex);
        }
        finally
        {
            if (Interlocked.Decrement(ref _active) == 0)
            {
                OnAllDone();
            }
        }
    }

    private void OnAllDone()
    {
        // Decided before the token source is disposed: a timeout is recognised by its cancellation.
        _failure = Outcome.GetFailure(
            _error, _errorIndex, _userToken, _stopSource.IsCancellationRequested, _timeout, Volatile.Read(ref _completed), _count);
        _stopRegistration.Dispose();
        _stopSource.Dispose();
        OnFinished();

        if (_completion is null)
        {
            _allDone?.Set();
        }
        else if (_failure is OperationCanceledException && _userToken.IsCancellationRequested)
        {
            _completion.SetCanceled(_userToken);
        }
        else if (_failure is not null)
        {
            _completion.SetException(_failure);
        }
        else
        {
            _completion.SetResult();
        }
    }
}
