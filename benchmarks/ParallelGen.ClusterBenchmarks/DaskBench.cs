using System;
using System.Diagnostics;
using System.IO;
using System.Text.Json;

namespace ParallelGen.ClusterBenchmarks;

/// <summary>Runs benchmarks/python/bench_dask.py with /usr/bin/python3 when it has dask.distributed.</summary>
internal static class DaskBench
{
    internal const string Python = "/usr/bin/python3";

    internal static JsonElement? Run(Options o)
    {
        string? script = FindScript();
        if (script is null)
        {
            Console.WriteLine("  NOTE: benchmarks/python/bench_dask.py was not found; the Dask comparison is skipped.");
            return null;
        }

        if (!File.Exists(Python) || Exec(Python, ["-c", "import distributed, joblib"], out _, TimeSpan.FromSeconds(30)) != 0)
        {
            Console.WriteLine($"  NOTE: {Python} with distributed and joblib is not available " +
                "(apt-get install -y python3-joblib python3-distributed); the Dask comparison is skipped.");
            return null;
        }

        string[] args = o.Quick ? [script, "--quick"] : [script];
        if (Exec(Python, args, out string output, TimeSpan.FromSeconds(180)) != 0)
        {
            Console.WriteLine($"  NOTE: the Dask benchmark failed; skipped. Output:{Environment.NewLine}{output}");
            return null;
        }

        return JsonDocument.Parse(output).RootElement.Clone();
    }

    internal static double Median(JsonElement py, string key) =>
        py.TryGetProperty(key, out JsonElement e) && e.TryGetProperty("median", out JsonElement m) && m.ValueKind == JsonValueKind.Number
            ? m.GetDouble()
            : double.NaN;

    internal static string Text(JsonElement py, string key) =>
        py.TryGetProperty(key, out JsonElement e) ? e.ToString() : "?";

    private static string? FindScript()
    {
        string[] candidates =
        [
            Path.Combine(AppContext.BaseDirectory, "python", "bench_dask.py"),
            Path.Combine("benchmarks", "python", "bench_dask.py"),
        ];
        foreach (string c in candidates)
        {
            if (File.Exists(c))
            {
                return c;
            }
        }

        return null;
    }

    /// <summary>Runs a process to its end, killed after <paramref name="timeout"/> (its whole tree: dask's workers too).</summary>
    private static int Exec(string file, string[] args, out string stdout, TimeSpan timeout)
    {
        var info = new ProcessStartInfo(file) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string a in args)
        {
            info.ArgumentList.Add(a);
        }

        using Process p = Process.Start(info)!;
        System.Threading.Tasks.Task<string> err = p.StandardError.ReadToEndAsync();
        System.Threading.Tasks.Task<string> @out = p.StandardOutput.ReadToEndAsync();
        if (!p.WaitForExit(timeout))
        {
            p.Kill(entireProcessTree: true);
            p.WaitForExit();
            stdout = $"killed after {timeout.TotalSeconds:0} s";
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
