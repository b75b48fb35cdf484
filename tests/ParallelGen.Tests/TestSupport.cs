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

/// <summary>Operating systems a test can be limited to.</summary>
internal enum OperatingSystems
{
    Linux,
    Unix,
}

/// <summary>A fact that is reported as skipped, with its reason, on other operating systems (never a silent pass).</summary>
[AttributeUsage(AttributeTargets.Method)]
internal sealed class OnlyOnFactAttribute : FactAttribute
{
    private readonly OperatingSystems _systems;
    private readonly bool _runs;

    public OnlyOnFactAttribute(OperatingSystems systems)
    {
        _systems = systems;
        _runs = systems == OperatingSystems.Linux ? OperatingSystem.IsLinux() : !OperatingSystem.IsWindows();
        Reason = "";
    }

    /// <summary>Why the test is limited to those systems (the skip message).</summary>
    public string Reason
    {
        get => Skip ?? "";
        set => Skip = _runs ? null : $"Runs on {_systems} only. {value}";
    }
}
