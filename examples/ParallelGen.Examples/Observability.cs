using System;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Linq;
using System.Threading;
using ParallelGen.Diagnostics;

namespace ParallelGen.Examples;

/// <summary>
/// 9. Observability: ParallelGen publishes a <c>ParallelGen</c> meter and activity source. This scenario listens with
/// a <see cref="MeterListener"/> (what dotnet-counters and OpenTelemetry do for you) and prints a live line while a
/// call runs, then a summary. See docs/observability.md.
/// </summary>
internal static partial class Observability
{
    internal static int SleepMilliseconds = 10;

    [Parallelize(Jobs = 4)]
    internal static int Slow(int x)
    {
        Thread.Sleep(SleepMilliseconds);
        return x;
    }

    [Parallelize(Jobs = 2, Backend = Backend.Processes)]
    internal static long Cube(long x) => x * x * x;
}

internal sealed class ObservabilityScenario : IScenario
{
    public string Name => "observability";

    public string Title => "Observability: the ParallelGen meter and activity source, read live";

    public void Run(TourSettings settings)
    {
        Observability.SleepMilliseconds = settings.Quick ? 5 : 10;
        int items = settings.Quick ? 80 : 400;
        var totals = new ConcurrentDictionary<string, double>();
        var counts = new ConcurrentDictionary<string, int>();
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == ParallelGenDiagnostics.Name)
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        void Record(Instrument instrument, double value)
        {
            totals.AddOrUpdate(instrument.Name, value, (_, v) => v + value);
            counts.AddOrUpdate(instrument.Name, 1, (_, c) => c + 1);
        }

        listener.SetMeasurementEventCallback<long>((i, v, _, _) => Record(i, v));
        listener.SetMeasurementEventCallback<int>((i, v, _, _) => Record(i, v));
        listener.SetMeasurementEventCallback<double>((i, v, _, _) => Record(i, v));
        listener.Start();

        var activities = new ConcurrentQueue<Activity>();
        using var tracer = new ActivityListener
        {
            ShouldListenTo = s => s.Name == ParallelGenDiagnostics.Name,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activities.Enqueue,
        };
        ActivitySource.AddActivityListener(tracer);

        double Total(string name) => totals.TryGetValue(name, out double v) ? v : 0;
        Tour.Code($"Observability.SlowParallel(Enumerable.Range(0, {items}))  // Jobs = 4, {Observability.SleepMilliseconds} ms per item");
        using (var ticker = new Timer(_ => Tour.Say(
            $"  live: {Total("parallelgen.items.completed"),5:0} completed, {Total("parallelgen.items.in_flight"),4:0} in flight"),
            null, TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(100)))
        {
            Observability.SlowParallel(Enumerable.Range(0, items));
        }

        Tour.Code("Observability.CubeParallel(Enumerable.Range(0, 40), BatchSize = 10)  // Backend.Processes");
        Observability.CubeParallel(Enumerable.Range(0, 40).Select(i => (long)i), new ParallelizeOptions { BatchSize = 10 });

        Tour.Say("summary from the meter:");
        foreach (string name in totals.Keys.Order(StringComparer.Ordinal))
        {
            string shown = name.EndsWith("duration", StringComparison.Ordinal)
                ? $"{counts[name]} recorded, mean {Total(name) / counts[name] * 1000:0.###} ms"
                : name == "parallelgen.batch.size"
                    ? $"{counts[name]} batches, {Total(name):0} items"
                    : $"{Total(name):0}";
            Tour.Say($"  {name,-30} {shown}");
        }

        Activity[] calls = activities.Where(a => a.OperationName == ParallelGenDiagnostics.CallActivityName).ToArray();
        int batches = activities.Count(a => a.OperationName == ParallelGenDiagnostics.BatchActivityName);
        Tour.Say($"traces: {calls.Length} call activities ({string.Join(", ", calls.Select(c => $"{c.GetTagItem("parallelgen.method")} on {c.GetTagItem("parallelgen.backend")}, {c.Duration.TotalMilliseconds:0} ms"))}), {batches} batch activities under the process call");
    }
}
