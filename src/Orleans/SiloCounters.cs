using System.Diagnostics.Metrics;
using System.Threading;

namespace ParallelGen.Orleans;

/// <summary>
/// What a silo process counts about the calls it receives, for tests and the benchmark (<see cref="ISlotGrain.Counters"/>):
/// the slot batches it ran and the messages its gateway received from clients (Orleans' <c>orleans-gateway-received</c>
/// counter). A batch that reached its slot's silo through that silo's own gateway is counted by both; one that arrived
/// through another silo's gateway (which forwards it, a hop) is counted as a batch here and as a received message there.
/// </summary>
internal static class SiloCounters
{
    private static long s_batches;
    private static long s_clientMessages = -1;

    /// <summary>Slot batches this process has run (repeated requests for a batch are not counted again).</summary>
    internal static long Batches => Interlocked.Read(ref s_batches);

    /// <summary>Messages this silo's gateway received from clients, or -1 when not counted (a silo not started by <see cref="SiloHost"/>).</summary>
    internal static long ClientMessages => Interlocked.Read(ref s_clientMessages);

    internal static void BatchStarted() => Interlocked.Increment(ref s_batches);

    /// <summary>Starts counting the gateway's received messages (once per process, before the silo starts).</summary>
    internal static void CountGatewayMessages()
    {
        if (Interlocked.CompareExchange(ref s_clientMessages, 0, -1) != -1)
        {
            return;
        }

        var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Name == "orleans-gateway-received")
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<int>((_, value, _, _) => Interlocked.Add(ref s_clientMessages, value));
        listener.SetMeasurementEventCallback<long>((_, value, _, _) => Interlocked.Add(ref s_clientMessages, value));
        listener.Start(); // a started listener stays referenced by System.Diagnostics.Metrics
    }
}
