using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Linq;

namespace ParallelGen.Benchmarks;

/// <summary>
/// <c>-- --loop [rounds]</c>: the generated loop's own cost, without the second core. One worker (<c>Jobs = 1</c>: the
/// calling thread runs every item) over small, cache-resident inputs, against a plain <c>for</c> loop doing the same
/// (allocating its result array too). Two sizes, interleaved, best of many rounds; the slope between them is the cost
/// per item and the intercept the cost per call. A single thread on a small input is far less sensitive to other load
/// than the 10^7-item check: a round is tens of microseconds, so the best round is almost never preempted.
/// </summary>
internal static class LoopCheck
{
    private const int Small = 4_096;
    private const int Large = 16_384; // 64 kB of results: below the large-object heap, like Small

    public static void Run(int rounds)
    {
        var one = new ParallelizeOptions { Jobs = 1 };
        var inputs = new Dictionary<int, int[]> { [Small] = Enumerable.Range(0, Small).ToArray(), [Large] = Enumerable.Range(0, Large).ToArray() };
        var variants = new (string Name, Func<int, int[]> Run)[]
        {
            ("Sequential", n => Sequential(inputs[n])),
            ("Generated (array)", n => Work.SquareParallel(inputs[n], one)),
            ("GeneratedRange", n => Work.SquareParallel(Enumerable.Range(0, n), one)),
        };

        foreach ((string name, Func<int, int[]> run) in variants)
        {
            if (!run(Large).AsSpan().SequenceEqual(Sequential(inputs[Large])))
            {
                throw new InvalidOperationException($"{name} computed a different result.");
            }
        }

        const int Repeats = 20; // calls per timed sample, so that a sample is well above the timer's resolution
        var best = variants.ToDictionary(v => v.Name, _ => new Dictionary<int, double> { [Small] = double.MaxValue, [Large] = double.MaxValue });
        for (int r = 0; r < rounds; r++)
        {
            foreach (int n in (int[])[Small, Large])
            {
                foreach ((string name, Func<int, int[]> run) in variants)
                {
                    long start = Stopwatch.GetTimestamp();
                    for (int k = 0; k < Repeats; k++)
                    {
                        run(n);
                    }

                    double ns = Stopwatch.GetElapsedTime(start).TotalNanoseconds / Repeats;
                    best[name][n] = Math.Min(best[name][n], ns);
                }
            }
        }

        Console.WriteLine($"1 worker (Jobs = 1), {rounds} interleaved rounds, best of each; per item = slope between n = {Small} and n = {Large}");
        Console.WriteLine("| Variant | ns per call, n = 4096 | ns per call, n = 16384 | ns per item | ns fixed per call | per item / Sequential |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|");
        double seqPerItem = PerItem(best["Sequential"]);
        foreach ((string name, _) in variants)
        {
            double perItem = PerItem(best[name]);
            double fixedCost = best[name][Small] - (perItem * Small);
            Console.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"| {name} | {best[name][Small]:0} | {best[name][Large]:0} | {perItem:0.000} | {fixedCost:0} | {perItem / seqPerItem:0.00} |"));
        }
    }

    private static double PerItem(Dictionary<int, double> times) => (times[Large] - times[Small]) / (Large - Small);

    private static int[] Sequential(int[] input)
    {
        int[] result = new int[input.Length];
        for (int i = 0; i < input.Length; i++)
        {
            result[i] = input[i] * input[i];
        }

        return result;
    }
}
