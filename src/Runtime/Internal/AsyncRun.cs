using System;
using System.Threading;
using System.Threading.Tasks;

namespace ParallelGen.Internal;

/// <summary>
/// One parallel call of an asynchronous body: <c>workers</c> async loops, so at most that many calls are in flight.
/// Each loop starts on the thread pool, so a body's synchronous prefix never runs on the caller's thread.
/// </summary>
internal static class AsyncRun
{
    internal static async Task RunAsync<TBody>(
        TBody body, int count, int workers, RunSettings settings, ProgressTracker? progress, CancellationToken cancellationToken)
        where TBody : struct, IAsyncIndexBody
    {
        using CancellationTokenSource stop = cancellationToken.CanBeCanceled
            ? CancellationTokenSource.CreateLinkedTokenSource(cancellationToken)
            : new CancellationTokenSource();
        if (settings.Timeout is { } timeout)
        {
            stop.CancelAfter(timeout);
        }

        var state = new State(count, stop);
        var loops = new Task[workers];
        for (int i = 0; i < loops.Length; i++)
        {
            loops[i] = Task.Run(() => state.LoopAsync(body, progress));
        }

        await Task.WhenAll(loops).ConfigureAwait(false);

        Exception? failure = Outcome.GetFailure(
            state.Error, state.ErrorIndex, cancellationToken, stop.IsCancellationRequested, settings.Timeout, state.Completed, count);
        if (failure is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(failure);
        }
    }

    private sealed class State(int count, CancellationTokenSource stop)
    {
        private int _next = -1;
        private int _completed;
        private Exception? _error;

        internal Exception? Error => _error;

        internal int ErrorIndex { get; private set; } = -1;

        internal int Completed => Volatile.Read(ref _completed);

        internal async Task LoopAsync<TBody>(TBody body, ProgressTracker? progress)
            where TBody : struct, IAsyncIndexBody
        {
            ParallelContext.MarkAsyncFlow();
            CancellationToken token = stop.Token;
            int index = -1;
            try
            {
                while (!token.IsCancellationRequested && (index = Interlocked.Increment(ref _next)) < count)
                {
                    await body.ExecuteAsync(index, token).ConfigureAwait(false);
                    Interlocked.Increment(ref _completed);
                    progress?.Add(1);
                }
            }
            catch (Exception ex)
            {
                if (Interlocked.CompareExchange(ref _error, ex, null) is null)
                {
                    ErrorIndex = index;
                }

                try
                {
                    await stop.CancelAsync().ConfigureAwait(false);
                }
                catch (AggregateException)
                {
                    // A callback the user registered on the token threw; the body's exception is the one that matters.
                }
            }
        }
    }
}
