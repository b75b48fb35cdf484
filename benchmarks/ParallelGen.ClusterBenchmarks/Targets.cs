using System;
using System.Threading;
using ParallelGen;

namespace ParallelGen.ClusterBenchmarks;

/// <summary>The cluster methods the harness calls; they run on the silos (this program started again).</summary>
public static partial class OnCluster
{
    /// <summary>The smallest call and the trivial task: an int there and back.</summary>
    [Parallelize(Backend = Backend.Cluster)]
    public static int Inc(int x) => x + 1;

    /// <summary>A 10 MB argument: its length comes back.</summary>
    [Parallelize(Backend = Backend.Cluster)]
    public static int Length(byte[] data) => data.Length;

    /// <summary>The fault drill's item: a short sleep, then the silo's process id and the item.</summary>
    [Parallelize(Backend = Backend.Cluster, BatchSize = 1)]
    public static (int Pid, int Item) Where(int item, int sleepMilliseconds)
    {
        Thread.Sleep(sleepMilliseconds);
        return (Environment.ProcessId, item);
    }
}
