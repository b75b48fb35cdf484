using System;

namespace ParallelGen;

/// <summary>A progress report of a parallel call, sent to <see cref="ParallelizeOptions.Progress"/>.</summary>
/// <param name="Completed">How many items have finished.</param>
/// <param name="Total">How many items the call has in all.</param>
/// <param name="Elapsed">Time since the call started.</param>
/// <param name="EstimatedRemaining">
/// An estimate of the time left, extrapolated from the items finished so far (zero when all are done).
/// </param>
public readonly record struct ParallelProgress(int Completed, int Total, TimeSpan Elapsed, TimeSpan EstimatedRemaining)
{
    /// <summary>The finished fraction, from 0 to 1 (1 for an empty call).</summary>
    public double Fraction => Total == 0 ? 1.0 : (double)Completed / Total;
}
