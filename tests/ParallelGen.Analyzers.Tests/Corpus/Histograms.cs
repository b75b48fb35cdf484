// Regression corpus: histograms and counting, with per-task buffers merged after the parallel part.
using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;

namespace Corpus.Histograms;

public static class Histogram
{
    /// <summary>Two halves, each with its own bins, summed after Parallel.Invoke returns.</summary>
    public static int[] OfBytesTwoWay(byte[] data)
    {
        var low = new int[256];
        var high = new int[256];
        int mid = data.Length / 2;
        Parallel.Invoke(
            () => { for (int i = 0; i < mid; i++) low[data[i]]++; },
            () => { for (int i = mid; i < data.Length; i++) high[data[i]]++; });

        var bins = new int[256];
        for (int b = 0; b < bins.Length; b++)
        {
            bins[b] = low[b] + high[b];
        }

        return bins;
    }

    /// <summary>One array of bins per chunk, indexed by the chunk number, reduced at the end.</summary>
    public static int[] OfBytesChunked(byte[] data, int chunks)
    {
        var partial = new int[chunks][];
        int size = (data.Length + chunks - 1) / chunks;
        Parallel.For(0, chunks, c =>
        {
            var bins = new int[256];
            int end = Math.Min(data.Length, (c + 1) * size);
            for (int i = c * size; i < end; i++)
            {
                bins[data[i]]++;
            }

            partial[c] = bins;
        });

        var result = new int[256];
        foreach (int[] bins in partial)
        {
            for (int b = 0; b < 256; b++) result[b] += bins[b];
        }

        return result;
    }

    /// <summary>Thread-local bins (localInit/localFinally), merged under a lock.</summary>
    public static long[] OfValues(double[] values, double min, double max, int binCount)
    {
        var result = new long[binCount];
        var gate = new object();
        double width = (max - min) / binCount;
        Parallel.ForEach(
            values,
            () => new long[binCount],
            (v, _, local) =>
            {
                int bin = Math.Clamp((int)((v - min) / width), 0, binCount - 1);
                local[bin]++;
                return local;
            },
            local =>
            {
                lock (gate)
                {
                    for (int b = 0; b < binCount; b++) result[b] += local[b];
                }
            });
        return result;
    }

    /// <summary>Word counts per half in ordinary dictionaries, merged after the join.</summary>
    public static Dictionary<string, int> WordCounts(string[] words)
    {
        int mid = words.Length / 2;
        var left = new Dictionary<string, int>(StringComparer.Ordinal);
        var right = new Dictionary<string, int>(StringComparer.Ordinal);
        Parallel.Invoke(
            () => Count(words.AsSpan(0, mid).ToArray(), left),
            () => { foreach (string w in words.Skip(mid)) right[w] = right.GetValueOrDefault(w) + 1; });

        foreach ((string word, int n) in right)
        {
            left[word] = left.GetValueOrDefault(word) + n;
        }

        return left;
    }

    private static void Count(string[] words, Dictionary<string, int> into)
    {
        foreach (string w in words) into[w] = into.GetValueOrDefault(w) + 1;
    }

    /// <summary>Interlocked per-bin counters: correct, if contended.</summary>
    public static int[] OfBytesInterlocked(byte[] data)
    {
        var bins = new int[256];
        Parallel.For(0, data.Length, i => Interlocked.Increment(ref bins[data[i]]));
        return bins;
    }

    /// <summary>A real bug: one dictionary shared by every iteration.</summary>
    public static Dictionary<char, int> LetterCounts(IEnumerable<string> lines)
    {
        var counts = new Dictionary<char, int>();
        Parallel.ForEach(lines, line =>
        {
            foreach (char ch in line)
            {
                if (char.IsLetter(ch))
                {
                    counts[ch] = counts.GetValueOrDefault(ch) + 1;   // expect: PG0004
                }
            }
        });
        return counts;
    }
}
