// Regression corpus: HPC-style worker arrays handed to Parallel.Invoke.
using System;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;

namespace Corpus.ChunkedWorkers;

public static class Solver
{
    /// <summary>One action per worker, each writing its own slot of the partial results.</summary>
    public static double Norm(double[] vector, int workers)
    {
        var partial = new double[workers];
        var actions = new Action[workers];
        int chunk = (vector.Length + workers - 1) / workers;
        for (int w = 0; w < workers; w++)
        {
            int id = w;
            actions[w] = () =>
            {
                double acc = 0;
                int end = Math.Min(vector.Length, (id + 1) * chunk);
                for (int i = id * chunk; i < end; i++)
                {
                    acc += vector[i] * vector[i];
                }

                partial[id] = acc;
            };
        }

        Parallel.Invoke(actions);
        return Math.Sqrt(partial.Sum());
    }

    /// <summary>Jacobi sweep: the workers read the old grid and write disjoint rows of the new one.</summary>
    public static void Sweep(double[][] oldGrid, double[][] newGrid, int workers)
    {
        int rows = oldGrid.Length;
        Action[] sweeps = Enumerable.Range(0, workers).Select(w => (Action)(() =>
        {
            for (int r = Math.Max(1, w * rows / workers); r < Math.Min(rows - 1, (w + 1) * rows / workers); r++)
            {
                for (int c = 1; c < oldGrid[r].Length - 1; c++)
                {
                    newGrid[r][c] = 0.25 * (oldGrid[r - 1][c] + oldGrid[r + 1][c] + oldGrid[r][c - 1] + oldGrid[r][c + 1]);
                }
            }
        })).ToArray();
        Parallel.Invoke(sweeps);
    }

    /// <summary>Residual with an Interlocked-free shared accumulator: a real bug (every worker adds to one double).</summary>
    public static double Residual(double[] a, double[] b, int workers)
    {
        double residual = 0;
        int done = 0;
        var actions = new Action[workers];
        for (int w = 0; w < workers; w++)
        {
            int id = w;
            actions[id] = () =>
            {
                double local = 0;
                for (int i = id; i < a.Length; i += workers)
                {
                    local += Math.Abs(a[i] - b[i]);
                }

                residual += local;   // expect: PG0003
                Interlocked.Increment(ref done);
            };
        }

        Parallel.Invoke(actions);
        return done == workers ? residual : double.NaN;
    }

    /// <summary>The same probe delegate passed twice.</summary>
    public static int Probe(Func<bool> check)
    {
        int failures = 0;
        Action probe = () => { if (!check()) failures++; };   // expect: PG0003
        Parallel.Invoke(new[] { probe, probe });
        return failures;
    }
}
