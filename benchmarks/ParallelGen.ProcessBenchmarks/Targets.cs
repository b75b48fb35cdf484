using System;
using ParallelGen;

namespace ParallelGen.ProcessBenchmarks;

/// <summary>The process-backend methods the harness calls; they run in worker processes started from this program.</summary>
public static partial class Remote
{
    /// <summary>The smallest call: an int there and back.</summary>
    [Parallelize(Jobs = 1, Backend = Backend.Processes, BatchSize = 1)]
    public static int Echo(int x) => x;

    /// <summary>A trivial task for the batching measurements.</summary>
    [Parallelize(Jobs = 2, Backend = Backend.Processes)]
    public static int Trivial(int x) => x + 1;

    /// <summary>
    /// Cold-start probe: returns the worker's <see cref="System.Diagnostics.Stopwatch"/> timestamp when the item runs
    /// (CLOCK_MONOTONIC on Linux, the same clock in every process), so the harness can split the way there
    /// (spawn + runtime start + worker set-up + first frame) from the way back.
    /// </summary>
    [Parallelize(Jobs = 1, Backend = Backend.Processes, BatchSize = 1)]
    public static long Stamp(long parentTimestamp) => System.Diagnostics.Stopwatch.GetTimestamp();

    /// <summary>Inside a worker: the cost of one <see cref="Environment.WorkingSet"/> read in microseconds (the worker reads it once per batch).</summary>
    [Parallelize(Jobs = 1, Backend = Backend.Processes, BatchSize = 1)]
    public static double WorkingSetCost(int reads)
    {
        long sum = 0;
        long start = System.Diagnostics.Stopwatch.GetTimestamp();
        for (int i = 0; i < reads; i++)
        {
            sum += Environment.WorkingSet;
        }

        double us = System.Diagnostics.Stopwatch.GetElapsedTime(start).TotalMicroseconds / reads;
        return sum == 0 ? -1 : us;
    }

    // The payload benchmark's shapes as remote methods: the generator writes their formatters (SerializerBench times them).

    /// <summary>A small record there and back.</summary>
    [Parallelize(Jobs = 1, Backend = Backend.Processes)]
    public static SmallRecord EchoSmall(SmallRecord value) => value;

    /// <summary>A double[] there and back.</summary>
    [Parallelize(Jobs = 1, Backend = Backend.Processes)]
    public static double[] EchoDoubles(double[] values) => values;

    /// <summary>A class with collections there and back.</summary>
    [Parallelize(Jobs = 1, Backend = Backend.Processes)]
    public static Bag EchoBag(Bag bag) => bag;

    /// <summary>Three parameters (an (int, string, double) item) and the same tuple back.</summary>
    [Parallelize(Jobs = 1, Backend = Backend.Processes)]
    public static (int, string, double) EchoTuple(int id, string name, double value) => (id, name, value);
}

/// <summary>A plain static method, submitted to a process executor through the generated interceptor.</summary>
public static class StaticWork
{
    /// <summary>The smallest call: an int there and back.</summary>
    public static int Echo(int x) => x;
}

/// <summary>The notebook's pi exercise on processes: darts thrown in a worker, a loop-heavy first call.</summary>
public static partial class PiTargets
{
    /// <summary>Throws <paramref name="darts"/> darts with the generator of task <paramref name="seed"/>; returns the hits.</summary>
    [Parallelize(Jobs = 2, Backend = Backend.Processes)]
    public static long Darts(int seed, int darts)
    {
        ParallelRandom random = ParallelRandom.For(20_240_601, seed);
        long inside = 0;
        for (int i = 0; i < darts; i++)
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

    /// <summary>The same with <see cref="Random"/> (as the notebook's version does), for the first-call comparison.</summary>
    [Parallelize(Jobs = 2, Backend = Backend.Processes)]
    public static long DartsSystemRandom(int seed, int darts)
    {
        var random = new Random(seed);
        long inside = 0;
        for (int i = 0; i < darts; i++)
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
}
