using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Threading;

namespace ParallelGen.Examples;

/// <summary>
/// 5. Threads share memory -- which is what makes them cheap and what makes them dangerous.
/// </summary>
/// <remarks>
/// THIS FILE CONTAINS BAD CODE ON PURPOSE. Each bad line triggers one ParallelGen analyzer rule (PG0001 to PG0004,
/// each exactly once in this project) and is wrapped in <c>#pragma warning disable</c> so that the tour still builds
/// warning-free; the correct version sits right next to it. Remove a pragma to see the warning.
/// </remarks>
internal static partial class Pitfalls
{
    internal static int Increments = 1_000_000;
    internal static int Draws = 1_000_000;
    internal static int Adds = 1_000_000;

    private static int s_arrived;

    /// <summary>
    /// Lines the four workers up so that they really run at the same time: on a busy machine one worker could
    /// otherwise finish before the next one starts, and the race would not show. Gives up after 500 ms.
    /// </summary>
    private static void StartTogether()
    {
        Interlocked.Increment(ref s_arrived);
        long deadline = Environment.TickCount64 + 500;
        while (Volatile.Read(ref s_arrived) < 4 && Environment.TickCount64 < deadline)
        {
            Thread.Yield();
        }
    }

    // ---- A shared counter -----------------------------------------------------------------------------------------

    private static int s_racyCounter;
    private static int s_atomicCounter;

    /// <summary>BAD: <c>s_racyCounter++</c> is read, add, write; two threads interleave and an update is lost.</summary>
    [Parallelize(Jobs = 4)]
    internal static void CountRacy(int worker)
    {
        StartTogether();
        for (int i = 0; i < Increments; i++)
        {
#pragma warning disable PG0003 // intentional: demonstrates lost updates on a shared static counter
            s_racyCounter++;
#pragma warning restore PG0003
        }
    }

    /// <summary>OK: an atomic increment. Correct, but every increment contends for one cache line.</summary>
    [Parallelize(Jobs = 4)]
    internal static void CountAtomic(int worker)
    {
        StartTogether();
        for (int i = 0; i < Increments; i++)
        {
            Interlocked.Increment(ref s_atomicCounter);
        }
    }

    /// <summary>BEST: count locally, return the count, and add the results up afterwards (map, then reduce).</summary>
    [Parallelize(Jobs = 4)]
    internal static int CountLocal(int worker)
    {
        StartTogether();
        int count = 0;
        for (int i = 0; i < Increments; i++)
        {
            count++;
        }

        return count;
    }

    // ---- A shared List<T> -----------------------------------------------------------------------------------------

    private static readonly List<int> s_found = [];
    private static readonly ConcurrentBag<int> s_foundBag = [];

    /// <summary>BAD: <c>List.Add</c> from several threads loses items or throws.</summary>
    [Parallelize(Jobs = 4)]
    internal static void CollectRacy(int worker)
    {
        StartTogether();
        for (int i = 0; i < Adds; i++)
        {
#pragma warning disable PG0004 // intentional: demonstrates List<T>.Add from parallel code
            s_found.Add(i);
#pragma warning restore PG0004
        }
    }

    /// <summary>OK: a thread-safe collection.</summary>
    [Parallelize(Jobs = 4)]
    internal static void CollectBag(int worker)
    {
        StartTogether();
        for (int i = 0; i < Adds; i++)
        {
            s_foundBag.Add(i);
        }
    }

    // ---- A shared Random ------------------------------------------------------------------------------------------

    private static readonly Random s_sharedRandom = new(12345);

    /// <summary>
    /// BAD: one <see cref="Random"/> instance used by every thread. <c>System.Random</c> is not thread-safe: concurrent
    /// calls corrupt its state, after which it can return 0 forever.
    /// </summary>
    [Parallelize(Jobs = 4)]
    internal static int CountZerosShared(int worker)
    {
        StartTogether();
        int zeros = 0;
        for (int i = 0; i < Draws; i++)
        {
#pragma warning disable PG0001 // intentional: demonstrates a Random shared by all threads
            int value = s_sharedRandom.Next();
#pragma warning restore PG0001
            if (value == 0)
            {
                zeros++;
            }
        }

        return zeros;
    }

    /// <summary>OK: <see cref="Random.Shared"/> is thread-safe (one generator per thread behind the scenes).</summary>
    [Parallelize(Jobs = 4)]
    internal static int CountZerosRandomShared(int worker)
    {
        StartTogether();
        int zeros = 0;
        for (int i = 0; i < Draws; i++)
        {
            if (Random.Shared.Next() == 0)
            {
                zeros++;
            }
        }

        return zeros;
    }

    // ---- The same seed in every task ------------------------------------------------------------------------------

    /// <summary>BAD: every task creates <c>new Random(42)</c>, so every task draws the very same darts.</summary>
    [Parallelize(Jobs = 4)]
    internal static double EstimatePiSameSeed(int task)
    {
#pragma warning disable PG0002 // intentional: demonstrates a constant seed inside parallel code
        var random = new Random(42);
#pragma warning restore PG0002
        return EstimatePi(random, 100_000);
    }

    /// <summary>OK: the seed derives from the task index -- reproducible, and different for every task.</summary>
    [Parallelize(Jobs = 4)]
    internal static double EstimatePiSeedPerTask(int task)
    {
        var random = new Random(42 + task);
        return EstimatePi(random, 100_000);
    }

    private static double EstimatePi(Random random, int darts)
    {
        int inside = 0;
        for (int i = 0; i < darts; i++)
        {
            double x = random.NextDouble();
            double y = random.NextDouble();
            inside += x * x + y * y <= 1.0 ? 1 : 0;
        }

        return 4.0 * inside / darts;
    }

    // ---- Driver ---------------------------------------------------------------------------------------------------

    internal static void ResetGate() => s_arrived = 0;

    internal static void Reset()
    {
        s_arrived = 0;
        s_racyCounter = 0;
        s_atomicCounter = 0;
        s_found.Clear();
        s_foundBag.Clear();
    }

    internal static int RacyCounter => s_racyCounter;

    internal static int AtomicCounter => s_atomicCounter;

    internal static int FoundCount => s_found.Count;

    internal static int FoundBagCount => s_foundBag.Count;
}

internal sealed class SharedMemoryScenario : IScenario
{
    public string Name => "shared";

    public string Title => "Threads share memory: counters, collections, and shared random state";

    public void Run(TourSettings settings)
    {
        Pitfalls.Increments = settings.Quick ? 3_000_000 : 10_000_000;
        Pitfalls.Draws = settings.Quick ? 1_000_000 : 3_000_000;
        Pitfalls.Adds = settings.Quick ? 250_000 : 1_000_000;
        Pitfalls.Reset();
        int[] workers = [0, 1, 2, 3];
        long expected = 4L * Pitfalls.Increments;

        Tour.Say("Every worker thread sees the same static fields, captured variables and objects: nothing is copied,");
        Tour.Say("which makes threads cheap -- and makes unsynchronised writes lose data. (Pitfalls.cs holds the bad");
        Tour.Say("code on purpose; each bad line is an analyzer warning, PG0001..PG0004, silenced by a pragma.)");

        Tour.Sub($"a shared counter: 4 workers x {Pitfalls.Increments:N0} increments = {expected:N0}");
        Pitfalls.ResetGate();
        var t = Tour.Time(() => Pitfalls.CountRacyParallel(workers));
        Tour.Say($"s_racyCounter++                    -> {Pitfalls.RacyCounter,12:N0}  ({Tour.Seconds(t)})  {RacyVerdict(Pitfalls.RacyCounter, expected)}  [PG0003]");
        Pitfalls.ResetGate();
        t = Tour.Time(() => Pitfalls.CountAtomicParallel(workers));
        Tour.Say($"Interlocked.Increment(ref counter) -> {Pitfalls.AtomicCounter,12:N0}  ({Tour.Seconds(t)})  {Verdict(Pitfalls.AtomicCounter, expected)}");
        Pitfalls.ResetGate();
        var (counts, t3) = Tour.Time(() => Pitfalls.CountLocalParallel(workers));
        long sum = counts.Sum(c => (long)c);
        Tour.Say($"return count; then .Sum()          -> {sum,12:N0}  ({Tour.Seconds(t3)})  {Verdict(sum, expected)}  (map, then reduce)");

        Tour.Sub($"a shared List<int>: 4 workers x {Pitfalls.Adds:N0} Add calls = {4 * Pitfalls.Adds:N0} items");
        string listOutcome;
        try
        {
            Pitfalls.ResetGate();
            Pitfalls.CollectRacyParallel(workers);
            listOutcome = $"{Pitfalls.FoundCount:N0} items  {RacyVerdict(Pitfalls.FoundCount, 4 * Pitfalls.Adds)}";
        }
        catch (Exception ex)
        {
            listOutcome = $"threw {ex.GetType().Name} (item {ex.GetParallelItemIndex()}): the list's internals were corrupted";
        }

        Tour.Say($"List<int>.Add          -> {listOutcome}  [PG0004]");
        Pitfalls.ResetGate();
        Pitfalls.CollectBagParallel(workers);
        Tour.Say($"ConcurrentBag<int>.Add -> {Pitfalls.FoundBagCount:N0} items  {Verdict(Pitfalls.FoundBagCount, 4 * Pitfalls.Adds)}");
        Tour.Say("(or simply return the values: the generated NameParallel already collects results in order)");

        Tour.Sub($"shared random state: 4 workers x {Pitfalls.Draws:N0} draws of Next(), counting zeros");
        Tour.Say("A healthy generator returns 0 about once in 2 billion draws.");
        Pitfalls.ResetGate();
        int sharedZeros = Pitfalls.CountZerosSharedParallel(workers).Sum();
        Tour.Say($"one shared new Random(12345) -> {sharedZeros,9:N0} zeros  "
            + (sharedZeros > 0 ? "BROKEN: concurrent calls corrupted its state  [PG0001]" : "(not corrupted this time; it is a race -- run again)  [PG0001]"));
        Pitfalls.ResetGate();
        int safeZeros = Pitfalls.CountZerosRandomSharedParallel(workers).Sum();
        Tour.Say($"Random.Shared                -> {safeZeros,9:N0} zeros  {(safeZeros == 0 ? "ok (thread-safe)" : "?")}");

        Tour.Sub("the same seed in every task: 8 tasks estimate pi with 100,000 darts each");
        double[] same = Pitfalls.EstimatePiSameSeedParallel(Enumerable.Range(0, 8));
        double[] different = Pitfalls.EstimatePiSeedPerTaskParallel(Enumerable.Range(0, 8));
        Tour.Say($"new Random(42) in each task        -> {same.Distinct().Count()} distinct estimate(s): [{string.Join(", ", same.Select(p => Tour.F(p, "0.0000")))}]  [PG0002]");
        Tour.Say($"new Random(42 + task) in each task -> {different.Distinct().Count()} distinct estimate(s): [{string.Join(", ", different.Select(p => Tour.F(p, "0.0000")))}]");
        Tour.Say($"8 identical estimates average to no better than one; the 8 different ones average to {Tour.F(different.Average(), "0.0000")}.");
    }

    private static string RacyVerdict(long actual, long expected) =>
        actual == expected ? "right this time: the race did not strike (a busy machine rarely overlaps the workers) -- run again" : Verdict(actual, expected);

    private static string Verdict(long actual, long expected) =>
        actual == expected ? "ok" : $"WRONG: lost {expected - actual:N0}";
}
