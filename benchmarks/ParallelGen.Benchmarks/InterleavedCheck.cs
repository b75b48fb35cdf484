using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Linq;

namespace ParallelGen.Benchmarks;

/// <summary>
/// <c>-- --interleaved [rounds]</c>: a quick, noise-tolerant cross-check of the tiny-bodies ratios. BenchmarkDotNet
/// measures one method after another, so a burst of load from another process lands on some methods and not others;
/// here every round runs each variant once, in turn, and the ratios use the fastest and the median round of each.
/// </summary>
internal static class InterleavedCheck
{
    public static void Run(int rounds)
    {
        var bench = new TinyBodies { N = 10_000_000 };
        bench.Setup();
        var variants = new (string Name, Func<int[]> Run)[]
        {
            ("Sequential", bench.Sequential),
            ("HandWritten", bench.HandWritten),
            ("Generated", bench.Generated),
            ("GeneratedRange", bench.GeneratedRange),
            ("GeneratedRangeCopied", bench.GeneratedRangeCopied),
            ("GeneratedStream", bench.GeneratedStream),
            ("NaiveParallelFor", bench.NaiveParallelFor),
            ("NaiveParallelForEach", bench.NaiveParallelForEach),
            ("Plinq", bench.Plinq),
        };

        int[] expected = bench.Sequential();
        foreach ((string name, Func<int[]> run) in variants)
        {
            if (!run().AsSpan().SequenceEqual(expected))
            {
                throw new InvalidOperationException($"{name} computed a different result.");
            }

            for (int i = 0; i < 10; i++)
            {
                run();
            }
        }

        var times = variants.ToDictionary(v => v.Name, _ => new List<double>());
        for (int r = 0; r < rounds; r++)
        {
            foreach ((string name, Func<int[]> run) in variants)
            {
                long start = Stopwatch.GetTimestamp();
                run();
                times[name].Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
            }
        }

        double handMin = times["HandWritten"].Min();
        double handMedian = Median(times["HandWritten"]);
        Console.WriteLine($"{Environment.ProcessorCount} CPUs, {rounds} interleaved rounds, n = 10,000,000");
        Console.WriteLine("| Variant | min (ms) | median (ms) | min / HandWritten min | median / HandWritten median |");
        Console.WriteLine("|---|---:|---:|---:|---:|");
        foreach ((string name, _) in variants)
        {
            double min = times[name].Min();
            double median = Median(times[name]);
            Console.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"| {name} | {min:0.00} | {median:0.00} | {min / handMin:0.00} | {median / handMedian:0.00} |"));
        }
    }

    private static double Median(List<double> values)
    {
        var sorted = values.OrderBy(v => v).ToList();
        return sorted[sorted.Count / 2];
    }
}
