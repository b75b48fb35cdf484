using System;
using System.Collections;
using System.Collections.Generic;
using System.Threading;
using ParallelGen.Internal;

namespace ParallelGen;

/// <summary>
/// One result of an unordered stream (<c>NameParallelUnordered</c>, <see cref="ParallelJobs.Unordered{TResult}"/>):
/// the position of its item in the input and the result.
/// </summary>
/// <typeparam name="TResult">The result type.</typeparam>
/// <param name="Index">The item's position in the input (0-based).</param>
/// <param name="Value">The result.</param>
public readonly record struct ParallelResult<TResult>(long Index, TResult Value);

/// <summary>
/// joblib's <c>return_as="generator"</c> / <c>"generator_unordered"</c>: the results of a parallel call handed out as
/// they are done, enumerable once, with <see langword="foreach"/> or <see langword="await foreach"/>. Nothing runs until
/// it is enumerated; then the input is read lazily, at most <see cref="ParallelizeOptions.PreDispatch"/> items ahead of
/// the results handed out, and the stream holds only the results not yet consumed.
/// </summary>
/// <remarks>
/// <para>
/// Ordered streams (<c>NameParallelStream</c>) hand out each result as soon as it and all before it are done;
/// unordered ones (<c>NameParallelUnordered</c>) hand out results in completion order with their input index.
/// </para>
/// <para>
/// Leaving the loop early (<see langword="break"/>, an exception, disposing the enumerator) or cancelling the token
/// stops the call: no further items start, the token the running items received is cancelled (out-of-process backends
/// stop their running items the way a cancelled call does), and disposing returns once they have returned. A failing
/// item ends the stream with its exception (original type, <see cref="ParallelExceptionExtensions.GetParallelItemIndex"/>
/// its position in the input) after the results before it; an exception thrown by the input's enumerator ends it with
/// that exception after the results of the items read before it.
/// </para>
/// </remarks>
/// <para>
/// It is an <see cref="IEnumerable{T}"/> (LINQ works on it) and has <see cref="GetAsyncEnumerator"/>, which
/// <see langword="await foreach"/> uses; it does not implement <see cref="IAsyncEnumerable{T}"/> itself, which would make
/// every LINQ call on it ambiguous between <c>Enumerable</c> and <c>AsyncEnumerable</c>. <see cref="AsAsyncEnumerable"/>
/// gives that view (for <c>WithCancellation</c> or async LINQ).
/// </para>
/// <typeparam name="T">The element type: the result, a <see cref="ParallelResult{TResult}"/>, or for methods without a
/// result the index of the finished item.</typeparam>
public sealed class ParallelStream<T> : IEnumerable<T>
{
    private readonly Func<CancellationToken, StreamEngine<T>> _start;
    private int _started;

    internal ParallelStream(Func<CancellationToken, StreamEngine<T>> start) => _start = start;

    /// <summary>Starts the call and returns its results as they are done.</summary>
    /// <returns>The enumerator; dispose it (<see langword="foreach"/> does) to stop the call early.</returns>
    /// <exception cref="InvalidOperationException">The stream was already enumerated.</exception>
    public IEnumerator<T> GetEnumerator() => Start(default);

    /// <summary>Starts the call and returns its results as they are done, without blocking a thread while waiting.</summary>
    /// <param name="cancellationToken">Stops the call, like the token passed to the method.</param>
    /// <returns>The enumerator; dispose it (<see langword="await foreach"/> does) to stop the call early.</returns>
    /// <exception cref="InvalidOperationException">The stream was already enumerated.</exception>
    public IAsyncEnumerator<T> GetAsyncEnumerator(CancellationToken cancellationToken = default) => Start(cancellationToken);

    /// <summary>The stream as an <see cref="IAsyncEnumerable{T}"/> (same single run), for async LINQ or <c>WithCancellation</c>.</summary>
    /// <returns>An asynchronous view of this stream.</returns>
    public IAsyncEnumerable<T> AsAsyncEnumerable() => new AsyncView(this);

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    private sealed class AsyncView(ParallelStream<T> stream) : IAsyncEnumerable<T>
    {
        public IAsyncEnumerator<T> GetAsyncEnumerator(CancellationToken cancellationToken = default) => stream.GetAsyncEnumerator(cancellationToken);
    }

    private StreamEngine<T> Start(CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _started, 1) != 0)
        {
            throw new InvalidOperationException(
                "A ParallelStream runs its call once and can be enumerated once; call the parallel method again for another run.");
        }

        return _start(cancellationToken);
    }
}
