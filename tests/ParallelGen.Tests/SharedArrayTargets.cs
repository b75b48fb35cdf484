using System.Globalization;
using ParallelGen.SharedMemory;

// s_kept is a worker's own state on purpose: it shows what a body that keeps a shared array past its batch gets.
#pragma warning disable PG0003, PG0007
namespace ParallelGen.Tests;

/// <summary>Process-backend methods that receive shared and large arrays, and report what the worker saw.</summary>
public static partial class SharedTargets
{
    private static SharedArray<double>? s_kept;

    /// <summary>The worker's pid and the sum of the shared array, read in place.</summary>
    [Parallelize(Jobs = 2, Backend = Backend.Processes)]
    public static (int Pid, double Sum, bool Owner) SumShared(SharedArray<double> data, int item)
    {
        double sum = 0;
        foreach (double d in data.Span)
        {
            sum += d;
        }

        return (Environment.ProcessId, sum, data.IsOwner);
    }

    /// <summary>On threads: whether the body got the caller's very object.</summary>
    [Parallelize(Jobs = 2)]
    public static bool SameObject(SharedArray<double> data, SharedArray<double> expected) => ReferenceEquals(data, expected);

    /// <summary>
    /// The worker's pid, the array's sum, and how many shared files of <paramref name="parentPid"/> exist while the
    /// item runs.
    /// </summary>
    [Parallelize(Jobs = 2, BatchSize = 1, Backend = Backend.Processes)]
    public static (int Pid, double Sum, int ParentFiles) SumArray(double[] data, int parentPid) =>
        (Environment.ProcessId, data.Sum(), FilesOf(parentPid));

    /// <summary>Changes its copy: the parent's array and the other items' copies must not see it.</summary>
    [Parallelize(Jobs = 2, Backend = Backend.Processes)]
    public static double FirstThenOverwrite(double[] data, int item)
    {
        double first = data[0];
        data[0] = -item - 1;
        return first;
    }

    /// <summary>Keeps the array past its batch; the next batch reports what reading the kept one does.</summary>
    [Parallelize(Jobs = 1, BatchSize = 1, Backend = Backend.Processes)]
    public static string KeepPastTheBatch(SharedArray<double> data, int item)
    {
        string previous;
        try
        {
            previous = s_kept is null ? "none" : s_kept[0].ToString(CultureInfo.InvariantCulture);
        }
        catch (ObjectDisposedException)
        {
            previous = "released";
        }

        s_kept = data;
        return previous + ":" + data[0].ToString(CultureInfo.InvariantCulture);
    }

    /// <summary>Kills its own worker while it holds a shared array.</summary>
    [Parallelize(Jobs = 1, BatchSize = 1, Backend = Backend.Processes)]
    public static int DieHolding(double[] data, int item)
    {
        Environment.FailFast("ParallelGen test: a worker dies holding a shared array");
        return item;
    }

    internal static int FilesOf(int pid) =>
        Directory.GetFiles(SharedMemoryFiles.Directory, $"{SharedMemoryFiles.Prefix}{pid}-*{SharedMemoryFiles.Extension}").Length;
}
