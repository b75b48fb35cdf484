namespace ParallelGen.Tests;

/// <summary>Counts how many calls are inside a region at once, from inside the calls (no wall-clock thresholds).</summary>
internal sealed class OverlapCounter
{
    private int _current;
    private int _max;

    public int Max => Volatile.Read(ref _max);

    public Scope Enter()
    {
        int now = Interlocked.Increment(ref _current);
        int seen;
        while (now > (seen = Volatile.Read(ref _max)) && Interlocked.CompareExchange(ref _max, now, seen) != seen)
        {
        }

        return new Scope(this);
    }

    public readonly struct Scope(OverlapCounter owner) : IDisposable
    {
        public void Dispose() => Interlocked.Decrement(ref owner._current);
    }
}

/// <summary>An IProgress that records reports synchronously (Progress&lt;T&gt; posts them asynchronously).</summary>
internal sealed class RecordingProgress<T> : IProgress<T>
{
    private readonly List<T> _reports = [];

    public IReadOnlyList<T> Reports
    {
        get
        {
            lock (_reports)
            {
                return [.. _reports];
            }
        }
    }

    public void Report(T value)
    {
        lock (_reports)
        {
            _reports.Add(value);
        }
    }
}
