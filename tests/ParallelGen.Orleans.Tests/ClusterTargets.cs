namespace ParallelGen.Tests.Cluster;

/// <summary>Methods declared for Backend.Cluster, as a user would.</summary>
public static partial class ClusterTargets
{
    /// <summary>The silo's process id and the item, after a short sleep.</summary>
    [Parallelize(Backend = Backend.Cluster, BatchSize = 1)]
    public static (int Pid, int Item) WhereAmI(int item, int sleepMilliseconds)
    {
        Thread.Sleep(sleepMilliseconds);
        return (Environment.ProcessId, item);
    }

    /// <summary>Waits <paramref name="milliseconds"/> or until cancelled (then throws), and returns the item.</summary>
    [Parallelize(Backend = Backend.Cluster, BatchSize = 1)]
    public static int Nap(int item, int milliseconds, CancellationToken cancellationToken)
    {
        cancellationToken.WaitHandle.WaitOne(milliseconds);
        cancellationToken.ThrowIfCancellationRequested();
        return item;
    }
}
