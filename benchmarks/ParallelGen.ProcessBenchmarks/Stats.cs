using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;

namespace ParallelGen.ProcessBenchmarks;

/// <summary>A sample of timings in microseconds.</summary>
internal sealed class Sample
{
    private readonly double[] _sorted;

    internal Sample(IEnumerable<double> values)
    {
        _sorted = [.. values.Order()];
        if (_sorted.Length == 0)
        {
            throw new ArgumentException("empty sample", nameof(values));
        }
    }

    internal int Count => _sorted.Length;

    internal double Median => Percentile(50);

    internal double P90 => Percentile(90);

    internal double P99 => Percentile(99);

    internal double Min => _sorted[0];

    internal double Max => _sorted[^1];

    internal double Mean => _sorted.Average();

    internal double Percentile(double p)
    {
        double rank = p / 100.0 * (_sorted.Length - 1);
        int lo = (int)Math.Floor(rank);
        int hi = (int)Math.Ceiling(rank);
        return _sorted[lo] + ((_sorted[hi] - _sorted[lo]) * (rank - lo));
    }

    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"median {Fmt.Us(Median)}, p90 {Fmt.Us(P90)}, p99 {Fmt.Us(P99)}, min {Fmt.Us(Min)} (n={Count})");
}

internal static class Fmt
{
    /// <summary>Microseconds with a unit that keeps 3 significant digits.</summary>
    internal static string Us(double us) => us switch
    {
        double.NaN => "n/a",
        < 1 => string.Create(CultureInfo.InvariantCulture, $"{us * 1000:0} ns"),
        < 10 => string.Create(CultureInfo.InvariantCulture, $"{us:0.00} µs"),
        < 1000 => string.Create(CultureInfo.InvariantCulture, $"{us:0.0} µs"),
        < 1_000_000 => string.Create(CultureInfo.InvariantCulture, $"{us / 1000:0.0} ms"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{us / 1_000_000:0.00} s"),
    };

    internal static string Ratio(double python, double ours) =>
        double.IsNaN(python) || double.IsNaN(ours) || ours <= 0
            ? "n/a"
            : string.Create(CultureInfo.InvariantCulture, $"{python / ours:0.0}×");

    internal static string Verdict(double value, double target) => value <= target ? "MET" : "MISSED";
}
