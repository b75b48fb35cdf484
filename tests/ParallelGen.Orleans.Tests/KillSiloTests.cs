using System.Diagnostics;
using ParallelGen.Orleans;
using Xunit.Abstractions;

namespace ParallelGen.Tests.Cluster;

/// <summary>
/// Faults: each test starts its own LocalCluster (killing silos must not disturb the shared one). Waits are generous
/// and bounded (a loaded 2-core machine is slow; a hang fails with a message instead); nothing asserts speed, the time
/// from the kill to the end of the call is written to the test output.
/// </summary>
[Collection(nameof(KillSiloCollection))]
public sealed class KillSiloTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(90);

    [Theory]
    [InlineData(2)]
    [InlineData(0)] // the first silo: the membership's primary under development clustering
    public async Task A_silo_killed_mid_run_loses_no_result_and_its_batches_run_on_the_survivors(int victim)
    {
        int[] pids;
        await using (LocalCluster cluster = await LocalCluster.StartAsync(3))
        {
            pids = [.. cluster.SiloProcessIds];
            Assert.Equal(3, pids.Length);
            await cluster.AllSilosJoined.WaitAsync(Bound); // StartAsync returns at the first; every silo must take work here

            // No retries by default on this cluster; the call's own Retries allows them (a call's count wins).
            cluster.MaxRetries = 0;
            const int Items = 400;
            Task<(int Pid, int Item)[]> run = ClusterTargets.WhereAmIParallelAsync(
                Enumerable.Range(0, Items).Select(i => (i, 50)), new ParallelizeOptions { BackendInstance = cluster, Retries = 3 });

            // Kill only once every silo has answered a batch (so each did work), while the call is still running.
            await SiloChecks.WaitUntil(Bound, () => pids.All(p => cluster.ItemsBySiloProcess.GetValueOrDefault(p) > 0) || run.IsCompleted, "every silo to finish a batch");
            Assert.False(run.IsCompleted, "the call finished before a silo could be killed mid-run");
            var stopwatch = Stopwatch.StartNew();
            await cluster.KillSiloAsync(victim);

            (int Pid, int Item)[] results = await run.WaitAsync(Bound);
            output.WriteLine($"silo {victim} killed; the call finished {stopwatch.Elapsed.TotalSeconds:0.00} s later");

            Assert.Equal(Enumerable.Range(0, Items), results.Select(r => r.Item));
            Assert.All(results, r => Assert.Contains(r.Pid, pids));
            Assert.All(pids, p => Assert.True(cluster.ItemsBySiloProcess.GetValueOrDefault(p) > 0, $"silo process {p} did no work"));
            Assert.Equal(2, cluster.SiloProcessIds.Count);
            Assert.DoesNotContain(pids[victim], cluster.SiloProcessIds);

            // The survivors take the next call at once.
            var next = await ClusterTargets.WhereAmIParallelAsync(Enumerable.Range(0, 20).Select(i => (i, 1)), new ParallelizeOptions { BackendInstance = cluster, Retries = 3 })
                .WaitAsync(Bound);
            Assert.Equal(Enumerable.Range(0, 20), next.Select(r => r.Item));
            Assert.DoesNotContain(pids[victim], next.Select(r => r.Pid));
        }

        SiloChecks.AssertAllExited(pids);
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
                .WaitAsync(Bound));
        Assert.Contains("every silo of the LocalCluster (2) has exited", ex.Message);

        await cluster.DisposeAsync();
        SiloChecks.AssertAllExited(pids);
    }

    [Fact]
    public async Task Every_silo_killed_mid_run_fails_the_call_with_a_clear_error_instead_of_hanging()
    {
        int[] pids;
        await using (LocalCluster cluster = await LocalCluster.StartAsync(2))
        {
            pids = [.. cluster.SiloProcessIds];
            Task<int[]> run = ClusterTargets.NapParallelAsync(
                Enumerable.Range(0, 200).Select(i => (i, 200)), new ParallelizeOptions { BackendInstance = cluster });
            await SiloChecks.WaitUntil(Bound, () => cluster.ItemsBySiloProcess.Values.Sum() > 0 || run.IsCompleted, "a first batch");
            var stopwatch = Stopwatch.StartNew();
            await cluster.KillSiloAsync(0);
            await cluster.KillSiloAsync(1);

            var ex = await Assert.ThrowsAsync<ClusterUnavailableException>(() => run.WaitAsync(Bound));
            output.WriteLine($"every silo killed; the call failed {stopwatch.Elapsed.TotalSeconds:0.00} s later: {ex.Message}");
            Assert.Contains("every silo of the LocalCluster (2) has exited", ex.Message);
        }

        SiloChecks.AssertAllExited(pids);
    }

    [Fact]
    public async Task With_no_retries_a_silo_lost_mid_run_fails_the_call_naming_the_retry_count()
    {
        int[] pids;
        await using (LocalCluster cluster = await LocalCluster.StartAsync(2))
        {
            pids = [.. cluster.SiloProcessIds];
            await cluster.AllSilosJoined.WaitAsync(Bound); // both silos must take work before one is killed
            cluster.MaxRetries = 0;
            Task<int[]> run = ClusterTargets.NapParallelAsync(
                Enumerable.Range(0, 200).Select(i => (i, 200)), new ParallelizeOptions { BackendInstance = cluster });
            await SiloChecks.WaitUntil(Bound, () => pids.All(p => cluster.ItemsBySiloProcess.GetValueOrDefault(p) > 0) || run.IsCompleted, "every silo to finish a batch");
            Assert.False(run.IsCompleted, "the call finished before a silo could be killed mid-run");
            await cluster.KillSiloAsync(1);

            var ex = await Assert.ThrowsAsync<ClusterUnavailableException>(() => run.WaitAsync(Bound));
            Assert.Contains("retries: 0", ex.Message);
        }

        SiloChecks.AssertAllExited(pids);
    }
}

[CollectionDefinition(nameof(KillSiloCollection), DisableParallelization = true)]
public sealed class KillSiloCollection;
