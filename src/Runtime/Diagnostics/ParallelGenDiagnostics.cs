using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace ParallelGen.Diagnostics;

/// <summary>
/// The names ParallelGen publishes its metrics and traces under: a <see cref="Meter"/> and an
/// <see cref="ActivitySource"/>, both called <c>ParallelGen</c>. Watch them with
/// <c>dotnet-counters monitor --counters ParallelGen</c>, a <see cref="MeterListener"/>/<see cref="ActivityListener"/>,
/// or OpenTelemetry (<c>AddMeter("ParallelGen")</c>, <c>AddSource("ParallelGen")</c>); see docs/observability.md.
/// Nothing is measured while nobody listens.
/// </summary>
public static class ParallelGenDiagnostics
{
    /// <summary>The name of ParallelGen's meter and activity source.</summary>
    public const string Name = "ParallelGen";

    /// <summary>The name of the activity of one parallel call.</summary>
    public const string CallActivityName = "ParallelGen.Call";

    /// <summary>The name of the activity of one batch sent to a worker process (a child of the call's activity).</summary>
    public const string BatchActivityName = "ParallelGen.Batch";

    /// <summary>The name of the activity a worker process runs a batch under (parented by the batch's activity).</summary>
    public const string WorkerBatchActivityName = "ParallelGen.WorkerBatch";
}
