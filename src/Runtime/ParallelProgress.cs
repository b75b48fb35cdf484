using System;

namespace ParallelGen;

/// <summary>A progress report of a parallel call or stream, sent to <see cref="ParallelizeOptions.Progress"/>.</summary>
/// <remarks>
/// A stream reports for the whole stream, not per window. Its total is known from the start when the input's count is
/// (a collection, <c>Enumerable.Range</c>, a <c>Select</c> over a list...); for other lazy input it is -1 until the input
/// has been read to the end (joblib prints <c>Done 10 tasks</c> then), and one more report with the total follows when
/// every item was already done at that moment.
/// </remarks>
/// <param name="Completed">How many items have finished (at most <see cref="int.MaxValue"/>).</param>
/// <param name="Total">How many items the call has in all, or -1 while a stream's lazy input has not been read to its end.</param>
/// <param name="Elapsed">Time since the call started (for a stream: since it was first enumerated).</param>
/// <param name="EstimatedRemaining">
/// An estimate of the time left, extrapolated from the items finished so far (zero when all are done;
/// <see cref="System.Threading.Timeout.InfiniteTimeSpan"/> while the total is not known).
/// </param>
public readonly record struct ParallelProgress(int Completed, int Total, TimeSpan Elapsed, TimeSpan EstimatedRemaining)
{
    /// <summary>The finished fraction, from 0 to 1 (1 for an empty call, 0 while the total is not known).</summary>
    public double Fraction => Total == 0 ? 1.0 : Total < 0 ? 0.0 : (double)Completed / Total;
}
