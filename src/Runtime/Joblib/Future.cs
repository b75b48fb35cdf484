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
    private readonly TaskCompletionSource<TResult> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _state;

    internal Future(Func<TResult> function) => _function = function;

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

    /// <summary>Waits for the call and returns the exception it threw, or <see langword="null"/> if it returned.</summary>
    /// <param name="timeout">How long to wait; <see langword="null"/> waits as long as it takes.</param>
    /// <returns>The call's exception, if any.</returns>
    public Exception? Exception(TimeSpan? timeout = null)
    {
        Wait(timeout);
        return _completion.Task.IsFaulted ? _completion.Task.Exception!.InnerException : null;
    }

    /// <summary>Lets <c>await future</c> work.</summary>
    /// <returns>The task's awaiter.</returns>
    public TaskAwaiter<TResult> GetAwaiter() => _completion.Task.GetAwaiter();

    /// <summary>Yields the futures as they finish, like <c>concurrent.futures.as_completed</c>.</summary>
    /// <param name="futures">The futures to watch.</param>
    /// <returns>The same futures, in completion order.</returns>
    public static IEnumerable<Future<TResult>> AsCompleted(IEnumerable<Future<TResult>> futures)
    {
        ArgumentNullException.ThrowIfNull(futures);
        List<Future<TResult>> pending = [.. futures];
        return Iterate(pending);

        static IEnumerable<Future<TResult>> Iterate(List<Future<TResult>> pending)
        {
            // Each future posts itself when done: O(n) in all, whatever the number of futures.
            using var done = new System.Collections.Concurrent.BlockingCollection<Future<TResult>>();
            foreach (Future<TResult> f in pending)
            {
                f.Task.ContinueWith(static (_, state) => ((Action)state!)(), (Action)(() => done.Add(f)), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            }

            for (int i = 0; i < pending.Count; i++)
            {
                yield return done.Take();
            }
        }
    }

    internal override void Execute()
    {
        if (Interlocked.CompareExchange(ref _state, Running, Pending) != Pending)
        {
            return;
        }

        ParallelContext.EnterThread();
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
            ParallelContext.ExitThread();
            Volatile.Write(ref _state, Finished);
        }
    }

    internal override void CancelPending() => Cancel();

    private void Wait(TimeSpan? timeout)
    {
        // AsyncWaitHandle waits without throwing for a faulted or cancelled task (Task.Wait would wrap it).
        if (!((IAsyncResult)_completion.Task).AsyncWaitHandle.WaitOne(timeout ?? System.Threading.Timeout.InfiniteTimeSpan))
        {
            throw new TimeoutException($"The call did not finish within {timeout}.");
        }
    }
}
