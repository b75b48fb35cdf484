using System;
using System.Linq;
using System.Threading.Tasks;
using global::Orleans;
using global::Orleans.Placement;
using global::Orleans.Runtime;
using global::Orleans.Runtime.Placement;

namespace ParallelGen.Orleans;

/// <summary>Places a slot grain on the silo the driver meant it for (<see cref="SlotPlacementDirector"/>).</summary>
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
/// A slot goes to the silo the driver meant it for (<see cref="TargetSiloKey"/> in the activating call's request
/// context: the driver gives every silo that joins its own slots, <see cref="SlotPool"/>), waiting up to 5 s for this
/// silo to learn of it (its membership and manifest may lag the driver's). When that silo is still unknown, or the target
/// is empty, slot <c>k</c> goes
/// to the <c>k mod n</c>-th compatible silo in address order; the driver sees where it landed
/// (<see cref="ISlotGrain.Locate"/>) and asks again with a fresh slot. Silos the driver knows are lost
/// (<see cref="LostSilosKey"/>: the membership may not have caught up yet) are left out.
/// <para>
/// The target <see cref="ArrivalTarget"/> (the driver's gateway probes, <see cref="ClusterTarget"/>), and no target at all
/// (a slot activated again by a batch after Orleans deactivated it), place the slot on the silo that received the call:
/// a call from a client is placed by the gateway silo it arrived at, and the client sends every call of one grain
/// through the same gateway (ClientMessagingOptions.ClientSenderBuckets), so that slot's calls are never forwarded by
/// another silo.
/// </para>
/// </summary>
internal sealed class SlotPlacementDirector : IPlacementDirector
{
    /// <summary>The request context key of the lost silos: addresses or address prefixes, separated by ';'.</summary>
    internal const string LostSilosKey = "parallelgen.lost-silos";

    /// <summary>The request context key of the silo (its address) the activated slot is meant for.</summary>
    internal const string TargetSiloKey = "parallelgen.slot-silo";

    /// <summary>The <see cref="TargetSiloKey"/> value that places the slot on the silo that received the call.</summary>
    internal const string ArrivalTarget = "@arrival";

    /// <summary>
    /// How long placement waits for the silo a slot is meant for to become known here: the driver learns that a silo
    /// joined from the silo itself, and this silo learns it from the membership and then fetches its manifest.
    /// </summary>
    private static readonly TimeSpan TargetWait = TimeSpan.FromSeconds(5);

    public async Task<SiloAddress> OnAddActivation(PlacementStrategy strategy, PlacementTarget target, IPlacementContext context)
    {
        SiloAddress[] compatible = context.GetCompatibleSilos(target);
        string[] lost = target.RequestContextData?.TryGetValue(LostSilosKey, out object? hint) == true && hint is string text
            ? text.Split(';', StringSplitOptions.RemoveEmptyEntries)
            : [];
        object? wanted = null;
        bool targeted = target.RequestContextData?.TryGetValue(TargetSiloKey, out wanted) == true;
        if ((!targeted || wanted is ArrivalTarget) && context.LocalSiloStatus == SiloStatus.Active
            && Array.IndexOf(compatible, context.LocalSilo) >= 0
            && !lost.Any(l => context.LocalSilo.ToString().StartsWith(l, StringComparison.Ordinal)))
        {
            return context.LocalSilo;
        }

        if (wanted is string { Length: > 0 } silo && silo != ArrivalTarget
            && !lost.Any(l => silo.StartsWith(l, StringComparison.Ordinal)))
        {
            long deadline = Environment.TickCount64 + (long)TargetWait.TotalMilliseconds;
            while (true)
            {
                foreach (SiloAddress candidate in compatible)
                {
                    if (string.Equals(candidate.ToString(), silo, StringComparison.Ordinal))
                    {
                        return candidate;
                    }
                }

                if (Environment.TickCount64 >= deadline)
                {
                    break; // placed elsewhere; the driver sees it and asks for a fresh slot
                }

                await Task.Delay(50).ConfigureAwait(false);
                compatible = context.GetCompatibleSilos(target);
            }
        }

        SiloAddress[] ordered = [.. compatible.OrderBy(s => s.ToString(), StringComparer.Ordinal)];
        SiloAddress[] live = [.. ordered.Where(s => !lost.Any(l => s.ToString().StartsWith(l, StringComparison.Ordinal)))];
        SiloAddress[] silos = live.Length > 0 ? live : ordered;
        long key = target.GrainIdentity.GetIntegerKey();
        return silos[(int)(Math.Abs(key) % silos.Length)];
    }
}
