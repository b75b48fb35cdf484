using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace ParallelGen.Diagnostics;

/// <summary>
/// ParallelGen's instruments. Every recording site checks <see cref="Instrument.Enabled"/> (or the activity source's
/// listeners) first, so a process nobody observes pays a field read per call, batch or worker event — nothing per item.
/// </summary>
internal static class Telemetry
{
    private static readonly string? s_version = typeof(Telemetry).Assembly.GetName().Version?.ToString();

    internal static readonly Meter Meter = new(ParallelGenDiagnostics.Name, s_version);

    internal static readonly ActivitySource Source = new(ParallelGenDiagnostics.Name, s_version);

    internal static readonly Counter<long> ItemsCompleted = Meter.CreateCounter<long>(
        "parallelgen.items.completed", "{item}", "Items whose body finished.");

    internal static readonly Counter<long> ItemsFailed = Meter.CreateCounter<long>(
        "parallelgen.items.failed", "{item}", "Items whose body threw (the first failure of each call).");

    internal static readonly UpDownCounter<long> ItemsInFlight = Meter.CreateUpDownCounter<long>(
        "parallelgen.items.in_flight", "{item}", "Items of running parallel calls that have not finished (queued or running).");

    internal static readonly Counter<long> Calls = Meter.CreateCounter<long>(
        "parallelgen.calls", "{call}", "Parallel calls started.");

    internal static readonly Histogram<double> CallDuration = Meter.CreateHistogram<double>(
        "parallelgen.call.duration", "s", "Wall time of one parallel call.");

    internal static readonly Histogram<int> BatchSize = Meter.CreateHistogram<int>(
        "parallelgen.batch.size", "{item}", "Items per batch sent to a worker process.");

    internal static readonly Histogram<double> ItemDuration = Meter.CreateHistogram<double>(
        "parallelgen.item.duration", "s", "Per-item time on worker processes: a batch's round trip divided by its items.");

    internal static readonly Counter<long> WorkersStarted = Meter.CreateCounter<long>(
        "parallelgen.workers.started", "{process}", "Worker processes started.");

    internal static readonly Counter<long> WorkersCrashed = Meter.CreateCounter<long>(
        "parallelgen.workers.crashed", "{process}", "Worker processes that died on their own (crash, out of memory, killed from outside).");

    internal static readonly Counter<long> WorkersRecycled = Meter.CreateCounter<long>(
        "parallelgen.workers.recycled", "{process}", "Worker processes ParallelGen retired (memory ceiling, item timeout, cancellation, idle, shutdown).");

    internal static readonly Counter<long> BytesSent = Meter.CreateCounter<long>(
        "parallelgen.bytes.sent", "By", "Bytes of call frames sent to worker processes.");

    internal static readonly Counter<long> BytesReceived = Meter.CreateCounter<long>(
        "parallelgen.bytes.received", "By", "Bytes of result, error and output frames received from worker processes.");
}

/// <summary>What the call's activity and metrics are tagged with.</summary>
/// <param name="Method">The parallelized method (its remote id, or the generated body's method name), if known.</param>
/// <param name="BackendName">The backend running the call.</param>
/// <param name="Jobs">The requested jobs.</param>
/// <param name="Workers">The workers the backend uses.</param>
internal readonly record struct CallDescription(string? Method, string? BackendName, int Jobs, int Workers);
