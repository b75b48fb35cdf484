using System;
using System.Globalization;
using global::Orleans.Configuration;
using global::Orleans.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace ParallelGen.Orleans;

/// <summary>
/// The Orleans settings silos and drivers share: fast failure detection (a killed silo is declared dead in a few
/// seconds instead of Orleans' default of about a minute), the response timeout, and the slot placement. A silo reads
/// its probe settings and response timeout from environment variables (a <see cref="LocalCluster"/> sets them from
/// <see cref="LocalCluster.ProbeTimeout"/>, <see cref="LocalCluster.MissedProbesLimit"/> and
/// <see cref="ClusterTarget.ResponseTimeout"/>; docs/cluster.md lists them).
/// </summary>
internal static class ClusterSettings
{
    internal const string ProbeTimeoutVariable = "PARALLELGEN_PROBE_TIMEOUT_MS";
    internal const string MissedProbesVariable = "PARALLELGEN_MISSED_PROBES";
    internal const string ResponseTimeoutVariable = "PARALLELGEN_RESPONSE_TIMEOUT_S";

    internal static readonly TimeSpan DefaultProbeTimeout = TimeSpan.FromSeconds(1);
    internal const int DefaultMissedProbesLimit = 2;
    internal static readonly TimeSpan DefaultResponseTimeout = TimeSpan.FromMinutes(30);

    internal static void ConfigureSilo(ISiloBuilder silo)
    {
        TimeSpan probe = Read(ProbeTimeoutVariable) is { } ms && ms > 0 ? TimeSpan.FromMilliseconds(ms) : DefaultProbeTimeout;
        int missed = Read(MissedProbesVariable) is { } n && n > 0 ? (int)n : DefaultMissedProbesLimit;
        TimeSpan response = Read(ResponseTimeoutVariable) is { } s && s > 0 ? TimeSpan.FromSeconds(s) : DefaultResponseTimeout;
        silo.Configure<ClusterMembershipOptions>(o =>
        {
            o.ProbeTimeout = probe;
            o.NumMissedProbesLimit = missed;
            o.NumProbedSilos = 2;
            o.NumVotesForDeathDeclaration = 1;
            o.TableRefreshTimeout = TimeSpan.FromSeconds(1);
            o.IAmAliveTablePublishTimeout = TimeSpan.FromSeconds(5);
        });
        silo.Configure<SiloMessagingOptions>(o => o.ResponseTimeout = response);
        AddSlots(silo);
    }

    /// <summary>What any silo needs to run slots, ParallelGen's or the application's own (AddParallelGen).</summary>
    internal static void AddSlots(ISiloBuilder silo) =>
        silo.Services.AddPlacementDirector<SlotPlacement, SlotPlacementDirector>();

    internal static void ConfigureClient(IClientBuilder client)
    {
        TimeSpan response = ClusterTarget.ResponseTimeout;
        client.Configure<ClientMessagingOptions>(o => o.ResponseTimeout = response);
        client.Configure<GatewayOptions>(o => o.GatewayListRefreshPeriod = TimeSpan.FromSeconds(1));
    }

    private static long? Read(string name) =>
        long.TryParse(Environment.GetEnvironmentVariable(name), NumberStyles.Integer, CultureInfo.InvariantCulture, out long value) ? value : null;
}
