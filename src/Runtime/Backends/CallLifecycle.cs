using System;
using System.Diagnostics;
using System.Threading;
using System.Threading.Tasks;
using ParallelGen.Diagnostics;
using ParallelGen.Internal;

namespace ParallelGen.Backends;

/// <summary>
/// The life of one parallel call, whatever runs its items: a stop signal raised by the caller's token, the timeout or
/// the first failure; the count of finished items (and progress); and the outcome, decided once when every loop has
/// returned. Sync and async runs, and every backend, share it, so these rules are written once.
/// </summary>
/// <remarks>Create one with <see cref="ParallelCall{TItem, TResult}.StartLifecycle"/>.</remarks>
public sealed class CallLifecycle
{
    private readonly int _count;
    private readonly TimeSpan? _timeout;
    private readonly CancellationToken _userToken;
    private readonly bool _cancelTokenOnFailure;
    private readonly ProgressTracker? _progress;
    private readonly CancellationTokenSource _stopSource;
    private readonly CancellationTokenRegistration _stopRegistration;

    private volatile int _stop;
    private int _completed;
    private Exception? _error;
    private int _errorIndex = -1;
    private bool _errorBeforeStop;
    private Action? _onStop;
    private int _finished;

    // Observability: all null/false when nobody listened at the start of the call (the common case).
    private readonly Activity? _activity;
    private readonly bool _inFlightTracked;
    private readonly long _startTimestamp;
    private readonly string? _backendName;

    internal CallLifecycle(int count, TimeSpan? timeout, CancellationToken cancellationToken, bool cancelTokenOnFailure, ProgressTracker? progress)
        : this(count, timeout, cancellationToken, cancelTokenOnFailure, progress, default)
    {
    }

    internal CallLifecycle(
        int count, TimeSpan? timeout, CancellationToken cancellationToken, bool cancelTokenOnFailure, ProgressTracker? progress,
        CallDescription description)
    {
        _count = count;
        _timeout = timeout;
        _userToken = cancellationToken;
        _cancelTokenOnFailure = cancelTokenOnFailure;
        _progress = progress;
        _stopSource = cancellationToken.CanBeCanceled
            ? CancellationTokenSource.CreateLinkedTokenSource(cancellationToken)
            : new CancellationTokenSource();
        if (timeout is { } t)
        {
            _stopSource.CancelAfter(t);
        }

        _stopRegistration = _stopSource.Token.UnsafeRegister(static s => ((CallLifecycle)s!).OnStopSignal(), this);

        _backendName = description.BackendName;
        if (Telemetry.Source.HasListeners())
        {
            _activity = StartCallActivity(count, description);
        }

        if (Telemetry.Calls.Enabled)
        {
            Telemetry.Calls.Add(1, new TagList { { "parallelgen.backend", description.BackendName } });
        }

        if (Telemetry.ItemsInFlight.Enabled)
        {
            _inFlightTracked = true;
            Telemetry.ItemsInFlight.Add(count);
        }

        if (Telemetry.CallDuration.Enabled)
        {
            _startTimestamp = Stopwatch.GetTimestamp();
        }
    }

    /// <summary>
    /// The trace context of this call's activity (the parent of its batches' activities), or
    /// <see langword="default"/> when nobody traces.
    /// </summary>
    public ActivityContext TraceContext => _activity?.Context ?? default;

    /// <summary>
    /// True once the call should start no more items. Also reads the caller's token itself: its cancellation reaches
    /// the linked stop source through a callback, which <see cref="CancellationTokenSource.CancelAsync"/> runs on the
    /// thread pool, so a busy pool delayed the stop while the workers kept starting items (counted: 65 in 78 ms).
    /// Seen here first, the stop is made at once on this thread.
    /// </summary>
    public bool IsStopping => _stop != 0 || (_userToken.IsCancellationRequested && StopForCallerToken());

    /// <summary>
    /// The token running items get: cancelled by the caller's token, the timeout, or (when the lifecycle was started
    /// with <c>cancelTokenOnFailure</c>) the first failure.
    /// </summary>
    public CancellationToken StopToken => _stopSource.Token;

    /// <summary>How many items have finished.</summary>
    public int Completed => Volatile.Read(ref _completed);

    /// <summary>
    /// Called once when the stop token is cancelled (the caller's cancellation, the timeout, or a failure that cancels
    /// the token): a backend that can interrupt running items (kill a process) does it here. Set it before the call starts.
    /// </summary>
    /// <param name="onStop">The callback.</param>
    public void SetStopHandler(Action onStop) => _onStop = onStop;

    /// <summary>Where <see cref="AddCompleted(int, int)"/> reports stored results (a stream's window), or <see langword="null"/>.</summary>
    internal Action<int, int>? ResultsStored { get; init; }

    /// <summary>
    /// Counts the finished items <paramref name="firstIndex"/> .. <paramref name="firstIndex"/> + <paramref name="items"/> - 1,
    /// whose results are stored in <see cref="ParallelCall{TItem, TResult}.Results"/>, and reports them as progress.
    /// Out-of-process backends call this form so that a stream hands those results to its consumer at once (without
    /// it, a stream sees them when the call is over); in-process bodies are tracked per item and may use either form.
    /// </summary>
    /// <param name="firstIndex">The first finished item's position in the call's input.</param>
    /// <param name="items">How many consecutive items just finished.</param>
    public void AddCompleted(int firstIndex, int items)
    {
        AddCompleted(items);
        if (items > 0)
        {
            ResultsStored?.Invoke(firstIndex, items);
        }
    }

    /// <summary>
    /// Counts finished items and reports them as progress, without saying which they were: a stream hands out the
    /// results a backend reports this way (and does not mark through the call's body) when its window's call has
    /// succeeded; use <see cref="AddCompleted(int, int)"/> to have them handed out at once.
    /// </summary>
    /// <param name="items">How many items just finished.</param>
    public void AddCompleted(int items)
    {
        if (items > 0)
        {
            Interlocked.Add(ref _completed, items);
            _progress?.Add(items);
            if (Telemetry.ItemsCompleted.Enabled)
            {
                Telemetry.ItemsCompleted.Add(items);
            }

            if (_inFlightTracked)
            {
                Telemetry.ItemsInFlight.Add(-items);
            }
        }
    }

    /// <summary>
    /// Records a failure (the first one wins, with the index of its item) and stops the call. An
    /// <see cref="OperationCanceledException"/> recorded before the call was stopped is the body's own and is reported
    /// as itself; one recorded after is taken as the body observing the stop.
    /// </summary>
    /// <param name="index">The failed item's position in the input, or -1 when no item is to blame.</param>
    /// <param name="exception">What was thrown.</param>
    public void Fail(int index, Exception exception)
    {
        // Read before the exchange: an exception thrown before any stop signal is the body's own, even an
        // OperationCanceledException (it is then reported as itself, never as the timeout).
        bool beforeStop = !_stopSource.IsCancellationRequested;
        if (Interlocked.CompareExchange(ref _error, exception, null) is null)
        {
            _errorIndex = index;
            _errorBeforeStop = beforeStop;
            if (Telemetry.ItemsFailed.Enabled && index >= 0)
            {
                Telemetry.ItemsFailed.Add(1, new TagList { { "exception.type", exception.GetType().FullName } });
            }
        }

        _stop = 1;
        if (_cancelTokenOnFailure)
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

    /// <summary>
    /// Ends the lifecycle once every loop has returned and gives the exception the call ends with, or
    /// <see langword="null"/> when it succeeded: a body's own exception wins (with its item index), then the caller's
    /// cancellation, then the timeout. Call it once.
    /// </summary>
    /// <returns>The failure, or <see langword="null"/>.</returns>
    public Exception? Finish()
    {
        if (Interlocked.Exchange(ref _finished, 1) != 0)
        {
            throw new InvalidOperationException("The call's lifecycle was already finished.");
        }

        // Decided before the token source is disposed: a timeout is recognised by its cancellation.
        Exception? failure = Outcome.GetFailure(
            _error, _errorIndex, _userToken, _stopSource.IsCancellationRequested, _timeout, Completed, _count, _errorBeforeStop);
        _stopRegistration.Dispose();
        _stopSource.Dispose();
        RecordFinish(failure);
        return failure;
    }

    /// <summary>
    /// <see cref="Finish()"/>, published to a task: cancelled when the caller's token stopped the call, faulted with
    /// the failure, or completed.
    /// </summary>
    /// <param name="completion">The task's source.</param>
    public void Finish(TaskCompletionSource completion)
    {
        ArgumentNullException.ThrowIfNull(completion);
        Exception? failure = Finish();
        if (failure is OperationCanceledException && _userToken.IsCancellationRequested)
        {
            completion.SetCanceled(_userToken);
        }
        else if (failure is not null)
        {
            completion.SetException(failure);
        }
        else
        {
            completion.SetResult();
        }
    }

    private static Activity? StartCallActivity(int count, CallDescription description)
    {
        // Started without becoming Activity.Current: the call may end on another thread (async runs), and the caller's
        // own activity must stay current around it. Batches name this one as their parent explicitly.
        Activity? previous = Activity.Current;
        Activity? activity = Telemetry.Source.StartActivity(ParallelGenDiagnostics.CallActivityName, ActivityKind.Internal);
        Activity.Current = previous;
        if (activity is not null && activity.IsAllDataRequested)
        {
            activity.SetTag("parallelgen.method", description.Method);
            activity.SetTag("parallelgen.backend", description.BackendName);
            activity.SetTag("parallelgen.jobs", description.Jobs);
            activity.SetTag("parallelgen.workers", description.Workers);
            activity.SetTag("parallelgen.items", count);
        }

        return activity;
    }

    private void RecordFinish(Exception? failure)
    {
        if (_inFlightTracked)
        {
            Telemetry.ItemsInFlight.Add(-(_count - Completed));
        }

        if (_startTimestamp != 0)
        {
            Telemetry.CallDuration.Record(
                Stopwatch.GetElapsedTime(_startTimestamp).TotalSeconds,
                new TagList { { "parallelgen.backend", _backendName } });
        }

        if (_activity is { } activity)
        {
            activity.SetTag("parallelgen.completed", Completed);
            if (failure is not null)
            {
                activity.SetStatus(ActivityStatusCode.Error, failure.GetType().FullName);
                activity.SetTag("exception.type", failure.GetType().FullName);
            }

            activity.Stop();
        }
    }

    private bool StopForCallerToken()
    {
        try
        {
            _stopSource.Cancel(); // runs OnStopSignal here, unless the linked callback already has
        }
        catch (ObjectDisposedException)
        {
            // the call has ended
        }

        return true;
    }

    private void OnStopSignal()
    {
        _stop = 1;
        _onStop?.Invoke();
    }
}
