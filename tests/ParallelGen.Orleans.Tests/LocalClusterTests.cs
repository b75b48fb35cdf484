using System.Diagnostics;
using ParallelGen.Orleans;
using ParallelGen.Tests.Contract;

namespace ParallelGen.Tests.Cluster;

[Collection(nameof(ProcessCollection))]
public sealed class LocalClusterTests(ClusterFixture fixture)
{
    [Fact]
    public void Work_spreads_over_every_silo_and_results_keep_input_order()
    {
        LocalCluster cluster = fixture.Cluster;
        Assert.Equal(2, cluster.SiloProcessIds.Count);
        Assert.Same(cluster, ClusterTarget.Default);

        var results = ClusterTargets.WhereAmIParallel(Enumerable.Range(0, 40).Select(i => (i, 5)));

        Assert.Equal(Enumerable.Range(0, 40), results.Select(r => r.Item));
        Assert.Equal(cluster.SiloProcessIds.Order(), results.Select(r => r.Pid).Distinct().Order());
        Assert.DoesNotContain(Environment.ProcessId, results.Select(r => r.Pid));
    }

    [Fact]
    public void Its_silos_run_the_worker_program_not_the_startup_hook()
    {
        // A LocalCluster of a framework-dependent program starts its silos as ParallelGen.Worker.dll (no startup hook,
        // ~20 ms of CPU less at each silo's start); RedisClusterTests start silos by hand with the hook.
        var entries = ClusterTargets.SiloEntryParallel(Enumerable.Range(0, 8));
        Assert.All(entries, e => Assert.Equal("ParallelGen.Worker", e.Entry));
        Assert.Subset(fixture.Cluster.SiloProcessIds.ToHashSet(), entries.Select(e => e.Pid).ToHashSet());
    }

    [Fact]
    public void Item_timeout_fails_the_call_naming_the_item_and_cancels_its_run_on_the_silo()
    {
        var ex = Assert.Throws<TimeoutException>(() =>
            ClusterTargets.NapParallel([(0, 0), (1, 120_000), (2, 0)], new ParallelizeOptions { ItemTimeout = TimeSpan.FromSeconds(5) }));

        // A generous limit: items 0 and 2 must not time out even on a loaded machine.
        Assert.Contains("item 1", ex.Message);
        Assert.Contains("item timeout", ex.Message);
        Assert.Equal(1, ex.GetParallelItemIndex());

        // The silo's run was cancelled (the method observes its token): the cluster takes the next call.
        Assert.Equal([5, 6], ClusterTargets.NapParallel([(5, 0), (6, 0)]));
    }
}
