using System.Collections.Concurrent;
using Orleans;
using Orleans.Hosting;
using Orleans.TestingHost;
using ParallelGen.Orleans;

namespace ParallelGen.Tests.Contract;

/// <summary>
/// An in-process Orleans test cluster of 3 silos (<see cref="InProcessTestClusterBuilder"/>), set up the way an
/// application sets up its own Orleans cluster for ParallelGen — <c>AddParallelGen()</c> on the silos and on the client,
/// then <see cref="ClusterConnection.ForClientAsync"/> over the client — and that connection, which the contract suite
/// passes explicitly to every call (<see cref="ParallelizeOptions.BackendInstance"/>): nothing here is a default cluster. The silos share this process, so the methods they run are the ones this assembly's module
/// initializer registered, found by method id in the same registry a silo process uses (SiloExecutor).
/// Each silo counts the batches it ran (<see cref="BatchesBySilo"/>), so tests can see that work reached every silo.
/// </summary>
public sealed class InProcessClusterFixture : IAsyncLifetime
{
    public const int Silos = 3;

    private static readonly ConcurrentDictionary<string, long> s_batchesBySilo = new(StringComparer.Ordinal);

    /// <summary>The cluster the contract suite's calls name explicitly; set while the collection runs.</summary>
    public static ClusterTarget? Target { get; private set; }

    public InProcessTestCluster Cluster { get; private set; } = null!;

    /// <summary>Slot-grain batches each silo has run so far, by silo name (a snapshot).</summary>
    public static IReadOnlyDictionary<string, long> BatchesBySilo => new Dictionary<string, long>(s_batchesBySilo, StringComparer.Ordinal);

    public async Task InitializeAsync()
    {
        var builder = new InProcessTestClusterBuilder(Silos);
        builder.Options.ConfigureFileLogging = false;
        builder.ConfigureSilo((options, silo) =>
        {
            silo.AddParallelGen();
            string name = options.SiloName;
            s_batchesBySilo.TryAdd(name, 0);
            silo.AddIncomingGrainCallFilter(async context =>
            {
                await context.Invoke();
                if (context.InterfaceMethod?.Name == nameof(ISlotGrain.RunBatch))
                {
                    s_batchesBySilo.AddOrUpdate(name, 1, (_, n) => n + 1);
                }
            });
        });
        builder.ConfigureClient(client => client.AddParallelGen());
        Cluster = builder.Build();
        await Cluster.DeployAsync();

        // A slot goes to the silo receiving the driver's call, else to the (k mod n)-th silo a silo knows: wait until
        // every silo knows all three.
        await Cluster.WaitForClusterManifestToStabilizeAsync();
        Connection = await ClusterConnection.ForClientAsync(Cluster.Client, minimumSilos: Silos, slotsPerSilo: Environment.ProcessorCount);
        Target = Connection;
    }

    /// <summary>The connection over the test cluster's client (<see cref="Target"/>).</summary>
    public ClusterConnection Connection { get; private set; } = null!;

    public async Task DisposeAsync()
    {
        Target = null;
        await Connection.DisposeAsync();
        await Cluster.StopAllSilosAsync();
        await Cluster.DisposeAsync();
    }
}

/// <summary>The contract suite's collection (its name is the one BackendContractTests asks for), with the cluster.</summary>
[CollectionDefinition(nameof(ProcessCollection), DisableParallelization = true)]
public sealed class ProcessCollection : ICollectionFixture<InProcessClusterFixture>;
