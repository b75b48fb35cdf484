using System;
using System.Collections.Generic;
using System.Threading;

namespace ParallelGen;

// Python 3.14's executor.map(fn, iterable, buffersize=n): a lazy map that keeps a bounded number of calls ahead of the
// consumer, so an endless input (or one larger than memory) can be mapped.
public sealed partial class ParallelExecutor
{
    /// <summary>
    /// Python 3.14's <c>executor.map(fn, items, buffersize=n)</c> (named apart from the eager <c>Map</c>): a lazy map. It submits the first
    /// <paramref name="bufferSize"/> items, and one more each time a result is taken, so at most
    /// <paramref name="bufferSize"/> + 1 calls are pending and an endless <paramref name="items"/> never fills memory.
    /// Results come in input order; a failed call rethrows its exception when its result is reached. Stopping the
    /// enumeration early withdraws the calls that have not started.
    /// </summary>
    /// <typeparam name="T">The item type.</typeparam>
    /// <typeparam name="TResult">The result type.</typeparam>
    /// <param name="function">The function (threads only; on other backends pass a generated <c>…Parallel</c> method).</param>
    /// <param name="items">The items, read as the results are taken.</param>
    /// <param name="bufferSize">How many calls to keep submitted ahead of the consumer, at least 1.</param>
    /// <param name="timeout">A limit counted from this call: <see cref="TimeoutException"/> when a result is not ready by then; <see langword="null"/>: none.</param>
    /// <returns>The results, lazily, in input order.</returns>
    public IEnumerable<TResult> MapBuffered<T, TResult>(Func<T, TResult> function, IEnumerable<T> items, int bufferSize, TimeSpan? timeout)
    {
        ArgumentNullException.ThrowIfNull(function);
        return Buffered(item => Submit(function, item), items, bufferSize, timeout);
    }

    /// <summary>
    /// The lazy, bounded map of <see cref="MapBuffered{T, TResult}(Func{T, TResult}, IEnumerable{T}, int, TimeSpan?)"/> for a
    /// generated <c>MethodParallel</c>, on the executor's backend (each item is one call, as with <c>Submit</c>).
    /// </summary>
    /// <typeparam name="T">The item type.</typeparam>
    /// <typeparam name="TResult">The result type.</typeparam>
    /// <param name="parallelMethod">The generated <c>…Parallel(items, options, cancellationToken)</c> method.</param>
    /// <param name="items">The items, read as the results are taken.</param>
    /// <param name="bufferSize">How many calls to keep submitted ahead of the consumer, at least 1.</param>
    /// <param name="timeout">A limit counted from this call; <see langword="null"/>: none.</param>
    /// <returns>The results, lazily, in input order.</returns>
    public IEnumerable<TResult> MapBuffered<T, TResult>(Func<IEnumerable<T>, ParallelizeOptions?, CancellationToken, TResult[]> parallelMethod, IEnumerable<T> items, int bufferSize, TimeSpan? timeout)
    {
        ArgumentNullException.ThrowIfNull(parallelMethod);
        return Buffered(item => Submit(parallelMethod, item), items, bufferSize, timeout);
    }

    private IEnumerable<TResult> Buffered<T, TResult>(Func<T, Future<TResult>> submit, IEnumerable<T> items, int bufferSize, TimeSpan? timeout)
    {
        ArgumentNullException.ThrowIfNull(items);
        ArgumentOutOfRangeException.ThrowIfLessThan(bufferSize, 1);
        ThrowIfUnusable();
        long deadline = timeout is { } t ? Environment.TickCount64 + (long)Math.Ceiling(t.TotalMilliseconds) : long.MaxValue;
        return Iterate(submit, items, bufferSize, deadline);
    }

    private static IEnumerable<TResult> Iterate<T, TResult>(Func<T, Future<TResult>> submit, IEnumerable<T> items, int bufferSize, long deadline)
    {
        var pending = new Queue<Future<TResult>>(bufferSize + 1);
        using IEnumerator<T> source = items.GetEnumerator();
        try
        {
            while (pending.Count < bufferSize && source.MoveNext())
            {
                pending.Enqueue(submit(source.Current));
            }

            while (pending.TryDequeue(out Future<TResult>? oldest))
            {
                // As CPython: the next call is submitted before waiting for the oldest one.
                if (source.MoveNext())
                {
                    pending.Enqueue(submit(source.Current));
                }

                yield return oldest.Result(deadline == long.MaxValue ? null : TimeSpan.FromMilliseconds(Math.Max(0, deadline - Environment.TickCount64)));
            }
        }
        finally
        {
            foreach (Future<TResult> f in pending)
            {
                f.Cancel();
            }
        }
    }
}
