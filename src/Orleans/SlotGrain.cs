using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using global::Orleans;
using global::Orleans.Concurrency;
using global::Orleans.Placement;
using global::Orleans.Runtime;
using global::Orleans.Runtime.Placement;
using Payload = global::Orleans.Serialization.Buffers.PooledBuffer;

namespace ParallelGen.Orleans;

/// <summary>
/// One slot of the cluster's capacity: runs one batch at a time. A slot is placed on the gateway silo the driver's
/// client sends its calls through (round robin over the gateways as slots are first used), else slot <c>k</c> on the
/// <c>k mod n</c>-th of the <c>n</c> active silos (<see cref="SlotPlacementDirector"/>), so that a call's slots spread
/// over every silo; stateless workers would stay on the silo that receives the call (orleans#9383).
/// </summary>
internal interface ISlotGrain : IGrainWithIntegerKey
{
    /// <summary>
    /// Runs a batch of the method <paramref name="methodId"/> (declared in <paramref name="assemblyName"/>) over the
    /// MessagePack-serialized <paramref name="items"/>, and returns a <see cref="SlotReply"/> payload: the results, or
    /// the first exception with its position in the batch. User exceptions never escape as Orleans exceptions.
    /// A request for a <paramref name="batchId"/> this slot runs or ran recently gets that run's reply (the driver asks
    /// again when a silo its reply may have been routed through is lost); it does not run the batch again.
    /// <paramref name="items"/> is Orleans' pooled buffer: its codec reads a received payload into pooled segments (no
    /// new large array per batch on the silo, nor on a gateway silo that forwards the call) and returns the sender's
    /// segments to the pool once written, so each send needs a buffer of its own; the slot disposes it after the run.
    /// The reply is <see cref="Immutable{T}"/>: Orleans deep-copies a grain's result before sending it, and a reply is
    /// never changed once written.
    /// </summary>
    Task<Immutable<byte[]>> RunBatch(long batchId, string methodId, string assemblyName, Payload items, CancellationToken cancellationToken);

    /// <summary>
    /// What this slot knows of <paramref name="batchId"/>: <see cref="SlotBatchStatus.Unknown"/> (never received, or
    /// its reply is no longer kept), <see cref="SlotBatchStatus.Running"/> or <see cref="SlotBatchStatus.Done"/>.
    /// </summary>
    Task<int> Status(long batchId);

    /// <summary>Where this slot lives: "processId address" of its silo (activates the slot).</summary>
    Task<string> Locate();
}

/// <summary>
/// The silo side of a slot: batches run one at a time, on a thread-pool thread, off the grain's scheduler. The grain is
/// reentrant so that <see cref="ISlotGrain.Locate"/> and repeated requests for a running batch answer at once.
/// </summary>
[SlotPlacement]
[Reentrant]
internal sealed class SlotGrain(ILocalSiloDetails silo) : Grain, ISlotGrain
{
    /// <summary>How many finished batches' replies a slot keeps for repeated requests.</summary>
    private const int KeptReplies = 4;

    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly Dictionary<long, Task<Immutable<byte[]>>> _batches = [];
    private readonly Queue<long> _order = new();

    public Task<Immutable<byte[]>> RunBatch(long batchId, string methodId, string assemblyName, Payload items, CancellationToken cancellationToken)
    {
        if (_batches.TryGetValue(batchId, out Task<Immutable<byte[]>>? run))
        {
            items.Dispose();
            return run;
        }

        run = RunAsync(methodId, assemblyName, items, cancellationToken);
        _batches[batchId] = run;
        _order.Enqueue(batchId);
        while (_order.Count > KeptReplies && _batches[_order.Peek()].IsCompleted)
        {
            _batches.Remove(_order.Dequeue());
        }

        return run;
    }

    private async Task<Immutable<byte[]>> RunAsync(string methodId, string assemblyName, Payload items, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(CancellationToken.None).ConfigureAwait(true);
        try
        {
            byte[] reply = await Task.Run(() => SiloExecutor.Run(methodId, assemblyName, items.AsReadOnlySequence(), cancellationToken), CancellationToken.None).ConfigureAwait(true);
            return reply.AsImmutable();
        }
        finally
        {
            items.Dispose(); // the run has read every item (formatters copy what they keep)
            _gate.Release();
        }
    }

    public Task<int> Status(long batchId) => Task.FromResult(
        !_batches.TryGetValue(batchId, out Task<Immutable<byte[]>>? run) ? SlotBatchStatus.Unknown
        : run.IsCompleted ? SlotBatchStatus.Done
        : SlotBatchStatus.Running);

    public Task<string> Locate() => Task.FromResult(System.FormattableString.Invariant($"{Environment.ProcessId} {silo.SiloAddress}"));
}

/// <summary>The answers of <see cref="ISlotGrain.Status"/>.</summary>
internal static class SlotBatchStatus
{
    internal const int Unknown = 0;
    internal const int Running = 1;
    internal const int Done = 2;
}

/// <summary>Places slot grains round robin over the active silos, by their integer key.</summary>
[Serializable, GenerateSerializer, Immutable, SuppressReferenceTracking]
internal sealed class SlotPlacement : PlacementStrategy
{
    internal static readonly SlotPlacement Instance = new();
}

/// <summary>Marks a grain class as placed by <see cref="SlotPlacementDirector"/>.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false)]
internal sealed class SlotPlacementAttribute : PlacementAttribute
{
    public SlotPlacementAttribute()
        : base(SlotPlacement.Instance)
    {
    }
}

/// <summary>
/// A slot activated by the driver's call (its request context has <see cref="FromDriverKey"/>) goes to the silo that
/// received that call: the driver's Orleans client sends every call for a grain through the one gateway silo it picked
/// for the grain (round robin over the gateways, when the grain is first called), so the slot's calls then reach it
/// without a forwarding hop (measured: the forwarding silo spent nearly half of the silos' CPU per one-item call, and
/// two of its four network hops). Otherwise (or if that silo is known to be lost) slot <c>k</c> goes to the
/// <c>k mod n</c>-th active silo, in address order. Both leave out the silos the driver knows are lost (its request
/// context's <see cref="LostSilosKey"/>: the membership may not have caught up yet).
/// </summary>
internal sealed class SlotPlacementDirector : IPlacementDirector
{
    /// <summary>The request context key of the lost silos: addresses or address prefixes, separated by ';'.</summary>
    internal const string LostSilosKey = "parallelgen.lost-silos";

    /// <summary>The request context key the driver's calls to slots carry: place the slot on the silo receiving the call.</summary>
    internal const string FromDriverKey = "parallelgen.driver";

    public Task<SiloAddress> OnAddActivation(PlacementStrategy strategy, PlacementTarget target, IPlacementContext context)
    {
        SiloAddress[] compatible = [.. context.GetCompatibleSilos(target).OrderBy(s => s.ToString(), StringComparer.Ordinal)];
        string[] lost = target.RequestContextData?.TryGetValue(LostSilosKey, out object? hint) == true && hint is string text
            ? text.Split(';', StringSplitOptions.RemoveEmptyEntries)
            : [];
        SiloAddress[] live = [.. compatible.Where(s => !lost.Any(l => s.ToString().StartsWith(l, StringComparison.Ordinal)))];
        SiloAddress[] silos = live.Length > 0 ? live : compatible;
        if (target.RequestContextData?.ContainsKey(FromDriverKey) == true && live.Contains(context.LocalSilo))
        {
            return Task.FromResult(context.LocalSilo);
        }

        long key = target.GrainIdentity.GetIntegerKey();
        return Task.FromResult(silos[(int)(Math.Abs(key) % silos.Length)]);
    }
}
