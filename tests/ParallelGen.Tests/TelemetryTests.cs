using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using ParallelGen.Diagnostics;

namespace ParallelGen.Tests;

public static partial class TelemetryTargets
{
    [Parallelize(Jobs = 2)]
    public static int Triple(int x) => x * 3;

    [Parallelize(Jobs = 2, BatchSize = 1)]
    public static int FailOnThree(int x) => x == 3 ? throw new InvalidOperationException("three") : x;
}

/// <summary>
/// The ParallelGen meter and activity source, observed with <see cref="MeterListener"/> and
/// <see cref="ActivityListener"/>. In the process collection (run alone), so no other test's calls are counted.
/// </summary>
[Collection(nameof(ProcessCollection))]
public sealed class TelemetryTests
{
    [Fact]
    public void Thread_calls_count_completed_failed_and_in_flight_items()
    {
        using var meter = new MeterCapture();
        Assert.Equal([3, 6, 9], TelemetryTargets.TripleParallel([1, 2, 3]));
        Assert.Throws<InvalidOperationException>(() => TelemetryTargets.FailOnThreeParallel([1, 2, 3, 4, 5]));

        Assert.Equal(2, meter.Sum("parallelgen.calls"));
        Assert.InRange(meter.Sum("parallelgen.items.completed"), 3 + 2, 3 + 4); // the failing call stops early
        Assert.Equal(1, meter.Sum("parallelgen.items.failed"));
        Assert.Equal(0, meter.Sum("parallelgen.items.in_flight")); // +items at the start, back to zero at the end
        Assert.Equal(2, meter.Count("parallelgen.call.duration"));
        Assert.Equal(0, meter.Count("parallelgen.batch.size")); // batches are a remote-backend measure
    }

    [Fact]
    public void Thread_call_has_one_activity_with_method_backend_jobs_and_items()
    {
        using var traces = new ActivityCapture();
        using (var parent = new Activity("test-parent").Start())
        {
            TelemetryTargets.TripleParallel([1, 2, 3, 4]);
            Assert.Same(parent, Activity.Current); // the call's activity does not leak into the caller's context

            Activity call = Assert.Single(traces.Stopped, a => a.OperationName == ParallelGenDiagnostics.CallActivityName);
            Assert.Equal(parent.TraceId, call.TraceId);
            Assert.Equal(parent.SpanId, call.ParentSpanId);
            Assert.Equal("ParallelGen.Tests.TelemetryTargets.Triple", call.GetTagItem("parallelgen.method"));
            Assert.Equal("Threads", call.GetTagItem("parallelgen.backend"));
            Assert.Equal(2, call.GetTagItem("parallelgen.jobs"));
            Assert.Equal(4, call.GetTagItem("parallelgen.items"));
            Assert.Equal(4, call.GetTagItem("parallelgen.completed"));
            Assert.Equal(ActivityStatusCode.Unset, call.Status);
        }

        Assert.Throws<InvalidOperationException>(() => TelemetryTargets.FailOnThreeParallel([1, 2, 3]));
        Assert.Contains(traces.Stopped, a => a.OperationName == ParallelGenDiagnostics.CallActivityName && a.Status == ActivityStatusCode.Error);
    }

    [Fact]
    public async Task Async_call_activity_ends_when_the_task_does()
    {
        using var traces = new ActivityCapture();
        await TelemetryTargets.TripleParallelAsync([1, 2]);
        Activity call = Assert.Single(traces.Stopped, a => a.OperationName == ParallelGenDiagnostics.CallActivityName);
        Assert.Equal(2, call.GetTagItem("parallelgen.completed"));
    }

    [Fact]
    public void Process_calls_have_batch_children_and_count_batches_bytes_and_workers()
    {
        using var meter = new MeterCapture();
        using var traces = new ActivityCapture();
        long[] squares = Remote.SquareParallel(Enumerable.Range(0, 20).Select(i => (long)i), new ParallelizeOptions { BatchSize = 5 });
        Assert.Equal(Enumerable.Range(0, 20).Select(i => (long)i * i), squares);

        Activity call = Assert.Single(traces.Stopped, a => a.OperationName == ParallelGenDiagnostics.CallActivityName);
        Assert.Equal("Processes", call.GetTagItem("parallelgen.backend"));
        Activity[] batches = traces.Stopped.Where(a => a.OperationName == ParallelGenDiagnostics.BatchActivityName).ToArray();
        Assert.Equal(4, batches.Length);
        Assert.All(batches, b =>
        {
            Assert.Equal(call.TraceId, b.TraceId);
            Assert.Equal(call.SpanId, b.ParentSpanId);
            Assert.Equal(5, b.GetTagItem("parallelgen.batch.items"));
            Assert.NotEqual(Environment.ProcessId, b.GetTagItem("parallelgen.worker.pid"));
        });

        Assert.Equal(20, meter.Sum("parallelgen.items.completed"));
        Assert.Equal(4, meter.Count("parallelgen.batch.size"));
        Assert.Equal(20, meter.Sum("parallelgen.batch.size"));
        Assert.Equal(4, meter.Count("parallelgen.item.duration"));
        Assert.True(meter.Sum("parallelgen.bytes.sent") > 0);
        Assert.True(meter.Sum("parallelgen.bytes.received") > 0);
        Assert.Equal(0, meter.Sum("parallelgen.items.in_flight"));
    }

    [Fact]
    public void Nobody_listening_records_nothing_and_starts_no_activity()
    {
        var seen = new ConcurrentBag<string>();
        using (var listener = new MeterListener())
        {
            // Subscribed to another meter only: ParallelGen's instruments stay disabled.
            listener.InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == "not-ParallelGen")
                {
                    l.EnableMeasurementEvents(instrument);
                }
            };
            listener.SetMeasurementEventCallback<long>((instrument, _, _, _) => seen.Add(instrument.Name));
            listener.Start();
            TelemetryTargets.TripleParallel([1, 2, 3]);
        }

        Assert.Empty(seen);
        Assert.Null(Activity.Current);
    }

    private sealed class MeterCapture : IDisposable
    {
        private readonly MeterListener _listener = new();
        private readonly ConcurrentQueue<(string Name, double Value)> _measurements = new();

        public MeterCapture()
        {
            _listener.InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == ParallelGenDiagnostics.Name)
                {
                    l.EnableMeasurementEvents(instrument);
                }
            };
            _listener.SetMeasurementEventCallback<long>((i, v, _, _) => _measurements.Enqueue((i.Name, v)));
            _listener.SetMeasurementEventCallback<int>((i, v, _, _) => _measurements.Enqueue((i.Name, v)));
            _listener.SetMeasurementEventCallback<double>((i, v, _, _) => _measurements.Enqueue((i.Name, v)));
            _listener.Start();
        }

        public double Sum(string name) => _measurements.Where(m => m.Name == name).Sum(m => m.Value);

        public int Count(string name) => _measurements.Count(m => m.Name == name);

        public void Dispose() => _listener.Dispose();
    }

    private sealed class ActivityCapture : IDisposable
    {
        private readonly ActivityListener _listener;
        private readonly ConcurrentQueue<Activity> _stopped = new();

        public ActivityCapture()
        {
            _listener = new ActivityListener
            {
                ShouldListenTo = s => s.Name == ParallelGenDiagnostics.Name,
                Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
                ActivityStopped = a => _stopped.Enqueue(a),
            };
            ActivitySource.AddActivityListener(_listener);
        }

        public IReadOnlyCollection<Activity> Stopped => _stopped.ToArray();

        public void Dispose() => _listener.Dispose();
    }
}
