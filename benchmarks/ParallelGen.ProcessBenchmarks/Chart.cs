using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using ScottPlot;

namespace ParallelGen.ProcessBenchmarks;

/// <summary>
/// The side-by-side comparison as a chart (ScottPlot, PNG and SVG; no tool outside the .NET SDK): one row per
/// measure, the cost per task or call on a logarithmic axis, one marker per implementation.
/// </summary>
internal static class Chart
{
    /// <summary>One measured value: which measure (a row), which implementation (a series), microseconds.</summary>
    internal readonly record struct Point(string Measure, string Series, double Microseconds);

    /// <summary>Writes <paramref name="basePath"/>.png and .svg; returns their full paths.</summary>
    internal static (string Png, string Svg) Write(string basePath, IReadOnlyList<Point> points, string title)
    {
        Point[] valid = points.Where(p => double.IsFinite(p.Microseconds) && p.Microseconds > 0).ToArray();
        if (valid.Length == 0)
        {
            throw new ArgumentException("nothing to plot", nameof(points));
        }

        string[] measures = valid.Select(p => p.Measure).Distinct().ToArray();
        string[] series = valid.Select(p => p.Series).Distinct().ToArray();
        double Row(string measure) => measures.Length - 1 - Array.IndexOf(measures, measure); // first measure on top

        var plot = new Plot();
        plot.Title(title);
        plot.XLabel("time per task or call (log scale)");

        Color[] palette = [new Color(31, 111, 209), new Color(214, 95, 0), new Color(46, 139, 87), new Color(128, 128, 128)];
        MarkerShape[] shapes = [MarkerShape.FilledCircle, MarkerShape.FilledSquare, MarkerShape.FilledDiamond, MarkerShape.FilledTriangleUp];
        for (int s = 0; s < series.Length; s++)
        {
            Point[] mine = valid.Where(p => p.Series == series[s]).ToArray();
            double[] xs = mine.Select(p => Math.Log10(p.Microseconds)).ToArray();
            // Several implementations on one row sit slightly apart, so that equal values stay visible.
            double[] ys = mine.Select(p => Row(p.Measure) + (s - (series.Length - 1) / 2.0) * 0.12).ToArray();
            var scatter = plot.Add.Scatter(xs, ys, palette[s % palette.Length]);
            scatter.LineWidth = 0;
            scatter.MarkerSize = 11;
            scatter.MarkerShape = shapes[s % shapes.Length];
            scatter.LegendText = series[s];
        }

        double lo = Math.Floor(valid.Min(p => Math.Log10(p.Microseconds)));
        double hi = Math.Ceiling(valid.Max(p => Math.Log10(p.Microseconds)));
        var decades = new ScottPlot.TickGenerators.NumericManual();
        for (double d = lo; d <= hi; d++)
        {
            decades.AddMajor(d, Us(Math.Pow(10, d)));
            for (int m = 2; m <= 9 && d < hi; m++)
            {
                decades.AddMinor(d + Math.Log10(m));
            }
        }

        plot.Axes.Bottom.TickGenerator = decades;
        var rows = new ScottPlot.TickGenerators.NumericManual();
        foreach (string measure in measures)
        {
            rows.AddMajor(Row(measure), measure);
        }

        plot.Axes.Left.TickGenerator = rows;
        plot.Axes.SetLimits(lo, hi, -0.6, measures.Length - 0.4);
        plot.ShowLegend(Edge.Right);

        string png = Path.GetFullPath(basePath + ".png");
        string svg = Path.GetFullPath(basePath + ".svg");
        Directory.CreateDirectory(Path.GetDirectoryName(png)!);
        int height = 140 + 48 * measures.Length;
        plot.SavePng(png, 1150, height);
        plot.SaveSvg(svg, 1150, height);
        return (png, svg);
    }

    private static string Us(double us) => us switch
    {
        < 1 => $"{us * 1000:0} ns",
        < 1000 => $"{us:0} µs",
        < 1_000_000 => $"{us / 1000:0} ms",
        _ => $"{us / 1_000_000:0} s",
    };
}
