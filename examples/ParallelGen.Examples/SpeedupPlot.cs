using System.Collections.Generic;
using System.IO;
using System.Linq;
using ScottPlot;

namespace ParallelGen.Examples;

/// <summary>
/// The speed-up chart, drawn with ScottPlot: one line per backend against the ideal <c>speed-up = jobs</c> line, with
/// the number of cores marked. Written as PNG and SVG; ScottPlot brings its own native rendering assets through NuGet,
/// so no tool outside the .NET SDK is needed.
/// </summary>
internal static class SpeedupPlot
{
    private const int Width = 800;
    private const int Height = 500;

    /// <summary>
    /// <see langword="null"/> when the renderer found fonts for the chart's text; otherwise what to do about it. The
    /// renderer reads the machine's fonts (on Linux, under /usr/share/fonts); a minimal container may have none, and
    /// then the lines are drawn but the labels are blank.
    /// </summary>
    public static string? MissingFontsNote() =>
        SkiaSharp.SKTypeface.Default.GlyphCount > 0
            ? null
            : "(this machine has no fonts, so the chart's labels are blank; on Debian/Ubuntu: apt-get install fonts-dejavu-core)";

    /// <summary>Writes <paramref name="basePath"/>.png and .svg and returns both full paths.</summary>
    public static (string Png, string Svg) Write(
        string basePath, IReadOnlyList<(string Label, IReadOnlyList<(int Jobs, double Speedup)> Points)> series, int cores, string title)
    {
        int maxJobs = series.SelectMany(s => s.Points).Max(p => p.Jobs);
        double maxSpeedup = series.SelectMany(s => s.Points).Max(p => p.Speedup);

        var plot = new Plot();
        plot.Title(title);
        plot.XLabel("jobs (concurrent workers)");
        plot.YLabel("speed-up over 1 job");

        var ideal = plot.Add.Line(1, 1, maxJobs, maxJobs);
        ideal.LegendText = "ideal (speed-up = jobs)";
        ideal.Color = Colors.Gray;
        ideal.LinePattern = LinePattern.Dashed;
        ideal.LineWidth = 2;

        Color[] palette = [new Color(31, 111, 209), new Color(214, 95, 0), new Color(46, 139, 87)];
        for (int i = 0; i < series.Count; i++)
        {
            double[] xs = series[i].Points.Select(p => (double)p.Jobs).ToArray();
            double[] ys = series[i].Points.Select(p => p.Speedup).ToArray();
            var line = plot.Add.Scatter(xs, ys, palette[i % palette.Length]);
            line.LegendText = series[i].Label;
            line.LineWidth = 2.5f;
            line.MarkerSize = 8;
        }

        if (cores >= 1 && cores <= maxJobs)
        {
            var coresLine = plot.Add.VerticalLine(cores, 1.5f, Colors.DimGray, LinePattern.Dotted);
            coresLine.LegendText = $"{cores} cores";
        }

        plot.Axes.SetLimits(0.5, maxJobs + 0.5, 0, System.Math.Ceiling(System.Math.Max(maxJobs, maxSpeedup)) + 0.5);
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericFixedInterval(maxJobs <= 16 ? 1 : System.Math.Ceiling(maxJobs / 16.0));
        plot.ShowLegend(Alignment.UpperLeft);

        string directory = Path.GetDirectoryName(Path.GetFullPath(basePath))!;
        Directory.CreateDirectory(directory);
        string png = Path.GetFullPath(basePath + ".png");
        string svg = Path.GetFullPath(basePath + ".svg");
        plot.SavePng(png, Width, Height);
        plot.SaveSvg(svg, Width, Height);
        return (png, svg);
    }
}
