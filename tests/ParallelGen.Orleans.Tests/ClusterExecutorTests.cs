using ParallelGen.Orleans;
using ParallelGen.Tests.Contract;

namespace ParallelGen.Tests.Cluster;

/// <summary>
/// Issue 10 §1/§2 on the cluster backend: the same ParallelExecutor (Submit, Map, AsCompleted) and ParallelJobs with
/// Delayed.Call, on the collection's LocalCluster of silo processes.
/// </summary>
[Collection(nameof(ProcessCollection))]
public sealed class ClusterExecutorTests(ClusterFixture fixture)
{
    private static readonly TimeSpan s_limit = TimeSpan.FromSeconds(60);

    [Fact]
    public void Submit_runs_generated_and_intercepted_calls_on_silos()
    {
        LocalCluster cluster = fixture.Cluster;
        using var executor = new ParallelExecutor(maxWorkers: 2, Backend.Cluster);
        Future<(int Pid, int Item)> generated = executor.Submit(ClusterTargets.WhereAmIParallel, 7, 1);
        Future<int> intercepted = executor.Submit(ClusterWork.SlowAdd, 1, 2);
        Future<int> pid = executor.Submit(ClusterWork.ProcessId);

        Assert.Equal(7, generated.Result(s_limit).Item);
        Assert.Contains(generated.Result(s_limit).Pid, cluster.SiloProcessIds);
        Assert.Equal(3, intercepted.Result(s_limit));
        Assert.Contains(pid.Result(s_limit), cluster.SiloProcessIds);
    }

    [Fact]
    public void Map_and_AsCompleted_on_silos()
    {
        LocalCluster cluster = fixture.Cluster;
        using var executor = new ParallelExecutor(maxWorkers: 2, Backend.Cluster);
        int[] doubled = executor.Map(ClusterWork.Twice, Enumerable.Range(0, 12), s_limit);
        Assert.Equal(Enumerable.Range(0, 12).Select(i => 2 * i), doubled);

        Future<int>[] futures = [.. Enumerable.Range(0, 6).Select(i => executor.Submit(ClusterWork.SlowAdd, i, 10))];
        var done = Future<int>.AsCompleted(futures, s_limit).Select(f => f.Result()).ToList();
        Assert.Equal(Enumerable.Range(10, 6), done.Order());
        Assert.All(executor.Map(ClusterWork.ProcessIdOf, Enumerable.Range(0, 4)), p => Assert.Contains(p, cluster.SiloProcessIds));
    }

    [Fact]
    public void ParallelJobs_runs_Delayed_calls_on_silos()
    {
        LocalCluster cluster = fixture.Cluster;
        var jobs = new ParallelJobs(new ParallelizeOptions { Jobs = 2, Backend = Backend.Cluster });
        int[] sums = jobs.Run(Enumerable.Range(0, 8).Select(i => Delayed.Call(ClusterWork.SlowAdd, i, 1)));
        int[] pids = jobs.Run(Enumerable.Range(0, 4).Select(i => Delayed.Call(ClusterWork.ProcessIdOf, i)));

        Assert.Equal(Enumerable.Range(1, 8), sums);
        Assert.All(pids, p => Assert.Contains(p, cluster.SiloProcessIds));
    }
}

/// <summary>Static methods called through the generated interceptors.</summary>
public static class ClusterWork
{
    public static int SlowAdd(int a, int b)
    {
        Thread.Sleep(5);
        return a + b;
    }

    public static int Twice(int x) => 2 * x;

    public static int ProcessId() => Environment.ProcessId;

    public static int ProcessIdOf(int unused) => Environment.ProcessId + 0 * unused;
}
