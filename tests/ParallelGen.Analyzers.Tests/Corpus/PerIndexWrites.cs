// Regression corpus: every iteration writes only its own element (arrays, spans, pointers, list slots).
using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;

namespace Corpus.PerIndexWrites;

public static class Kernels
{
    public static double[] Map(double[] input, Func<double, double> f)
    {
        var output = new double[input.Length];
        Parallel.For(0, input.Length, i => output[i] = f(input[i]));
        return output;
    }

    /// <summary>Row-parallel matrix product: each iteration owns one row of the result.</summary>
    public static double[,] Multiply(double[,] a, double[,] b)
    {
        int n = a.GetLength(0), m = a.GetLength(1), p = b.GetLength(1);
        var c = new double[n, p];
        Parallel.For(0, n, row =>
        {
            for (int col = 0; col < p; col++)
            {
                double acc = 0;
                for (int k = 0; k < m; k++)
                {
                    acc += a[row, k] * b[k, col];
                }

                c[row, col] = acc;
            }
        });
        return c;
    }

    /// <summary>Jagged rows normalised in place.</summary>
    public static void NormalizeRows(float[][] rows) =>
        Parallel.ForEach(rows, row =>
        {
            float norm = MathF.Sqrt(row.Sum(v => v * v));
            if (norm > 0)
            {
                for (int i = 0; i < row.Length; i++) row[i] /= norm;
            }
        });

    /// <summary>Pointer writes into pinned memory, one index per iteration.</summary>
    public static unsafe void Scale(float[] data, float factor)
    {
        fixed (float* start = data)
        {
            float* p = start;
            int length = data.Length;
            Parallel.For(0, length, i => p[i] *= factor);
        }
    }

    /// <summary>A pre-sized List used like an array: slot writes only.</summary>
    public static List<string> Labels(int[] ids)
    {
        var labels = new List<string>(new string[ids.Length]);
        Parallel.For(0, ids.Length, i => labels[i] = "item-" + ids[i]);
        return labels;
    }

    /// <summary>Blocked ranges: each range owns a disjoint slice.</summary>
    public static void Fill(int[] data, int value, int blockSize)
    {
        int blocks = (data.Length + blockSize - 1) / blockSize;
        Parallel.For(0, blocks, b =>
        {
            int start = b * blockSize;
            data.AsSpan(start, Math.Min(blockSize, data.Length - start)).Fill(value);
        });
    }

    /// <summary>Image convolution: reads shared input, writes its own output pixel.</summary>
    public static byte[] Blur(byte[] pixels, int width, int height)
    {
        var output = new byte[pixels.Length];
        Parallel.For(1, height - 1, y =>
        {
            for (int x = 1; x < width - 1; x++)
            {
                int sum = 0;
                for (int dy = -1; dy <= 1; dy++)
                {
                    for (int dx = -1; dx <= 1; dx++)
                    {
                        sum += pixels[(y + dy) * width + x + dx];
                    }
                }

                output[y * width + x] = (byte)(sum / 9);
            }
        });
        return output;
    }
}
