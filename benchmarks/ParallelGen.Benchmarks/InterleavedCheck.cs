using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Linq;

namespace ParallelGen.Benchmarks;

/// <summary>
/// <c>-- --interleaved [rounds]</c>: a quick, noise-tolerant cross-check of the tiny-bodies ratios. BenchmarkDotNet
/// measures one method after another, so a burst of load from another process lands on some methods and not others;
/// here every round runs each variant once, in an order shuffled per round (so that no variant always follows the same
/// one, e.g. inherits its garbage or its spinning pool threads), and the ratios use the fastest and the median round of
/// each. It also reports the CPU time each call consumed (user + system of the whole process, from getrusage): on a
/// machine shared with other work, wall-clock time includes the time the call's threads waited for a CPU, CPU time
/// mostly does not.
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
        var cpu = variants.ToDictionary(v => v.Name, _ => new List<double>());
        var order = Enumerable.Range(0, variants.Length).ToArray();
        var shuffle = new Random(20261207);
        for (int r = 0; r < rounds; r++)
        {
            shuffle.Shuffle(order);
            foreach (int v in order)
            {
                (string name, Func<int[]> run) = variants[v];
                double cpuStart = CpuTime.ProcessMilliseconds();
                long start = Stopwatch.GetTimestamp();
                run();
                times[name].Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
                cpu[name].Add(CpuTime.ProcessMilliseconds() - cpuStart);
            }
        }

        double handMin = times["HandWritten"].Min();
        double handMedian = Median(times["HandWritten"]);
        double handCpuMin = cpu["HandWritten"].Min();
        double handCpuMedian = Median(cpu["HandWritten"]);
        Console.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"{Environment.ProcessorCount} CPUs, {rounds} interleaved rounds (shuffled), n = 10,000,000, load average {LoadAverage()}"));
        Console.WriteLine("| Variant | min (ms) | median (ms) | min / HandWritten min | median / HandWritten median | CPU min (ms) | CPU median (ms) | CPU min / HandWritten | CPU median / HandWritten |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach ((string name, _) in variants)
        {
            double min = times[name].Min();
            double median = Median(times[name]);
            double cpuMin = cpu[name].Min();
            double cpuMedian = Median(cpu[name]);
            Console.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"| {name} | {min:0.00} | {median:0.00} | {min / handMin:0.00} | {median / handMedian:0.00} | {cpuMin:0.00} | {cpuMedian:0.00} | {cpuMin / handCpuMin:0.00} | {cpuMedian / handCpuMedian:0.00} |"));
        }
    }

    private static string LoadAverage()
    {
        try
        {
            return string.Join(' ', System.IO.File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
        }
        catch (System.IO.IOException)
        {
            return "n/a";
        }
        catch (UnauthorizedAccessException)
        {
            return "n/a";
        }
    }

    private static double Median(List<double> values)
    {
        var sorted = values.OrderBy(v => v).ToList();
        return sorted[sorted.Count / 2];
    }
}
