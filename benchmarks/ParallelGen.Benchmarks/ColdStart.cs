using System;
using System.Diagnostics;
using System.Globalization;

namespace ParallelGen.Benchmarks;

/// <summary>
/// <c>-- --cold &lt;Generated|ParallelForEach|TaskWhenAll&gt;</c>: one batch of the blocking benchmark as the first
/// parallel work of a fresh process, before the .NET thread pool has grown. BenchmarkDotNet's warm-up hides this case;
/// run it in a loop of separate processes to see it.
/// </summary>
internal static class ColdStart
{
    public static void Run(string variant)
    {
        var bench = new BlockingBodies();
        Func<int[]> run = variant switch
        {
            "Generated" => bench.Generated,
            "ParallelForEach" => bench.ParallelForEach,
            "TaskWhenAll" => bench.TaskWhenAll,
            _ => throw new ArgumentException($"Unknown variant '{variant}'.", nameof(variant)),
        };

        long start = Stopwatch.GetTimestamp();
        run();
        double ms = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{variant} cold: {ms:0} ms"));
    }
}
