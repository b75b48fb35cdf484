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

    /// <summary>The program the silo runs: ParallelGen.Worker (a LocalCluster's silos), or the application (the startup hook).</summary>
    [Parallelize(Backend = Backend.Cluster, BatchSize = 1)]
    public static (int Pid, string Entry) SiloEntry(int item) =>
        (Environment.ProcessId, System.Reflection.Assembly.GetEntryAssembly()?.GetName().Name ?? "(none)");

    /// <summary>Waits <paramref name="milliseconds"/> or until cancelled (then throws), and returns the item.</summary>
    [Parallelize(Backend = Backend.Cluster, BatchSize = 1)]
    public static int Nap(int item, int milliseconds, CancellationToken cancellationToken)
    {
        cancellationToken.WaitHandle.WaitOne(milliseconds);
        cancellationToken.ThrowIfCancellationRequested();
        return item;
    }

    /// <summary>
    /// Waits until the file <paramref name="gate"/> exists (a gate shared by the test and the silo processes; at most
    /// 2 minutes), then returns the silo's process id and the item.
    /// </summary>
    [Parallelize(Backend = Backend.Cluster, BatchSize = 1)]
    public static (int Pid, int Item) AfterGate(int item, string gate)
    {
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (!File.Exists(gate) && waited.Elapsed < TimeSpan.FromMinutes(2))
        {
            Thread.Sleep(20);
        }

        return (Environment.ProcessId, item);
    }
}
