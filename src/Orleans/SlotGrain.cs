using System;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using global::Orleans;
using global::Orleans.Placement;
using global::Orleans.Runtime;
using global::Orleans.Runtime.Placement;

namespace ParallelGen.Orleans;

/// <summary>
/// One slot of the cluster's capacity: runs one batch at a time (an ordinary, non-reentrant grain). Slot <c>k</c> is
/// placed on the <c>k mod n</c>-th of the <c>n</c> active silos (<see cref="SlotPlacementDirector"/>), so that a call's
/// slots spread over every silo; stateless workers would stay on the silo that receives the call (orleans#9383).
/// </summary>
internal interface ISlotGrain : IGrainWithIntegerKey
{
    /// <summary>
    /// Runs a batch of the method <paramref name="methodId"/> (declared in <paramref name="assemblyName"/>) over the
    /// MessagePack-serialized <paramref name="items"/>, and returns a <see cref="SlotReply"/> payload: the results, or
    /// the first exception with its position in the batch. User exceptions never escape as Orleans exceptions.
    /// </summary>
    Task<byte[]> RunBatch(string methodId, string assemblyName, byte[] items, CancellationToken cancellationToken);

    /// <summary>Where this slot lives: "processId address" of its silo (activates the slot).</summary>
    Task<string> Locate();
}

/// <summary>The silo side of a slot: the batch runs on a thread-pool thread, off the grain's scheduler.</summary>
[SlotPlacement]
internal sealed class SlotGrain(ILocalSiloDetails silo) : Grain, ISlotGrain
{
    public Task<byte[]> RunBatch(string methodId, string assemblyName, byte[] items, CancellationToken cancellationToken) =>
        Task.Run(() => SiloExecutor.Run(methodId, assemblyName, items, cancellationToken), CancellationToken.None);

    public Task<string> Locate() => Task.FromResult(System.FormattableString.Invariant($"{Environment.ProcessId} {silo.SiloAddress}"));
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

/// <summary>Slot <c>k</c> goes to the <c>k mod n</c>-th active silo, in address order.</summary>
internal sealed class SlotPlacementDirector : IPlacementDirector
{
    public Task<SiloAddress> OnAddActivation(PlacementStrategy strategy, PlacementTarget target, IPlacementContext context)
    {
        SiloAddress[] silos = [.. context.GetCompatibleSilos(target).OrderBy(s => s.ToString(), StringComparer.Ordinal)];
        long key = target.GrainIdentity.GetIntegerKey();
        return Task.FromResult(silos[(int)(Math.Abs(key) % silos.Length)]);
    }
}
