using System;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using ParallelGen;

// Prints the microseconds from the program's first process-backend call to its result (worker start included).
long start = Stopwatch.GetTimestamp();
int[] result = ColdStart.EchoParallel([7]);
double us = Stopwatch.GetElapsedTime(start).TotalMicroseconds;
Console.WriteLine(us.ToString("R", CultureInfo.InvariantCulture));
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
