using System;
using System.Threading;

namespace ParallelGen.Internal;

/// <summary>
/// joblib's automatic batching, for backends where every batch costs a round trip (the process backend): batches start at one item and grow (fast) while a batch
/// takes less than <see cref="MinIdealSeconds"/>, shrink when one takes more than <see cref="MaxIdealSeconds"/>,
/// and are capped by what remains divided by twice the workers, so that the end of a call is dealt out in small
/// batches and no worker straggles. A size is never above <see cref="MaxBatch"/>, bounding the items in flight.
/// </summary>
internal sealed class BatchSizer(int fixedSize, int workers)
{
    internal const double MinIdealSeconds = 0.05;
    internal const double MaxIdealSeconds = 1.0;
    internal const int MaxBatch = 1 << 16;

    private int _size = 1;

    internal int Next(long remaining)
    {
        if (fixedSize > 0)
        {
            return fixedSize;
        }

        long cap = Math.Max(1, remaining / (2L * workers));
        return (int)Math.Min(Volatile.Read(ref _size), cap);
    }

    internal void Record(int count, double seconds)
    {
        if (fixedSize > 0)
        {
            return;
        }

        int size = Volatile.Read(ref _size);
        if (count < size / 2)
        {
            // A capped batch at the end of a call says little about the right size.
            return;
        }

        int next = size;
        if (seconds < MinIdealSeconds)
        {
            double ideal = count * MinIdealSeconds / Math.Max(seconds, 1e-6);
            next = (int)Math.Min(Math.Min(ideal, size * 16.0), MaxBatch);
            next = Math.Max(next, size);
        }
        else if (seconds > MaxIdealSeconds)
        {
            next = Math.Max(1, size / 2);
        }

        Volatile.Write(ref _size, next);
    }
}
