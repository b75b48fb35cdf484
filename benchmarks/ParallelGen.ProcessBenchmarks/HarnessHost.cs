using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;

namespace ParallelGen.ProcessBenchmarks;

/// <summary>
/// What the side-by-side harnesses (processes vs joblib, cluster vs Dask) share: the machine line every recorded figure
/// carries, the load average, and running a Python script of benchmarks/python with /usr/bin/python3.
/// </summary>
internal static class HarnessHost
{
    internal const string Python = "/usr/bin/python3";

    /// <summary>Prints the CPU count and model, the OS, the .NET version and the load average.</summary>
    internal static void PrintMachine()
    {
        string cpu = File.Exists("/proc/cpuinfo")
            ? File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "?"
            : "?";
        Console.WriteLine($"Machine: {Environment.ProcessorCount} CPUs ({cpu}), {RuntimeInformation.OSDescription}, .NET {Environment.Version}, load average {LoadAverage()}");
    }

    /// <summary>The 1, 5 and 15 minute load averages, or "?".</summary>
    internal static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "?";

    /// <summary>benchmarks/python/<paramref name="name"/>: copied next to the harness, or from the repository root.</summary>
    internal static string? FindPythonScript(string name)
    {
        string[] candidates =
        [
            Path.Combine(AppContext.BaseDirectory, "python", name),
            Path.Combine(Environment.CurrentDirectory, "benchmarks", "python", name),
        ];
        return candidates.FirstOrDefault(File.Exists);
    }

    /// <summary>
    /// Runs a process to its end and returns its exit code; its standard output (plus its standard error when it
    /// failed) in <paramref name="stdout"/>. After <paramref name="timeout"/> (infinite by default) its whole tree is
    /// killed (Dask's workers too) and -1 returned.
    /// </summary>
    internal static int Exec(string file, string[] args, out string stdout, TimeSpan? timeout = null)
    {
        var info = new ProcessStartInfo(file) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string a in args)
        {
            info.ArgumentList.Add(a);
        }

        using Process p = Process.Start(info)!;
        System.Threading.Tasks.Task<string> err = p.StandardError.ReadToEndAsync();
        System.Threading.Tasks.Task<string> @out = p.StandardOutput.ReadToEndAsync();
        if (!p.WaitForExit(timeout ?? System.Threading.Timeout.InfiniteTimeSpan))
        {
            p.Kill(entireProcessTree: true);
            p.WaitForExit();
            stdout = $"killed after {timeout!.Value.TotalSeconds:0} s";
            return -1;
        }

        stdout = @out.Result;
        if (p.ExitCode != 0)
        {
            stdout += err.Result;
        }

        return p.ExitCode;
    }
}
