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
}
