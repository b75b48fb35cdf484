using System.Threading;

namespace ParallelGen.Benchmarks;

/// <summary>The [Parallelize] methods the benchmarks call through their generated NameParallel versions.</summary>
public static partial class Work
{
    /// <summary>A trivial body: the per-item overhead of the runner dominates.</summary>
    [Parallelize]
    public static int Square(int x) => x * x;

    /// <summary>A blocking body: 100 ms of waiting, no CPU.</summary>
    [Parallelize(Jobs = 8)]
    public static int Nap(int x)
    {
        Thread.Sleep(BlockingBodies.SleepMilliseconds);
        return x;
    }
}
