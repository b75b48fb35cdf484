using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Runtime.ExceptionServices;
using System.Threading;
using System.Threading.Tasks;
using ParallelGen.Backends;

namespace ParallelGen.Internal;

/// <summary>The enumerator of a <see cref="ParallelStream{T}"/>: hands out results, sync or async.</summary>
internal abstract class StreamEngine<T> : IEnumerator<T>, IAsyncEnumerator<T>
{
    private T _current = default!;

    public T Current => _current;

    object? System.Collections.IEnumerator.Current => _current;

    public bool MoveNext()
    {
        bool ranOut = false;
        while (true)
        {
            T value;
            Task? wait;
            bool advanced;
            try
            {
                advanced = TryAdvance(out value, out wait);
            }
            catch when (CountMissedWakeUp(ranOut))
            {
                throw; // never reached: the filter only counts
            }

            if (advanced)
            {
                CountMissedWakeUp(ranOut);
                _current = value;
                return true;
            }

            if (wait is null)
            {
                CountMissedWakeUp(ranOut);
                return false;
            }

            // The workers are usually just ahead (tiny bodies): spin briefly before blocking the thread. The block is
            // bounded, a safety net only: after RecheckInterval the state is read again, so a wake-up that never came
            // would cost one interval instead of a hang; MissedWakeUps counts them, and the tests require none.
            SpinWait spin = default;
            while (!wait.IsCompleted && !spin.NextSpinWillYield)
            {
                spin.SpinOnce(sleep1Threshold: -1);
            }

            ranOut = !wait.Wait(RecheckInterval);
        }
    }

    /// <summary>How long a consumer waits for a wake-up before it reads the stream's state again (tests lengthen it).</summary>
    internal TimeSpan RecheckInterval { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>
    /// How many waits ran out <see cref="RecheckInterval"/> and were followed by a result, the end or a failure: each is
    /// a wake-up that should have come (or a notifier stalled for a whole interval), for tests.
    /// </summary>
    internal int MissedWakeUps { get; private set; }

    /// <summary>
    /// For tests: called when the consumer found no window and the producer not done, just before it arms its wait
    /// (a test stops the producer there to widen the race with the producer's end).
    /// </summary>
    internal Action? BeforeAwaitingWindow { get; set; }

    /// <summary>For tests: the producer's task (done once it has read the input to its end and signalled).</summary>
    internal abstract Task ProducerTask { get; }

    public async ValueTask<bool> MoveNextAsync()
    {
        bool ranOut = false;
        while (true)
        {
            T value;
            Task? wait;
            bool advanced;
            try
            {
                advanced = TryAdvance(out value, out wait);
            }
            catch when (CountMissedWakeUp(ranOut))
            {
                throw; // never reached: the filter only counts
            }

            if (advanced)
            {
                CountMissedWakeUp(ranOut);
                _current = value;
                return true;
            }

            if (wait is null)
            {
                CountMissedWakeUp(ranOut);
                return false;
            }

            await wait.WaitAsync(RecheckInterval).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            ranOut = !wait.IsCompleted;
        }
    }

    /// <summary>Counts a wait that ran out before the stream moved on; returns <see langword="false"/> (an exception filter).</summary>
    private bool CountMissedWakeUp(bool ranOut)
    {
        if (ranOut)
        {
            MissedWakeUps++;
        }

        return false;
    }

    public void Reset() => throw new NotSupportedException("A ParallelStream cannot be reset; call the parallel method again.");

    public abstract void Dispose();

    public abstract ValueTask DisposeAsync();

    /// <summary>The next result, or a task to wait on before asking again, or neither at the end. Throws the call's failure.</summary>
    protected abstract bool TryAdvance(out T value, out Task? wait);
}

/// <summary>How a stream runs one window of items and what it hands out for an item (a struct: no virtual calls).</summary>
internal interface IWindowRunner<TItem, TResult, TOut>
{
    bool HasResults { get; }

    object UserBody { get; }

    Task Run(IParallelBackend backend, ParallelCall<TItem, TResult> call, TItem[] items, TResult[]? results, StreamWindow window);

    TOut Project(long index, TResult result);
}

/// <summary>
/// Which items of one window are done: set from the workers (per item for bodies run in this process, per reported
/// range for out-of-process backends), read by the consumer. A backend that stores results without reporting which
/// (only <see cref="CallLifecycle.AddCompleted(int)"/>) marks nothing: once the window's call has succeeded, the
/// consumer takes every item it did not see marked as done (<see cref="StoredByCall"/>, <see cref="TakeUnmarked"/>).
/// </summary>
internal sealed class StreamWindow(long offset, int count, bool ordered, StreamSignal signal)
{
    public readonly long Offset = offset;
    public readonly int Count = count;
    public readonly int[] Done = new int[count];
    public readonly ConcurrentQueue<int>? Finished = ordered ? null : new ConcurrentQueue<int>();
    public Task Run = Task.CompletedTask;
    public object? Results; // the window's TResult[] (null for methods without a result, and once consumed)
    public volatile bool Over;
    public int Next; // ordered: the next index to hand out; unordered: how many were handed out

    public void MarkDone(int index)
    {
        if (Interlocked.Exchange(ref Done[index], 1) != 0)
        {
            return;
        }

        Finished?.Enqueue(index);
        signal.Notify(this, index);
    }

    public void MarkRange(int start, int count)
    {
        for (int i = start; i < start + count; i++)
        {
            MarkDone(i);
        }
    }

    /// <summary>
    /// Whether the window's call is over and succeeded: every item's result is stored, marked or not (a backend that
    /// reports only a count marks none). The consumer reads it only when the window is over and the item it needs is
    /// not marked, so backends that mark every item never reach it. (<see cref="Run"/> was written before the window
    /// was queued; <see cref="Over"/> after the call ended.)
    /// </summary>
    public bool StoredByCall => Over && Run.IsCompletedSuccessfully;

    /// <summary>
    /// Unordered, once the call has succeeded and its queue ran dry before every item was handed out: queues the items
    /// no worker marked (their results are stored). Runs on the consumer, which then reads the queue itself, so no
    /// signal is needed. Returns whether it queued any.
    /// </summary>
    public bool TakeUnmarked()
    {
        bool any = false;
        for (int i = 0; i < Count; i++)
        {
            if (Interlocked.Exchange(ref Done[i], 1) == 0)
            {
                Finished!.Enqueue(i);
                any = true;
            }
        }

        return any;
    }
}

/// <summary>
/// Wakes the consumer when what it waits for happens: armed by the consumer (a fresh waiter naming the item it waits
/// for, or any item) before it re-checks, fired by workers only when that waiter waits for their item (ordered) or any
/// item (unordered), so a worker that finishes an item nobody waits for pays one interlocked write and one read.
/// </summary>
/// <remarks>
/// No wake-up is lost: the consumer publishes its waiter (a full fence) and then reads the item's flag (or the queue,
/// the window's end, the producer's end, the call's stop); a worker (or the producer, or the stop token's callback)
/// writes that state with a full fence and then reads the waiter. One of the two sees the other's write: either the
/// consumer sees the state and does not wait, or the notifier sees the waiter and fires it. (An unordered window's
/// queue reserves a slot with an interlocked write, and a reader that sees a reserved slot waits until it is filled, so
/// the queue is such a state.) The waiter carries what it waits for, so a notifier tests the waiter it read. A waiter
/// the consumer armed and then did not wait on (its re-check saw progress) stays armed until a notifier takes it; that
/// only costs a completion nobody awaits. The consumer must never return such a waiter as the one to wait on:
/// <c>TryAdvance</c> forgets it on every pass.
/// </remarks>
internal sealed class StreamSignal
{
    private Waiter? _waiter;

    public Task Arm(StreamWindow? window, int index)
    {
        var waiter = new Waiter(window, index);
        Interlocked.Exchange(ref _waiter, waiter); // a full fence: the consumer's re-check reads after it
        return waiter.Task;
    }

    public void Notify(StreamWindow window, int index)
    {
        // The caller's interlocked write of the item's flag orders this read after it.
        Waiter? waiter = Volatile.Read(ref _waiter);
        if (waiter is not null
            && (waiter.Index < 0 || (ReferenceEquals(waiter.Window, window) && waiter.Index == index))
            && Interlocked.CompareExchange(ref _waiter, null, waiter) == waiter)
        {
            waiter.TrySetResult();
        }
    }

    public void NotifyAll()
    {
        Thread.MemoryBarrier();
        if (Interlocked.Exchange(ref _waiter, null) is { } waiter)
        {
            waiter.TrySetResult();
        }
    }

    /// <summary>One wait of the consumer: for item <see cref="Index"/> of <see cref="Window"/>, or for anything (index -1).</summary>
    private sealed class Waiter(StreamWindow? window, int index) : TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)
    {
        public readonly StreamWindow? Window = window;
        public readonly int Index = index;
    }
}

/// <summary>
/// A stream's run: a producer reads the input lazily into windows of at most the pre-dispatch size and runs each window
/// as one call through the backend (the same <see cref="IParallelBackend"/> door as every call), one window at a time,
/// while the consumer takes the results of the window before; a window starts only when the consumer has finished the
/// one two before it, so at most two windows of results are held.
/// </summary>
internal sealed class StreamEngine<TItem, TResult, TOut, TRunner> : StreamEngine<TOut>
    where TRunner : struct, IWindowRunner<TItem, TResult, TOut>
{
    /// <summary>An automatic batch grows while a window takes less than this, so tiny bodies are not dominated by per-window costs.</summary>
    private const double GrowBelowSeconds = 0.02;
    private const double ShrinkAboveSeconds = 0.5;
    private const int MaxAutomaticBatch = 4096;

    private readonly IEnumerable<TItem> _source;
    private readonly TRunner _runner;
    private readonly bool _ordered;
    private readonly IParallelBackend _backend;
    private readonly RunSettings _windowSettings;
    private readonly ParallelizeOptions? _windowOptions;
    private readonly int _jobs;
    private readonly int _workerLimit;
    private readonly int? _preDispatch;
    private readonly int _fixedBatch;
    private readonly RemoteMethod? _remote;
    private readonly string? _methodName;
    private readonly CancellationToken _userToken;
    private readonly CancellationToken _enumeratorToken;
    private readonly CancellationTokenSource _stop;
    private readonly CancellationTokenSource? _timeoutSource;
    private readonly TimeSpan? _timeout;
    private readonly CancellationTokenRegistration _stopRegistration;
    private readonly StreamSignal _signal = new();
    private readonly Queue<StreamWindow> _ready = new();
    private readonly SemaphoreSlim _slots = new(2, 2);
    private readonly object _lock = new();
    private readonly Task _producer;
    private readonly ProgressTracker? _progress;

    private StreamWindow? _current;
    private volatile bool _producerDone;
    private Exception? _inputError;
    private int _disposed;
    private int _automaticBatch = 1;

    internal StreamEngine(
        IEnumerable<TItem> source, TRunner runner, bool ordered, IParallelBackend backend, RunSettings settings, ParallelizeOptions? options,
        bool nested, RemoteMethod? remote, string? methodName, CancellationToken userToken, CancellationToken enumeratorToken)
    {
        _source = source;
        _runner = runner;
        _ordered = ordered;
        _backend = backend;
        _jobs = settings.Jobs;
        _workerLimit = nested ? ParallelContext.NestedWorkerLimit : int.MaxValue; // a stream made inside a body gets its share
        _preDispatch = options?.PreDispatch;
        _fixedBatch = settings.BatchSize;
        _remote = remote;
        _methodName = methodName;
        _userToken = userToken;
        _enumeratorToken = enumeratorToken;
        _timeout = settings.Timeout;

        // Windows run without the call-wide settings a window cannot honour alone: the timeout is the stream's (below);
        // progress and verbose lines count the whole stream, through one tracker the windows share. Its total is the
        // input's count when that is known without enumerating it, else unknown until the producer reaches the end.
        _progress = ProgressTracker.Create(
            options,
            source.TryGetNonEnumeratedCount(out int knownCount) ? knownCount : -1,
            Math.Min(backend.GetWorkerCount(settings.Jobs, int.MaxValue), _workerLimit));
        _windowSettings = settings with { Timeout = null };
        _windowOptions = options is null ? null : new ParallelizeOptions
        {
            Jobs = options.Jobs,
            Backend = options.Backend,
            BatchSize = options.BatchSize,
            Retries = options.Retries,
            ItemTimeout = options.ItemTimeout,
            MaxTasksPerWorker = options.MaxTasksPerWorker,
            WorkerMemoryLimit = options.WorkerMemoryLimit,
            SharedMemoryThreshold = options.SharedMemoryThreshold,
            BackendInstance = options.BackendInstance,
        };

        _stop = CancellationTokenSource.CreateLinkedTokenSource(userToken, enumeratorToken);
        if (_timeout is { } timeout)
        {
            _timeoutSource = new CancellationTokenSource(timeout);
            _timeoutSource.Token.UnsafeRegister(static s => ((CancellationTokenSource)s!).Cancel(), _stop);
        }

        _stopRegistration = _stop.Token.UnsafeRegister(static s => ((StreamSignal)s!).NotifyAll(), _signal);
        _producer = Task.Run(ProduceAsync);
    }

    internal override Task ProducerTask => _producer;

    protected override bool TryAdvance(out TOut value, out Task? wait)
    {
        value = default!;
        wait = null;
        if (_disposed != 0)
        {
            throw new ObjectDisposedException(nameof(ParallelStream<TOut>));
        }

        while (true)
        {
            // A wait armed on an earlier pass was for a state this pass has moved past (its re-check saw the end, a
            // window or a result): only a wait armed on this pass, after which nothing was seen, may be returned. (The
            // hang seen in CI: armed, saw the producer's end and passed again, the end was returned with that wait,
            // whose signal had already gone; the consumer waited for a task nobody would complete.)
            wait = null;
            ThrowIfStopped();
            StreamWindow? window = _current;
            if (window is null)
            {
                lock (_lock)
                {
                    if (_ready.Count > 0)
                    {
                        window = _current = _ready.Dequeue();
                    }
                }

                if (window is null)
                {
                    if (_producerDone)
                    {
                        lock (_lock)
                        {
                            if (_ready.Count > 0)
                            {
                                continue;
                            }
                        }

                        ThrowIfStopped();
                        if (_inputError is { } inputError)
                        {
                            _inputError = null;
                            ExceptionDispatchInfo.Throw(inputError);
                        }

                        return false;
                    }

                    BeforeAwaitingWindow?.Invoke();
                    wait = _signal.Arm(null, -1);
                    lock (_lock)
                    {
                        if (_ready.Count > 0 || _producerDone || IsStopped)
                        {
                            continue;
                        }
                    }

                    return false;
                }
            }

            var results = (TResult[]?)window.Results;
            if (_ordered)
            {
                int next = window.Next;
                if (next >= window.Count)
                {
                    ReleaseWindow();
                    continue;
                }

                if (Volatile.Read(ref window.Done[next]) != 0)
                {
                    value = Take(window, results, next);
                    window.Next = next + 1;
                    return true;
                }

                if (window.Over)
                {
                    // Marked meanwhile, or stored by a call that succeeded without marking its items (a backend that
                    // reports only counts): the result is there.
                    if (Volatile.Read(ref window.Done[next]) != 0 || window.StoredByCall)
                    {
                        value = Take(window, results, next);
                        window.Next = next + 1;
                        return true;
                    }

                    ThrowWindowFailure(window);
                }

                wait = _signal.Arm(window, next);
                if (Volatile.Read(ref window.Done[next]) != 0 || window.Over || IsStopped)
                {
                    continue;
                }

                return false;
            }

            if (window.Finished!.TryDequeue(out int index))
            {
                value = Take(window, results, index);
                window.Next++;
                return true;
            }

            if (window.Next >= window.Count)
            {
                ReleaseWindow();
                continue;
            }

            if (window.Over)
            {
                // Queued meanwhile, or stored by a call that succeeded without marking them (a backend that reports
                // only counts): queued now, by this thread, and taken on the next pass.
                if (!window.Finished.IsEmpty || (window.StoredByCall && window.TakeUnmarked()))
                {
                    continue;
                }

                ThrowWindowFailure(window);
            }

            wait = _signal.Arm(window, -1);
            if (!window.Finished.IsEmpty || window.Over || IsStopped)
            {
                continue;
            }

            return false;
        }
    }

    private TOut Take(StreamWindow window, TResult[]? results, int index)
    {
        TResult result = default!;
        if (results is not null)
        {
            result = results[index];
            results[index] = default!; // the stream holds only what was not handed out yet
        }

        return _runner.Project(window.Offset + index, result);
    }

    private void ReleaseWindow()
    {
        _current!.Results = null;
        _current = null;
        _slots.Release();
    }

    /// <summary>
    /// Whether <see cref="ThrowIfStopped"/> would throw: read again after arming a wait, because the stop's signal
    /// (NotifyAll from the stop token's callback, after the token's state is set) may have found no waiter yet.
    /// </summary>
    private bool IsStopped =>
        _userToken.IsCancellationRequested || _enumeratorToken.IsCancellationRequested || _timeoutSource is { IsCancellationRequested: true };

    private void ThrowIfStopped()
    {
        if (_userToken.IsCancellationRequested)
        {
            throw new OperationCanceledException(_userToken);
        }

        if (_enumeratorToken.IsCancellationRequested)
        {
            throw new OperationCanceledException(_enumeratorToken);
        }

        if (_timeoutSource is { IsCancellationRequested: true })
        {
            throw new TimeoutException($"The parallel stream did not finish within its Timeout of {_timeout}.");
        }
    }

    private void ThrowWindowFailure(StreamWindow window)
    {
        ThrowIfStopped();
        Task run = window.Run;
        if (run.IsFaulted && run.Exception!.InnerException is { } failure)
        {
            if (failure.GetParallelItemIndex() is int index && window.Offset + index <= int.MaxValue)
            {
                ParallelExceptionExtensions.SetParallelItemIndex(failure, (int)(window.Offset + index));
            }

            ExceptionDispatchInfo.Throw(failure);
        }

        throw new OperationCanceledException("The parallel stream's call was stopped.");
    }

    private async Task ProduceAsync()
    {
        IEnumerator<TItem>? enumerator = null;
        long offset = 0;
        try
        {
            try
            {
                enumerator = _source.GetEnumerator();
            }
            catch (Exception ex)
            {
                _inputError = ex;
                return;
            }

            CancellationToken stop = _stop.Token;
            while (!stop.IsCancellationRequested)
            {
                await _slots.WaitAsync(stop).ConfigureAwait(false);
                int workers = Math.Min(_backend.GetWorkerCount(_jobs, int.MaxValue), _workerLimit);
                int size = _preDispatch ?? checked(2 * workers * (_fixedBatch > 0 ? _fixedBatch : _automaticBatch));
                var items = new TItem[size];
                int count = 0;
                try
                {
                    while (count < size && enumerator.MoveNext())
                    {
                        items[count++] = enumerator.Current;
                    }
                }
                catch (Exception ex)
                {
                    // Reported after the results of the items read before it.
                    _inputError = ex;
                }

                if (count == 0)
                {
                    if (_inputError is null)
                    {
                        _progress?.SetTotal(offset); // the input ended exactly where the last window did
                    }

                    return;
                }

                if (count < size)
                {
                    Array.Resize(ref items, count);
                }

                TResult[]? results = _runner.HasResults ? new TResult[count] : null;
                var window = new StreamWindow(offset, count, _ordered, _signal) { Results = results };
                var call = new ParallelCall<TItem, TResult>(
                    items, results, _windowSettings, Math.Min(_backend.GetWorkerCount(_jobs, count), _workerLimit), _windowOptions, _remote, stop)
                {
                    MethodName = _methodName,
                    ResultsStored = window.MarkRange,
                    Progress = _progress,
                };
                if (count < size && _inputError is null)
                {
                    _progress?.SetTotal(offset + count); // the input ended inside this window
                }

                long started = Stopwatch.GetTimestamp();
                Task run;
                try
                {
                    using ParallelContext.CallScope nesting = ParallelContext.EnterCall(call.Workers); // the share nested calls in the bodies get
                    run = _runner.Run(_backend, call, items, results, window);
                }
                catch (Exception ex)
                {
                    run = Task.FromException(ex);
                }

                window.Run = run;
                lock (_lock)
                {
                    _ready.Enqueue(window);
                }

                _signal.NotifyAll();
                try
                {
                    await run.ConfigureAwait(false);
                }
                catch
                {
                    // The consumer reports it, after the results before the failed item.
                }

                window.Over = true;
                _signal.NotifyAll();
                if (!run.IsCompletedSuccessfully || _inputError is not null || count < size)
                {
                    return;
                }

                Adapt(Stopwatch.GetElapsedTime(started).TotalSeconds);
                offset += count;
            }
        }
        catch (OperationCanceledException)
        {
            // Stopped (disposed, cancelled or timed out) while waiting for a window slot.
        }
        finally
        {
            try
            {
                enumerator?.Dispose();
            }
            catch (Exception ex)
            {
                _inputError ??= ex;
            }

            _producerDone = true;
            _signal.NotifyAll();
        }
    }

    /// <summary>joblib's automatic batching for a stream: batches grow while windows are quick, shrink when slow.</summary>
    private void Adapt(double seconds)
    {
        if (_preDispatch is not null || _fixedBatch > 0)
        {
            return;
        }

        if (seconds < GrowBelowSeconds && _automaticBatch < MaxAutomaticBatch)
        {
            _automaticBatch *= 2;
        }
        else if (seconds > ShrinkAboveSeconds && _automaticBatch > 1)
        {
            _automaticBatch /= 2;
        }
    }

    public override void Dispose()
    {
        if (!BeginDispose())
        {
            return;
        }

        try
        {
            _producer.GetAwaiter().GetResult();
        }
        finally
        {
            EndDispose();
        }
    }

    public override async ValueTask DisposeAsync()
    {
        if (!BeginDispose())
        {
            return;
        }

        try
        {
            await _producer.ConfigureAwait(false);
        }
        finally
        {
            EndDispose();
        }
    }

    /// <summary>Stops the call: no further window starts, and the running one's token is cancelled.</summary>
    private bool BeginDispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return false;
        }

        if (!_producerDone)
        {
            try
            {
                _stop.Cancel();
            }
            catch (AggregateException)
            {
                // A callback registered on the caller's token threw; stopping is what matters here.
            }
        }

        return true;
    }

    private void EndDispose()
    {
        _stopRegistration.Dispose();
        _timeoutSource?.Dispose();
        _stop.Dispose();
        lock (_lock)
        {
            _ready.Clear();
        }

        _current = null;
    }
}
