using System;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using ParallelGen;

namespace ParallelGen.ProcessBenchmarks;

/// <summary>
/// Issue 10 §3: 100 calls, each reading a 100 MB <c>double[]</c>, on 2 worker processes: copied into every batch
/// (automatic sharing off), shared automatically (written once to /dev/shm, each worker copies it out of the mapped
/// pages), and as a <see cref="SharedArray{T}"/> (the workers read the mapped pages in place). Each variant runs in a
/// fresh program so its peak memory is its own; the time is the 100-item call with warm workers, and the CPU time the
/// parent and the two workers spent on it (from /proc: unlike the wall clock, not inflated by a loaded machine).
/// </summary>
internal static class SharedArrayBench
{
    internal const string ChildSwitch = "--shared-child";
    internal const int DefaultCalls = 100;
    private const int Length = 100 * 1000 * 1000 / sizeof(double); // 100 MB

    internal static void Run(int calls)
    {
        Console.WriteLine();
        Console.WriteLine($"Large data: {calls} calls each reading a {Length * (long)sizeof(double) / 1_000_000} MB double[], Jobs = 2, BatchSize = 1, warm workers, one fresh program per row");
        Console.WriteLine($"  {"variant",-44} {"time",9} {"per call",9} {"parent CPU",11} {"workers CPU",12} {"CPU per call",13} {"parent peak RSS",16} {"worker peak RSS",16}");
        foreach (string variant in new[] { "copied", "auto", "shared" })
        {
            string[] f = ProcessBench.RunSelf(ChildSwitch, variant, calls.ToString(CultureInfo.InvariantCulture)).Split(' ');
            double ms = double.Parse(f[0], CultureInfo.InvariantCulture);
            string what = variant switch
            {
                "copied" => "copied (double[], SharedMemoryThreshold = -1)",
                "auto" => "shared automatically (double[], default)",
                _ => "SharedArray<double> (read in place)",
            };
            double parentCpu = double.Parse(f[3], CultureInfo.InvariantCulture);
            double workersCpu = double.Parse(f[4], CultureInfo.InvariantCulture);
            Console.WriteLine($"  {what,-44} {ms / 1000,8:0.00}s {ms / calls,7:0.0}ms {parentCpu / 1000,10:0.00}s {workersCpu / 1000,11:0.00}s {(parentCpu + workersCpu) / calls,11:0.0}ms {Mb(f[1]),16} {Mb(f[2]),16}");
        }

        Console.WriteLine("  (RSS counts mapped /dev/shm pages in every process that reads them; those pages exist once.)");
    }

    private static string Mb(string kb) => $"{long.Parse(kb, CultureInfo.InvariantCulture) / 1024} MB";

    /// <summary>One variant in this fresh process: prints "milliseconds parentPeakKb workerPeakKb parentCpuMs workersCpuMs".</summary>
    internal static int Child(string variant, int calls)
    {
        double[] data = new double[Length];
        for (int i = 0; i < data.Length; i++)
        {
            data[i] = i % 1000;
        }

        double expected = data.Sum();
        _ = Big.ReadParallel(Enumerable.Range(0, 2).Select(i => (new double[1], i)), new ParallelizeOptions { BatchSize = 1 }); // start both workers

        int[] workers = [.. ProcessBackend.WorkerProcessIds];
        double parentCpu = Process.GetCurrentProcess().TotalProcessorTime.TotalMilliseconds;
        double workersCpu = workers.Sum(CpuMs);
        var watch = Stopwatch.StartNew();
        (double Sum, long PeakKb)[] results;
        if (variant == "shared")
        {
            using SharedArray<double> shared = SharedArray.Create<double>(data);
            results = Big.ReadSharedParallel(Enumerable.Range(0, calls).Select(i => (shared, i)), new ParallelizeOptions { BatchSize = 1 });
        }
        else
        {
            var options = new ParallelizeOptions { BatchSize = 1, SharedMemoryThreshold = variant == "copied" ? -1 : null };
            results = Big.ReadParallel(Enumerable.Range(0, calls).Select(i => (data, i)), options);
        }

        double ms = watch.Elapsed.TotalMilliseconds;
        parentCpu = Process.GetCurrentProcess().TotalProcessorTime.TotalMilliseconds - parentCpu;
        workersCpu = workers.Sum(CpuMs) - workersCpu;
        if (!ProcessBackend.WorkerProcessIds.Order().SequenceEqual(workers.Order()))
        {
            Console.Error.WriteLine("the workers changed during the call: their CPU time would be incomplete");
            return 1;
        }

        if (results.Any(r => r.Sum != expected))
        {
            Console.Error.WriteLine("wrong sum");
            return 1;
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{ms:0.0} {Big.PeakKb()} {results.Max(r => r.PeakKb)} {parentCpu:0.0} {workersCpu:0.0}"));
        return 0;
    }

    /// <summary>A live process's user + system CPU time in milliseconds (/proc/pid/stat, clock ticks of 10 ms).</summary>
    private static double CpuMs(int pid)
    {
        string stat = File.ReadAllText($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/stat");
        string[] fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        long ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture); // utime, stime
        return ticks * 10.0;
    }
}

/// <summary>The methods the large-data benchmark calls.</summary>
public static partial class Big
{
    [Parallelize(Jobs = 2, Backend = Backend.Processes)]
    public static (double Sum, long PeakKb) Read(double[] data, int call)
    {
        double sum = 0;
        foreach (double d in data)
        {
            sum += d;
        }

        return (sum, PeakKb());
    }

    [Parallelize(Jobs = 2, Backend = Backend.Processes)]
    public static (double Sum, long PeakKb) ReadShared(SharedArray<double> data, int call)
    {
        double sum = 0;
        foreach (double d in data.Span)
        {
            sum += d;
        }

        return (sum, PeakKb());
    }

    /// <summary>This process's peak resident set (VmHWM), in kB.</summary>
    internal static long PeakKb()
    {
        foreach (string line in File.ReadLines("/proc/self/status"))
        {
            if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
            {
                return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
            }
        }

        return -1;
    }
}
