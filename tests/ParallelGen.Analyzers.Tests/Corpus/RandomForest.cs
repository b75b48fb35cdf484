// Regression corpus: bagging learners that draw bootstrap samples in parallel.
using System;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;

namespace Corpus.RandomForest;

public sealed class DecisionTree
{
    public static DecisionTree Fit(double[][] x, int[] y, int[] sample, int featureCount, Random random) => new();

    public int Predict(double[] row) => 0;
}

/// <summary>Correct: one Random per tree, seeded from the tree index.</summary>
public sealed class ForestLearner
{
    private readonly int _trees;
    private readonly int _seed;

    public ForestLearner(int trees, int seed)
    {
        _trees = trees;
        _seed = seed;
    }

    public DecisionTree[] Learn(double[][] x, int[] y)
    {
        var forest = new DecisionTree[_trees];
        int featureCount = Math.Max(1, (int)Math.Sqrt(x[0].Length));
        Parallel.For(0, _trees, t =>
        {
            var random = new Random(unchecked(_seed * 31 + t));
            int[] sample = Bootstrap(y.Length, random);
            forest[t] = DecisionTree.Fit(x, y, sample, featureCount, random);
        });
        return forest;
    }

    internal static int[] Bootstrap(int count, Random random)
    {
        var sample = new int[count];
        for (int i = 0; i < count; i++)
        {
            sample[i] = random.Next(count);
        }

        return sample;
    }
}

/// <summary>Correct: one Random per worker thread, and Random.Shared for the rest.</summary>
public sealed class ExtraTreesLearner
{
    private static int s_seed = Environment.TickCount;
    private static readonly ThreadLocal<Random> s_random = new(() => new Random(Interlocked.Increment(ref s_seed)));

    public DecisionTree[] Learn(double[][] x, int[] y, int trees)
    {
        var forest = new DecisionTree[trees];
        Parallel.For(0, trees, t =>
        {
            Random random = s_random.Value!;
            int[] sample = ForestLearner.Bootstrap(y.Length, random);
            int features = 1 + Random.Shared.Next(x[0].Length);
            forest[t] = DecisionTree.Fit(x, y, sample, features, random);
        });
        return forest;
    }
}

/// <summary>The bug upstream fixed: one Random field drawn from by every tree at once.</summary>
public sealed class BaggingLearner
{
    private readonly Random _random = new(42);

    public DecisionTree[] Learn(double[][] x, int[] y, int trees)
    {
        var forest = new DecisionTree[trees];
        Parallel.For(0, trees, t =>
        {
            int[] sample = ForestLearner.Bootstrap(y.Length, _random);   // expect: PG0001
            forest[t] = DecisionTree.Fit(x, y, sample, x[0].Length, new Random(_random.Next()));   // expect: PG0001
        });
        return forest;
    }

    /// <summary>Same seed in every task: every tree sees the same bootstrap sample.</summary>
    public DecisionTree[] LearnReproducible(double[][] x, int[] y, int trees, int seed)
    {
        var forest = new DecisionTree[trees];
        Parallel.For(0, trees, t =>
        {
            var random = new Random(seed);   // expect: PG0002
            forest[t] = DecisionTree.Fit(x, y, ForestLearner.Bootstrap(y.Length, random), x[0].Length, random);
        });
        return forest;
    }

    /// <summary>Predictions with PLINQ: majority vote per row, no shared state.</summary>
    public static int[] Predict(DecisionTree[] forest, double[][] rows) =>
        rows.AsParallel().AsOrdered()
            .Select(row => forest.GroupBy(tree => tree.Predict(row)).OrderByDescending(g => g.Count()).First().Key)
            .ToArray();
}
