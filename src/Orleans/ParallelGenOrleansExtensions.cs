using System;
using global::Orleans.Hosting;

namespace ParallelGen.Orleans;

/// <summary>
/// Runs <see cref="Backend.Cluster"/> calls on an Orleans cluster the application hosts itself (its own silos, or an
/// in-process <c>InProcessTestCluster</c> in tests) instead of silos ParallelGen starts: <c>AddParallelGen()</c> on each
/// silo and on the client, then <see cref="ClusterConnection.ForClientAsync"/> over the client. See docs/cluster.md
/// ("Your own Orleans cluster").
/// </summary>
public static class ParallelGenOrleansExtensions
{
    /// <summary>
    /// Lets this silo run ParallelGen's batches: registers the placement of its slot grains (each slot on the silo the
    /// driver means it for). The slot grains themselves come with the ParallelGen.Orleans assembly. The silo runs a
    /// method by its generated id, from the assembly that declares it; a silo loads that assembly by name on the first
    /// batch, so deploy it with the silo. Membership and timeout settings stay the application's (ParallelGen's own silos
    /// use fast failure detection, docs/cluster.md lists it; a slower one only delays retries of a dead silo's batches).
    /// </summary>
    /// <param name="silo">The silo builder.</param>
    /// <returns>The same builder.</returns>
    public static ISiloBuilder AddParallelGen(this ISiloBuilder silo)
    {
        ArgumentNullException.ThrowIfNull(silo);
        ClusterSettings.AddSlots(silo);
        return silo;
    }

    /// <summary>
    /// Configures this client for ParallelGen's batches: its response timeout becomes
    /// <see cref="ClusterTarget.ResponseTimeout"/> (30 minutes by default: a batch may run long; Orleans' own default of
    /// 30 seconds would fail longer batches and run them again) and the gateway list is refreshed every second (silos that
    /// join take batches soon). Both apply to every call the client makes.
    /// </summary>
    /// <param name="client">The client builder.</param>
    /// <returns>The same builder.</returns>
    public static IClientBuilder AddParallelGen(this IClientBuilder client)
    {
        ArgumentNullException.ThrowIfNull(client);
        ClusterSettings.ConfigureClient(client);
        return client;
    }
}
