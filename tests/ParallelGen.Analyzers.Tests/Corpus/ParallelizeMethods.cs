// Regression corpus: [Parallelize] methods (the generated NameParallel methods are not part of this compilation).
using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using ParallelGen;

namespace Corpus.ParallelizeMethods;

public static partial class Simulation
{
    private static readonly Random s_random = new();
    private static long s_samples;
    private static long s_total;
    private static readonly List<double> s_log = new();

    /// <summary>Correct: a Random per call seeded from the argument, the sample count added atomically.</summary>
    [Parallelize(Jobs = -1)]
    public static long Hits(int seed, int samples)
    {
        var random = new Random(seed);
        long hits = 0;
        for (int i = 0; i < samples; i++)
        {
            double x = random.NextDouble(), y = random.NextDouble();
            if (x * x + y * y <= 1) hits++;
        }

        Interlocked.Add(ref s_samples, samples);
        return hits;
    }

    /// <summary>Real bugs: a shared Random, a racy static total, a shared list.</summary>
    [Parallelize]
    public static double Noisy(double value)
    {
        double noisy = value + s_random.NextDouble();   // expect: PG0001
        s_total += (long)noisy;   // expect: PG0003
        s_log.Add(noisy);   // expect: PG0004
        return noisy;
    }

    /// <summary>A constant seed: every call draws the same numbers.</summary>
    [Parallelize]
    public static double Jitter(double value) => value + new Random(7).NextDouble();   // expect: PG0002
}

public sealed record Job(int Id, double[] Values);

public static partial class Workers
{
    private static int s_calls;

    /// <summary>Process backend: each worker has its own statics.</summary>
    [Parallelize(Backend = Backend.Processes)]
    public static double Mean(Job job)
    {
        s_calls++;   // expect: PG0003, PG0007
        return job.Values.Length == 0 ? 0 : job.Values.Average();
    }

    [Parallelize(Backend = Backend.Processes, Jobs = 2)]
    public static double Max(Job job) => job.Values.DefaultIfEmpty().Max();
}
