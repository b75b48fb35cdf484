// The counters are process-wide on purpose (updated with Interlocked; each worker process counts its own).
#pragma warning disable PG0003, PG0007
namespace ParallelGen.Tests;

/// <summary>
/// Nested calls that count, from inside, how many inner bodies run at once in this process: the first
/// <c>expected</c> inner items wait (up to 20 s) until that many have arrived, so a limit below <c>expected</c> is
/// caught (the count stays lower) and a limit above it too (a further item enters while they wait).
/// </summary>
public static partial class NestingTargets
{
    private static int s_active;
    private static int s_max;
    private static int s_arrived;

    internal static void Reset()
    {
        s_active = 0;
        s_max = 0;
        s_arrived = 0;
    }

    internal static int MaxInside => Volatile.Read(ref s_max);

    [Parallelize(Jobs = -1)]
    public static int Inner(int item, int expected)
    {
        int now = Interlocked.Increment(ref s_active);
        int max;
        while ((max = Volatile.Read(ref s_max)) < now && Interlocked.CompareExchange(ref s_max, now, max) != max)
        {
        }

        try
        {
            if (Interlocked.Increment(ref s_arrived) <= expected)
            {
                SpinWait.SpinUntil(() => Volatile.Read(ref s_arrived) >= expected, TimeSpan.FromSeconds(20));
            }

            return ParallelContext.NestedWorkerLimit;
        }
        finally
        {
            Interlocked.Decrement(ref s_active);
        }
    }

    /// <summary>An outer body: runs <paramref name="innerItems"/> inner items expecting <paramref name="expected"/> at once in total.</summary>
    [Parallelize(Jobs = 2)]
    public static int Outer(int item, int innerItems, int expected)
    {
        int limit = ParallelContext.NestedWorkerLimit;
        _ = InnerParallel(Enumerable.Range(0, innerItems).Select(i => (i, expected)));
        return limit;
    }

    /// <summary>Three levels: outer → middle (Jobs = -1) → inner (Jobs = -1).</summary>
    [Parallelize(Jobs = 1)]
    public static int Top(int item, int middleItems, int innerItems, int expected)
    {
        int[] limits = MiddleParallel(Enumerable.Range(0, middleItems).Select(i => (i, innerItems, expected)));
        return limits.Max();
    }

    [Parallelize(Jobs = -1)]
    public static int Middle(int item, int innerItems, int expected)
    {
        int limit = ParallelContext.NestedWorkerLimit;
        _ = InnerParallel(Enumerable.Range(0, innerItems).Select(i => (i, expected)));
        return limit;
    }

    /// <summary>
    /// In a worker process: the limit inner calls get there, and how many inner bodies ran at once in that worker.
    /// </summary>
    [Parallelize(Jobs = 1, BatchSize = 1, Backend = Backend.Processes)]
    public static (int Limit, int MaxInside) InWorker(int item, int innerItems, int expected)
    {
        Reset();
        int limit = ParallelContext.NestedWorkerLimit;
        _ = InnerParallel(Enumerable.Range(0, innerItems).Select(i => (i, expected)));
        return (limit, MaxInside);
    }
}
