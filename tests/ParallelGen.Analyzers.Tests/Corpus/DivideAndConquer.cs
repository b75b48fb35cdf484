// Regression corpus: recursive fork-join algorithms over arrays (Parallel.Invoke).
using System;
using System.Threading.Tasks;

namespace Corpus.DivideAndConquer;

public static class ArrayMath
{
    private const int SequentialCutoff = 4096;

    /// <summary>Recursive parallel sum: each half writes its own local, the parent adds them after the join.</summary>
    public static long Sum(int[] values, int lo, int hi)
    {
        if (hi - lo <= SequentialCutoff)
        {
            long sum = 0;
            for (int i = lo; i < hi; i++)
            {
                sum += values[i];
            }

            return sum;
        }

        int mid = lo + (hi - lo) / 2;
        long left = 0, right = 0;
        Parallel.Invoke(
            () => { left = Sum(values, lo, mid); },
            () => { right = Sum(values, mid, hi); });
        return left + right;
    }

    /// <summary>Dot product, recursive through a local function.</summary>
    public static double Dot(double[] x, double[] y)
    {
        if (x.Length != y.Length)
        {
            throw new ArgumentException("length mismatch", nameof(y));
        }

        double Recurse(int lo, int hi)
        {
            if (hi - lo <= SequentialCutoff)
            {
                double acc = 0;
                for (int i = lo; i < hi; i++)
                {
                    acc += x[i] * y[i];
                }

                return acc;
            }

            int mid = (lo + hi) >>> 1;
            double a = 0, b = 0;
            Parallel.Invoke(() => a = Recurse(lo, mid), () => b = Recurse(mid, hi));
            return a + b;
        }

        return Recurse(0, x.Length);
    }

    /// <summary>Parallel merge sort: the halves are disjoint, the merge runs after the join.</summary>
    public static void MergeSort(int[] data, int[] scratch, int lo, int hi)
    {
        if (hi - lo < 2)
        {
            return;
        }

        if (hi - lo <= SequentialCutoff)
        {
            Array.Sort(data, lo, hi - lo);
            return;
        }

        int mid = (lo + hi) / 2;
        Parallel.Invoke(
            () => MergeSort(data, scratch, lo, mid),
            () => MergeSort(data, scratch, mid, hi));
        Merge(data, scratch, lo, mid, hi);
    }

    private static void Merge(int[] data, int[] scratch, int lo, int mid, int hi)
    {
        int i = lo, j = mid, k = lo;
        while (i < mid && j < hi)
        {
            scratch[k++] = data[i] <= data[j] ? data[i++] : data[j++];
        }

        while (i < mid) scratch[k++] = data[i++];
        while (j < hi) scratch[k++] = data[j++];
        Array.Copy(scratch, lo, data, lo, hi - lo);
    }

    /// <summary>Counts the nodes of a tree: each subtree result goes to its own slot.</summary>
    public static int CountNodes(Node? node)
    {
        if (node is null)
        {
            return 0;
        }

        int leftCount = 0, rightCount = 0;
        Parallel.Invoke(
            () => leftCount = CountNodes(node.Left),
            () => rightCount = CountNodes(node.Right));
        return 1 + leftCount + rightCount;
    }

    /// <summary>A real bug: both halves add into the same total.</summary>
    public static long BrokenSum(int[] values)
    {
        long total = 0;
        int mid = values.Length / 2;
        Parallel.Invoke(
            () => { for (int i = 0; i < mid; i++) total += values[i]; },                  // expect: PG0003
            () => { for (int i = mid; i < values.Length; i++) total += values[i]; });    // expect: PG0003
        return total;
    }
}

public sealed class Node
{
    public Node? Left { get; init; }

    public Node? Right { get; init; }
}
