using MessagePack;
using ParallelGen.Orleans;
using ParallelGen.Tests.Contract;
using Xunit.Abstractions;

namespace ParallelGen.Tests.Cluster;

/// <summary>What the contract suite alone does not show about the in-process cluster it runs on.</summary>
[Collection(nameof(ProcessCollection))]
public sealed class InProcessClusterTests(InProcessClusterFixture fixture, ITestOutputHelper output)
{
    [Fact]
    public void Work_reaches_every_silo_of_the_cluster_named_by_the_call()
    {
        ClusterTarget target = InProcessClusterFixture.Target!;
        Assert.Equal(InProcessClusterFixture.Silos, fixture.Cluster.GetActiveSilos().Count());
        Assert.Equal(InProcessClusterFixture.Silos, target.SiloCount);
        IReadOnlyDictionary<string, long> before = InProcessClusterFixture.BatchesBySilo;

        // One batch per item, as many at once as the cluster has slots (spread over the silos, see
        // SlotPlacementDirector): items sleep so that every dispatch loop takes some.
        var options = new ParallelizeOptions { Backend = Backend.Cluster, BackendInstance = target, Jobs = target.Capacity, BatchSize = 1 };
        long[] squares = ContractTargets.SquareParallel(Enumerable.Range(0, 60).Select(i => (i, 10)), options);

        Assert.Equal(Enumerable.Range(0, 60).Select(i => (long)i * i), squares);
        IReadOnlyDictionary<string, long> after = InProcessClusterFixture.BatchesBySilo;
        var ran = after.ToDictionary(s => s.Key, s => s.Value - before.GetValueOrDefault(s.Key));
        output.WriteLine("batches run per silo: " + string.Join(", ", ran.OrderBy(s => s.Key, StringComparer.Ordinal).Select(s => $"{s.Key} {s.Value}")));
        Assert.Equal(InProcessClusterFixture.Silos, ran.Count);
        Assert.All(ran, silo => Assert.True(silo.Value > 0, $"silo {silo.Key} ran no batch"));
        Assert.True(ran.Values.Sum() >= 60, $"{ran.Values.Sum()} batches for 60 items of batch size 1");
    }

    /// <summary>
    /// A slot dispatches by the generated method id (the registry the silo shares with this process here): an id it
    /// cannot find, or an assembly it cannot load, comes back as a typed error naming the silo and the method.
    /// </summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_silo_that_lacks_the_method_or_its_assembly_answers_a_typed_error_naming_both(bool missingAssembly)
    {
        string assembly = missingAssembly ? "ParallelGen.NoSuchAssembly, Version=1.0.0.0" : typeof(ContractTargets).Assembly.FullName!;
        ISlotGrain slot = InProcessClusterFixture.Target!.Client.GetGrain<ISlotGrain>(1_000_000 + (missingAssembly ? 1 : 0));

        var items = new global::Orleans.Serialization.Buffers.PooledBuffer();
        items.Write([0x90]); // an empty MessagePack array
        byte[] reply = (await slot.RunBatch(1, 0, "ParallelGen.Tests.NoSuchMethod", assembly, items, CancellationToken.None)).Value;

        var reader = new MessagePackReader(reply);
        Assert.Equal(SlotReply.Error, reader.ReadInt32());
        Assert.Equal(Environment.ProcessId, reader.ReadInt32()); // the silo's process: this one
        Assert.Equal(-1, reader.ReadInt32()); // no item to blame
        _ = reader.ReadString(); // the type's assembly-qualified name
        Assert.Equal(typeof(MissingRemoteMethodException).FullName, reader.ReadString());
        string message = reader.ReadString()!;
        output.WriteLine(message);
        Assert.Contains($"The silo {Environment.MachineName}", message);
        Assert.Contains("ParallelGen.Tests.NoSuchMethod", message);
        Assert.Contains(missingAssembly ? "cannot load the assembly 'ParallelGen.NoSuchAssembly" : "has no method", message);
    }

    [Fact]
    public void A_call_that_names_no_cluster_finds_none_here()
    {
        // The suite's calls reach the in-process cluster only because they name it: there is no default cluster.
        Assert.Null(ClusterTarget.Default);
        var ex = Assert.Throws<ClusterUnavailableException>(() =>
            ContractTargets.SquareParallel([(1, 0)], new ParallelizeOptions { Backend = Backend.Cluster }));
        Assert.Contains("Backend.Cluster needs a cluster", ex.Message);

        using (InProcessClusterFixture.Target!.Use())
        {
            Assert.Equal([4L, 9L], ContractTargets.SquareParallel([(2, 0), (3, 0)], new ParallelizeOptions { Backend = Backend.Cluster }));
        }
    }

    [Fact]
    public async Task A_connection_over_the_applications_client_counts_its_silos_and_leaves_the_client_running_when_disposed()
    {
        ClusterConnection second = await ClusterConnection.ForClientAsync(fixture.Cluster.Client, minimumSilos: InProcessClusterFixture.Silos, slotsPerSilo: 2);
        Assert.Null(ClusterTarget.Default); // the application's cluster may serve other things: it is named, not assumed
        Assert.Equal(InProcessClusterFixture.Silos, second.SiloCount);
        Assert.Equal(2, second.SlotsPerSilo);
        Assert.Equal(InProcessClusterFixture.Silos * 2, second.Capacity);
        var options = new ParallelizeOptions { Backend = Backend.Cluster, BackendInstance = second };
        Assert.Equal([1L, 4L, 9L], ContractTargets.SquareParallel([(1, 0), (2, 0), (3, 0)], options));

        await second.DisposeAsync();

        // The client is the application's: still connected, and the fixture's connection over it still runs calls.
        Assert.Equal([16L], ContractTargets.SquareParallel([(4, 0)], new ParallelizeOptions { Backend = Backend.Cluster, BackendInstance = InProcessClusterFixture.Target }));
        Assert.Equal(InProcessClusterFixture.Silos, (await fixture.Cluster.Client.GetGrain<global::Orleans.Runtime.IManagementGrain>(0).GetHosts(onlyActive: true)).Count);
    }

    [Fact]
    public async Task ForClientAsync_waits_for_the_silos_it_is_asked_for_and_names_the_shortfall()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(1));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            ClusterConnection.ForClientAsync(fixture.Cluster.Client, minimumSilos: InProcessClusterFixture.Silos + 1, cancellationToken: cts.Token));
        await Assert.ThrowsAsync<ArgumentNullException>(() => ClusterConnection.ForClientAsync(null!));
    }
}
