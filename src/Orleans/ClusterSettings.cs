using System;
using global::Orleans.Configuration;
using global::Orleans.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace ParallelGen.Orleans;

/// <summary>
/// The Orleans settings silos and drivers share: fast failure detection (a killed silo is declared dead in a few
/// seconds instead of Orleans' default of about a minute) and the slot placement.
/// </summary>
internal static class ClusterSettings
{
    /// <summary>How long one batch may take before the driver gives up on its silo (Orleans' response timeout).</summary>
    internal static readonly TimeSpan ResponseTimeout = TimeSpan.FromMinutes(30);

    internal static void ConfigureSilo(ISiloBuilder silo)
    {
        silo.Configure<ClusterMembershipOptions>(o =>
        {
            o.ProbeTimeout = TimeSpan.FromSeconds(1);
            o.NumMissedProbesLimit = 2;
            o.NumProbedSilos = 2;
            o.NumVotesForDeathDeclaration = 1;
            o.TableRefreshTimeout = TimeSpan.FromSeconds(1);
            o.IAmAliveTablePublishTimeout = TimeSpan.FromSeconds(5);
        });
        silo.Configure<SiloMessagingOptions>(o => o.ResponseTimeout = ResponseTimeout);
        silo.Services.AddPlacementDirector<SlotPlacement, SlotPlacementDirector>();
    }

    internal static void ConfigureClient(IClientBuilder client)
    {
        client.Configure<ClientMessagingOptions>(o => o.ResponseTimeout = ResponseTimeout);
        client.Configure<GatewayOptions>(o => o.GatewayListRefreshPeriod = TimeSpan.FromSeconds(1));
    }
}
