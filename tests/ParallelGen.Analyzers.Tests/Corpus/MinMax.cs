// Regression corpus: extremes and statistics computed in parallel.
using System;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;

namespace Corpus.MinMax;

public readonly record struct Range(double Min, double Max);

public sealed class Summary
{
    public double Min { get; set; }

    public double Max { get; set; }
}

public static class Extremes
{
    /// <summary>Fork-join: one action per statistic, each writing its own local.</summary>
    public static (double Min, double Max, double Mean) Describe(double[] values)
    {
        double min = double.NaN, max = double.NaN, mean = double.NaN;
        Parallel.Invoke(
            () => min = values.Min(),
            () => max = values.Max(),
            () => mean = values.Average());
        return (min, max, mean);
    }

    /// <summary>Fork-join into two fields of one result object: different storage.</summary>
    public static Summary DescribeInto(double[] values)
    {
        var summary = new Summary();
        Parallel.Invoke(
            () => summary.Min = values.Min(),
            () => summary.Max = values.Max());
        return summary;
    }

    /// <summary>Per-thread extremes (localInit/localFinally), combined under a lock.</summary>
    public static Range Of(double[] values)
    {
        double min = double.PositiveInfinity, max = double.NegativeInfinity;
        object gate = new();
        Parallel.For(
            0,
            values.Length,
            () => new Range(double.PositiveInfinity, double.NegativeInfinity),
            (i, _, local) => new Range(Math.Min(local.Min, values[i]), Math.Max(local.Max, values[i])),
            local =>
            {
                lock (gate)
                {
                    min = Math.Min(min, local.Min);
                    max = Math.Max(max, local.Max);
                }
            });
        return new Range(min, max);
    }

    /// <summary>PLINQ aggregate with a seed factory: no shared state.</summary>
    public static Range OfPlinq(double[] values) =>
        values.AsParallel().Aggregate(
            () => new Range(double.PositiveInfinity, double.NegativeInfinity),
            (acc, v) => new Range(Math.Min(acc.Min, v), Math.Max(acc.Max, v)),
            (a, b) => new Range(Math.Min(a.Min, b.Min), Math.Max(a.Max, b.Max)),
            r => r);

    /// <summary>Lock-free maximum with a compare-exchange loop.</summary>
    public static long MaxOf(long[] values)
    {
        long max = long.MinValue;
        Parallel.ForEach(values, v =>
        {
            long seen = Volatile.Read(ref max);
            while (v > seen)
            {
                long previous = Interlocked.CompareExchange(ref max, v, seen);
                if (previous == seen)
                {
                    break;
                }

                seen = previous;
            }
        });
        return max;
    }

    /// <summary>A real bug: check-then-write on a shared maximum.</summary>
    public static int BrokenMax(int[] values)
    {
        int max = int.MinValue;
        int argMax = -1;
        Parallel.For(0, values.Length, i =>
        {
            if (values[i] > max)
            {
                max = values[i];   // expect: PG0003
                argMax = i;        // expect: PG0003
            }
        });
        return argMax < 0 ? max : values[argMax];
    }

    /// <summary>A real bug in a fork-join: the second action reads what the first writes.</summary>
    public static double BrokenSpread(double[] values)
    {
        double max = 0, spread = 0;
        Parallel.Invoke(
            () => max = values.Max(),                 // expect: PG0003
            () => spread = max - values.Min());
        return spread;
    }
}
