using System;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using ParallelGen;

// Prints the microseconds from the program's first process-backend call to its result (worker start included), then
// "main <timestamp> <cpu µs>" and "result <timestamp> <cpu µs>": when Main began and when the result was back, on the
// Stopwatch clock every process shares, with this process's CPU time so far (the harness puts them next to the
// PARALLELGEN_STARTUP_TRACE stages of the runtime: docs/benchmarks/processes.md, "Cold start and the first heavy call").
// With --noop it returns at once: the same program's start and exit alone, the floor one fresh worker cannot go under.
if (args is ["--noop"])
{
    return 0;
}

long main = Stopwatch.GetTimestamp();
TimeSpan mainCpu = Environment.CpuUsage.TotalTime;
if (Environment.GetEnvironmentVariable("COLDSTART_WORKER_JITSTDOUTFILE") is { Length: > 0 } workerJitList)
{
    // Diagnostics: the worker lists the methods it compiles in its own file (DOTNET_JitStdOutFile is inherited).
    Environment.SetEnvironmentVariable("DOTNET_JitStdOutFile", workerJitList);
}

long start = Stopwatch.GetTimestamp();
int[] result = ColdStart.EchoParallel([7]);
long end = Stopwatch.GetTimestamp();
TimeSpan endCpu = Environment.CpuUsage.TotalTime;
double us = Stopwatch.GetElapsedTime(start, end).TotalMicroseconds;
Console.WriteLine(us.ToString("R", CultureInfo.InvariantCulture));
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"main {main} {(long)mainCpu.TotalMicroseconds}"));
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"result {end} {(long)endCpu.TotalMicroseconds}"));
return result.Length == 1 && result[0] == 7 && !ProcessBackend.WorkerProcessIds.Contains(Environment.ProcessId) ? 0 : 1;

/// <summary>The smallest process-backend method.</summary>
public static partial class ColdStart
{
    /// <summary>An int there and back, in one worker process.</summary>
    /// <param name="x">The value.</param>
    /// <returns><paramref name="x"/>.</returns>
    [Parallelize(Jobs = 1, Backend = Backend.Processes, BatchSize = 1)]
    public static int Echo(int x) => x;
}
