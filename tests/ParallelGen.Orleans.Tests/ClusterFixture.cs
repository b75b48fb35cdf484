using ParallelGen.Orleans;

namespace ParallelGen.Tests.Contract;

/// <summary>One LocalCluster of 2 silo processes (both joined) for the whole collection: the default cluster of its tests.</summary>
public sealed class ClusterFixture : IAsyncLifetime
{
    public LocalCluster Cluster { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Cluster = await LocalCluster.StartAsync(2);
        await Cluster.AllSilosJoined; // StartAsync returns once the first silo has joined; the tests count on both
    }

    public async Task DisposeAsync() => await Cluster.DisposeAsync();
}

/// <summary>The contract suite's collection (its name is the one BackendContractTests asks for), with the cluster.</summary>
[CollectionDefinition(nameof(ProcessCollection), DisableParallelization = true)]
public sealed class ProcessCollection : ICollectionFixture<ClusterFixture>;
