using System;
using System.Collections.Generic;
using System.Runtime.CompilerServices;
using System.Runtime.ExceptionServices;
using System.Threading;
using System.Threading.Tasks;

namespace ParallelGen;

/// <summary>
/// The pending result of a call submitted to a <see cref="ParallelExecutor"/>, like Python's
/// <c>concurrent.futures.Future</c>: <see cref="Result"/> waits for it, <see cref="Cancel"/> withdraws it if it has not
/// started, and it can be awaited.
/// </summary>
/// <typeparam name="TResult">The call's result type.</typeparam>
public sealed class Future<TResult> : ParallelExecutor.WorkItem
{
    private const int Pending = 0;
    private const int Running = 1;
    private const int Finished = 2;

    private readonly Func<TResult> _function;
    private readonly bool _isParallelBody;
    private readonly TaskCompletionSource<TResult> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _state;

    /// <param name="function">The call.</param>
    /// <param name="isParallelBody">
    /// Whether the call runs as a parallel body (a parallel method it calls runs sequentially); false when the call
    /// itself dispatches a generated parallel method to a backend.
    /// </param>
    internal Future(Func<TResult> function, bool isParallelBody = true)
    {
        _function = function;
        _isParallelBody = isParallelBody;
    }

    /// <summary>The underlying task, for <c>await</c>, <c>Task.WhenAll</c> and friends.</summary>
    public Task<TResult> Task => _completion.Task;

    /// <summary><see langword="true"/> once the call has returned, thrown or been cancelled.</summary>
    public bool IsDone => _completion.Task.IsCompleted;

    /// <summary><see langword="true"/> while the call is executing.</summary>
    public bool IsRunning => Volatile.Read(ref _state) == Running;

    /// <summary><see langword="true"/> if <see cref="Cancel"/> withdrew the call before it started.</summary>
    public bool IsCancelled => _completion.Task.IsCanceled;

    /// <summary>Withdraws the call if it has not started yet.</summary>
    /// <returns><see langword="true"/> if the call will not run; <see langword="false"/> if it is running or done.</returns>
    public bool Cancel()
    {
        if (Interlocked.CompareExchange(ref _state, Finished, Pending) == Pending)
        {
            _completion.TrySetCanceled();
            return true;
        }

        return IsCancelled;
    }

    /// <summary>Waits for the call and returns its result, or rethrows its exception with its original type.</summary>
    /// <param name="timeout">How long to wait; <see langword="null"/> waits as long as it takes.</param>
    /// <returns>The call's result.</returns>
    /// <exception cref="TimeoutException">The call did not finish within <paramref name="timeout"/>.</exception>
    /// <exception cref="OperationCanceledException">The call was cancelled.</exception>
    public TResult Result(TimeSpan? timeout = null)
    {
        Wait(timeout);
        return _completion.Task.GetAwaiter().GetResult();
    }

    /// <summary>
    /// Waits for the call and returns the exception it threw, or <see langword="null"/> if it returned. Like Python's
    /// <c>future.exception()</c>, a cancelled call has no exception to return: it throws
    /// <see cref="OperationCanceledException"/>.
    /// </summary>
    /// <param name="timeout">How long to wait; <see langword="null"/> waits as long as it takes.</param>
    /// <returns>The call's exception, if any.</returns>
    /// <exception cref="TimeoutException">The call did not finish within <paramref name="timeout"/>.</exception>
    /// <exception cref="OperationCanceledException">The call was cancelled.</exception>
    public Exception? Exception(TimeSpan? timeout = null)
    {
        Wait(timeout);
        if (_completion.Task.IsCanceled)
        {
            throw new OperationCanceledException("The call was cancelled before it started.");
        }

        return _completion.Task.IsFaulted ? _completion.Task.Exception!.InnerException : null;
    }

    /// <summary>Lets <c>await future</c> work.</summary>
    /// <returns>The task's awaiter.</returns>
    public TaskAwaiter<TResult> GetAwaiter() => _completion.Task.GetAwaiter();

    /// <summary>
    /// Yields the futures as they finish, like <c>concurrent.futures.as_completed</c>: a future passed several times is
    /// yielded once, and the sequence holds no reference to a future it has yielded (so a result nobody else keeps can
    /// be collected while the loop goes on). Like Python's generator, the sequence can be enumerated once.
    /// </summary>
    /// <param name="futures">The futures to watch.</param>
    /// <param name="timeout">
    /// How long the whole loop may take, counted from this call; <see langword="null"/> waits as long as it takes.
    /// </param>
    /// <returns>The same futures, in completion order.</returns>
    /// <exception cref="TimeoutException">
    /// Thrown by the enumeration when futures are still pending after <paramref name="timeout"/>.
    /// </exception>
    public static IEnumerable<Future<TResult>> AsCompleted(IEnumerable<Future<TResult>> futures, TimeSpan? timeout = null)
    {
        ArgumentNullException.ThrowIfNull(futures);
        long deadline = timeout is { } t ? Environment.TickCount64 + (long)Math.Ceiling(t.TotalMilliseconds) : long.MaxValue;
        var unique = new HashSet<Future<TResult>>(ReferenceEqualityComparer.Instance);
        var pending = new List<Future<TResult>>();
        foreach (Future<TResult> f in futures)
        {
            ArgumentNullException.ThrowIfNull(f, nameof(futures));
            if (unique.Add(f))
            {
                pending.Add(f);
            }
        }

        return new AsCompletedSequence(pending, deadline);
    }

    /// <summary>The sequence <see cref="AsCompleted"/> returns; it drops each future as it yields it.</summary>
    private sealed class AsCompletedSequence(List<Future<TResult>> pending, long deadline) : IEnumerable<Future<TResult>>
    {
        private List<Future<TResult>>? _pending = pending;

        public IEnumerator<Future<TResult>> GetEnumerator()
        {
            List<Future<TResult>> futures = Interlocked.Exchange(ref _pending, null)
                ?? throw new InvalidOperationException("The sequence returned by AsCompleted can be enumerated once (as Python's as_completed generator).");
            return Iterate(futures, deadline);
        }

        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();

        private static IEnumerator<Future<TResult>> Iterate(List<Future<TResult>> futures, long deadline)
        {
            // Each future posts itself when done: O(n) in all, whatever the number of futures. Once posted, the only
            // reference left here is the queue's, which Take removes.
            using var done = new System.Collections.Concurrent.BlockingCollection<Future<TResult>>();
            int count = futures.Count;
            foreach (Future<TResult> f in futures)
            {
                Watch(f, done);
            }

            futures.Clear();
            for (int i = 0; i < count; i++)
            {
                long remaining = deadline == long.MaxValue ? -1 : Math.Max(0, deadline - Environment.TickCount64);
                if (!done.TryTake(out Future<TResult>? next, remaining > int.MaxValue ? -1 : (int)remaining))
                {
                    throw new TimeoutException($"{count - i} (of {count}) futures unfinished when the AsCompleted timeout expired.");
                }

                yield return next;
            }
        }

        private static void Watch(Future<TResult> future, System.Collections.Concurrent.BlockingCollection<Future<TResult>> done) =>
            future.Task.ContinueWith(
                static (_, state) =>
                {
                    var (f, queue) = ((Future<TResult>, System.Collections.Concurrent.BlockingCollection<Future<TResult>>))state!;
                    try
                    {
                        queue.Add(f);
                    }
                    catch (ObjectDisposedException)
                    {
                        // The loop was abandoned (break, timeout): nobody waits for this future any more.
                    }
                    catch (InvalidOperationException)
                    {
                        // Same, racing with the disposal.
                    }
                },
                (future, done),
                CancellationToken.None,
                TaskContinuationOptions.ExecuteSynchronously,
                TaskScheduler.Default);
    }

    /// <summary>
    /// Python's <c>concurrent.futures.wait</c>: waits until <paramref name="returnWhen"/> holds or
    /// <paramref name="timeout"/> expires, and returns the futures that are done and those that are not (a future
    /// passed several times appears once).
    /// </summary>
    /// <param name="futures">The futures to wait for.</param>
    /// <param name="returnWhen">When to return: <see cref="ReturnWhen.AllCompleted"/> (the default), the first completion, or the first exception.</param>
    /// <param name="timeout">How long to wait at most; <see langword="null"/> waits as long as it takes. No exception on timeout.</param>
    /// <returns>The done futures and the not-done futures.</returns>
    public static (IReadOnlySet<Future<TResult>> Done, IReadOnlySet<Future<TResult>> NotDone) Wait(
        IEnumerable<Future<TResult>> futures, ReturnWhen returnWhen = ReturnWhen.AllCompleted, TimeSpan? timeout = null)
    {
        ArgumentNullException.ThrowIfNull(futures);
        var all = new HashSet<Future<TResult>>(ReferenceEqualityComparer.Instance);
        foreach (Future<TResult> f in futures)
        {
            ArgumentNullException.ThrowIfNull(f, nameof(futures));
            all.Add(f);
        }

        long deadline = timeout is { } t ? Environment.TickCount64 + (long)Math.Ceiling(t.TotalMilliseconds) : long.MaxValue;
        using var changed = new SemaphoreSlim(0);
        foreach (Future<TResult> f in all)
        {
            f.Task.ContinueWith(static (_, s) => { try { ((SemaphoreSlim)s!).Release(); } catch (ObjectDisposedException) { } }, changed, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }

        while (true)
        {
            var done = new HashSet<Future<TResult>>(ReferenceEqualityComparer.Instance);
            var notDone = new HashSet<Future<TResult>>(ReferenceEqualityComparer.Instance);
            bool failed = false;
            foreach (Future<TResult> f in all)
            {
                if (f.IsDone)
                {
                    done.Add(f);
                    failed |= f.Task.IsFaulted;
                }
                else
                {
                    notDone.Add(f);
                }
            }

            bool satisfied = notDone.Count == 0 || returnWhen switch
            {
                ReturnWhen.FirstCompleted => done.Count > 0,
                ReturnWhen.FirstException => failed,
                _ => false,
            };
            long remaining = deadline == long.MaxValue ? -1 : deadline - Environment.TickCount64;
            if (satisfied || (remaining <= 0 && deadline != long.MaxValue))
            {
                return (done, notDone);
            }

            changed.Wait(remaining > int.MaxValue ? -1 : (int)remaining);
        }
    }

    internal override void Execute()
    {
        if (Interlocked.CompareExchange(ref _state, Running, Pending) != Pending)
        {
            return;
        }

        if (_isParallelBody)
        {
            ParallelContext.EnterThread();
        }

        try
        {
            _completion.TrySetResult(_function());
        }
        catch (Exception ex)
        {
            _completion.TrySetException(ex);
        }
        finally
        {
            if (_isParallelBody)
            {
                ParallelContext.ExitThread();
            }

            Volatile.Write(ref _state, Finished);
        }
    }

    internal override void CancelPending() => Cancel();

    internal override void Fail(Exception exception)
    {
        if (Interlocked.CompareExchange(ref _state, Finished, Pending) == Pending)
        {
            _completion.TrySetException(exception);
        }
    }

    private void Wait(TimeSpan? timeout)
    {
        // AsyncWaitHandle waits without throwing for a faulted or cancelled task (Task.Wait would wrap it).
        if (!((IAsyncResult)_completion.Task).AsyncWaitHandle.WaitOne(timeout ?? System.Threading.Timeout.InfiniteTimeSpan))
        {
            throw new TimeoutException($"The call did not finish within {timeout}.");
        }
    }
}
