namespace ParallelGen.Tests;

/// <summary>Bodies that read <see cref="ParallelContext.ItemIndex"/>.</summary>
public static partial class IndexTargets
{
    internal const long Seed = 20_261_202;

    [Parallelize]
    public static int IndexOf(string item) => ParallelContext.ItemIndex;

    [Parallelize]
    public static async Task<int> IndexAfterAwait(string item)
    {
        await Task.Yield();
        await Task.Delay(1);
        return ParallelContext.ItemIndex;
    }

    [Parallelize(Backend = Backend.Processes)]
    public static int IndexInWorker(string item) => ParallelContext.ItemIndex;

    [Parallelize(Backend = Backend.Processes)]
    public static async Task<int> IndexInWorkerAfterAwait(string item)
    {
        await Task.Yield();
        return ParallelContext.ItemIndex;
    }

    /// <summary>The item's index before and after a nested call (whose bodies have indices of their own).</summary>
    [Parallelize(Jobs = 1)]
    public static (int Before, int After, int InnerSum) AroundNested(string item)
    {
        int before = ParallelContext.ItemIndex;
        int innerSum = IndexOfParallel(["a", "b", "c"]).Sum();
        return (before, ParallelContext.ItemIndex, innerSum);
    }

    /// <summary>The π exercise as a user writes it: the item is a dart count, the seed comes from the item's index.</summary>
    [Parallelize]
    public static long Darts(int samples) => CountInside(samples);

    [Parallelize(Backend = Backend.Processes)]
    public static long DartsInWorker(int samples) => CountInside(samples);

    private static long CountInside(int samples)
    {
        ParallelRandom random = ParallelRandom.For(Seed, ParallelContext.ItemIndex);
        long inside = 0;
        for (int i = 0; i < samples; i++)
        {
            double x = random.NextDouble();
            double y = random.NextDouble();
            if (x * x + y * y <= 1.0)
            {
                inside++;
            }
        }

        return inside;
    }

    /// <summary>A negative item makes a nested call (whose bodies set indices of their own), then throws.</summary>
    [Parallelize(Jobs = 2)]
    public static int FailAfterNested(int item)
    {
        if (item < 0)
        {
            _ = IndexOfParallel(["a", "b", "c", "d"]);
            throw new InvalidOperationException($"item {-item - 1}");
        }

        return item;
    }
}
