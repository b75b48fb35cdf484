using System;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Text.Json;

namespace ParallelGen.ProcessBenchmarks;

/// <summary>Runs benchmarks/python/bench_joblib.py with /usr/bin/python3 and prints the side-by-side table.</summary>
internal static class PythonBench
{
    internal const string Python = HarnessHost.Python;

    internal static JsonElement? Run(Options o)
    {
        string? script = HarnessHost.FindPythonScript("bench_joblib.py");
        if (script is null)
        {
            Console.WriteLine("  NOTE: benchmarks/python/bench_joblib.py was not found; the Python comparison is skipped.");
            return null;
        }

        if (!File.Exists(Python) || HarnessHost.Exec(Python, ["-c", "import joblib"], out _) != 0)
        {
            Console.WriteLine($"  NOTE: {Python} with joblib is not available (apt-get install -y python3-joblib); the Python comparison is skipped.");
            return null;
        }

        string[] args = [script, "--repeats", o.Repeats(7).ToString(CultureInfo.InvariantCulture), "--cold-repeats", o.Repeats(5).ToString(CultureInfo.InvariantCulture)];
        if (o.Long)
        {
            args = [.. args, "--long"];
        }

        if (HarnessHost.Exec(Python, args, out string output) != 0)
        {
            Console.WriteLine($"  NOTE: the Python benchmark failed; skipped. Output:{Environment.NewLine}{output}");
            return null;
        }

        return JsonDocument.Parse(output).RootElement.Clone();
    }

    internal static double Median(JsonElement py, string key) =>
        py.TryGetProperty(key, out JsonElement e) && e.TryGetProperty("median", out JsonElement m) ? m.GetDouble() : double.NaN;

    internal static string Text(JsonElement py, string key) =>
        py.TryGetProperty(key, out JsonElement e) ? e.ToString() : "?";
}
