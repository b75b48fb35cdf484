using System;
using System.Threading;

namespace ParallelGen.Internal;

/// <summary>Decides what a finished run throws.</summary>
internal static class Outcome
{
    /// <summary>
    /// The exception a run ends with, or <see langword="null"/> when it succeeded. A body's own exception wins; then
    /// the caller's cancellation; then the timeout. An <see cref="OperationCanceledException"/> counts as the body's own
    /// when it was thrown before the call was stopped (<paramref name="errorBeforeStop"/>); otherwise it is the body
    /// observing the stop, and the reason for the stop is reported.
    /// </summary>
    internal static Exception? GetFailure(
        Exception? error, int errorIndex, CancellationToken userToken, bool stopped, TimeSpan? timeout, int completed, int total,
        bool errorBeforeStop = false)
    {
        if (error is not null && (error is not OperationCanceledException || errorBeforeStop))
        {
            ParallelExceptionExtensions.SetParallelItemIndex(error, errorIndex);
            return error;
        }

        if (userToken.IsCancellationRequested)
        {
            return new OperationCanceledException(
                "The parallel call was cancelled; items not yet started were skipped.", error, userToken);
        }

        if (stopped && timeout is { } t && error is null or OperationCanceledException)
        {
            return new TimeoutException(
                $"The parallel call did not finish within {t}; {completed} of {total} items had completed.", error);
        }

        if (error is not null)
        {
            ParallelExceptionExtensions.SetParallelItemIndex(error, errorIndex);
        }

        return error;
    }
}
