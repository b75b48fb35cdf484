using System.Diagnostics;
using ParallelGen.Orleans;

namespace ParallelGen.Tests.Cluster;

/// <summary>Faults: its own clusters (killing silos must not disturb the shared one).</summary>
[Collection(nameof(KillSiloCollection))]
public sealed class KillSiloTests
{
    [Fact(Skip = "Known issue (issue 9, open): under a loaded 2-core CI run the call can outlast the 60 s wait after a silo is " +
        "killed mid-run (passes alone in ~13 s). Re-enable once the retry path is bounded (slot re-placement after the kill).")]
    public async Task A_silo_killed_mid_run_loses_no_result_and_its_batches_run_on_the_survivors()
    {
        await using LocalCluster cluster = await LocalCluster.StartAsync(3);
        int[] pids = [.. cluster.SiloProcessIds];
        Assert.Equal(3, pids.Length);

        var stopwatch = Stopwatch.StartNew();
        Task<(int Pid, int Item)[]> run = ClusterTargets.WhereAmIParallelAsync(
            Enumerable.Range(0, 60).Select(i => (i, 100)), new ParallelizeOptions { BackendInstance = cluster });
        await Task.Delay(400);
        TimeSpan killedAt = stopwatch.Elapsed;
        await cluster.KillSiloAsync(2);

        (int Pid, int Item)[] results = await run.WaitAsync(TimeSpan.FromSeconds(60));
        TimeSpan afterKill = stopwatch.Elapsed - killedAt;

        Assert.Equal(Enumerable.Range(0, 60), results.Select(r => r.Item));
        Assert.Equal(2, cluster.SiloProcessIds.Count);
        Assert.DoesNotContain(pids[2], cluster.SiloProcessIds);
        Assert.True(afterKill < TimeSpan.FromSeconds(30), $"the call took {afterKill} after the kill");
    }

    [Fact]
    public async Task With_every_silo_gone_a_call_fails_with_a_clear_error_and_no_silo_outlives_the_cluster()
    {
        LocalCluster cluster = await LocalCluster.StartAsync(2);
        int[] pids = [.. cluster.SiloProcessIds];
        cluster.MaxRetries = 1;
        await cluster.KillSiloAsync(1);
        await cluster.KillSiloAsync(0);

        var ex = await Assert.ThrowsAsync<ClusterUnavailableException>(() =>
            ClusterTargets.WhereAmIParallelAsync([(1, 0)], new ParallelizeOptions { BackendInstance = cluster })
                .WaitAsync(TimeSpan.FromSeconds(60)));
        Assert.Contains("every silo of the LocalCluster (2) has exited", ex.Message);

        await cluster.DisposeAsync();
        foreach (int pid in pids)
        {
            Assert.Throws<ArgumentException>(() => Process.GetProcessById(pid));
        }
    }
}

[CollectionDefinition(nameof(KillSiloCollection), DisableParallelization = true)]
public sealed class KillSiloCollection;
