using System;
using System.Diagnostics;
using System.IO;
using System.Text.Json;
using ParallelGen.ProcessBenchmarks;

namespace ParallelGen.ClusterBenchmarks;

/// <summary>Runs benchmarks/python/bench_dask.py with /usr/bin/python3 when it has dask.distributed.</summary>
internal static class DaskBench
{
    internal const string Python = HarnessHost.Python;

    internal static JsonElement? Run(Options o)
    {
        string? script = HarnessHost.FindPythonScript("bench_dask.py");
        if (script is null)
        {
            Console.WriteLine("  NOTE: benchmarks/python/bench_dask.py was not found; the Dask comparison is skipped.");
            return null;
        }

        if (!File.Exists(Python) || HarnessHost.Exec(Python, ["-c", "import distributed, joblib"], out _, TimeSpan.FromSeconds(30)) != 0)
        {
            Console.WriteLine($"  NOTE: {Python} with distributed and joblib is not available " +
                "(apt-get install -y python3-joblib python3-distributed); the Dask comparison is skipped.");
            return null;
        }

        string[] args = o.Quick ? [script, "--quick"] : [script];
        if (HarnessHost.Exec(Python, args, out string output, TimeSpan.FromSeconds(180)) != 0)
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
}
