using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Net;
using System.Text;

namespace ParallelGen.Examples;

/// <summary>A hand-written SVG line chart: measured speed-up against the ideal <c>speed-up = jobs</c> line.</summary>
internal static class SpeedupPlot
{
    private const double Width = 720;
    private const double Height = 460;
    private const double Left = 70;
    private const double Right = 30;
    private const double Top = 75;
    private const double Bottom = 60;

    public static void WriteSvg(string path, IReadOnlyList<(int Jobs, double Speedup)> points, int cores, string title)
    {
        int maxJobs = points.Max(p => p.Jobs);
        double yMax = Math.Ceiling(Math.Max(maxJobs, points.Max(p => p.Speedup)));
        double plotW = Width - Left - Right;
        double plotH = Height - Top - Bottom;
        double X(double jobs) => Left + (maxJobs == 1 ? 0 : (jobs - 1) / (maxJobs - 1) * plotW);
        double Y(double speedup) => Top + plotH - speedup / yMax * plotH;
        static string N(double v) => v.ToString("0.##", Tour.Inv);

        var svg = new StringBuilder();
        svg.AppendLine($"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{N(Width)}\" height=\"{N(Height)}\" viewBox=\"0 0 {N(Width)} {N(Height)}\" font-family=\"sans-serif\" font-size=\"13\">");
        svg.AppendLine($"  <rect width=\"{N(Width)}\" height=\"{N(Height)}\" fill=\"white\"/>");
        svg.AppendLine($"  <text x=\"{N(Width / 2)}\" y=\"28\" text-anchor=\"middle\" font-size=\"16\" font-weight=\"bold\">{WebUtility.HtmlEncode(title)}</text>");

        // Grid, ticks and tick labels.
        double yStep = yMax <= 10 ? 1 : Math.Ceiling(yMax / 10);
        for (double y = 0; y <= yMax + 1e-9; y += yStep)
        {
            svg.AppendLine($"  <line x1=\"{N(Left)}\" y1=\"{N(Y(y))}\" x2=\"{N(Left + plotW)}\" y2=\"{N(Y(y))}\" stroke=\"#e4e4e4\"/>");
            svg.AppendLine($"  <line x1=\"{N(Left - 5)}\" y1=\"{N(Y(y))}\" x2=\"{N(Left)}\" y2=\"{N(Y(y))}\" stroke=\"black\"/>");
            svg.AppendLine($"  <text x=\"{N(Left - 9)}\" y=\"{N(Y(y) + 4)}\" text-anchor=\"end\">{N(y)}</text>");
        }

        int xStep = maxJobs <= 16 ? 1 : (int)Math.Ceiling(maxJobs / 16.0);
        for (int j = 1; j <= maxJobs; j += xStep)
        {
            svg.AppendLine($"  <line x1=\"{N(X(j))}\" y1=\"{N(Top)}\" x2=\"{N(X(j))}\" y2=\"{N(Top + plotH)}\" stroke=\"#f0f0f0\"/>");
            svg.AppendLine($"  <line x1=\"{N(X(j))}\" y1=\"{N(Top + plotH)}\" x2=\"{N(X(j))}\" y2=\"{N(Top + plotH + 5)}\" stroke=\"black\"/>");
            svg.AppendLine($"  <text x=\"{N(X(j))}\" y=\"{N(Top + plotH + 20)}\" text-anchor=\"middle\">{j}</text>");
        }

        // Axes and their labels.
        svg.AppendLine($"  <line x1=\"{N(Left)}\" y1=\"{N(Top + plotH)}\" x2=\"{N(Left + plotW)}\" y2=\"{N(Top + plotH)}\" stroke=\"black\" stroke-width=\"1.5\"/>");
        svg.AppendLine($"  <line x1=\"{N(Left)}\" y1=\"{N(Top)}\" x2=\"{N(Left)}\" y2=\"{N(Top + plotH)}\" stroke=\"black\" stroke-width=\"1.5\"/>");
        svg.AppendLine($"  <text x=\"{N(Left + plotW / 2)}\" y=\"{N(Height - 15)}\" text-anchor=\"middle\">jobs (concurrent workers)</text>");
        svg.AppendLine($"  <text x=\"18\" y=\"{N(Top + plotH / 2)}\" text-anchor=\"middle\" transform=\"rotate(-90 18 {N(Top + plotH / 2)})\">speed-up over 1 job</text>");

        // Where the cores run out.
        if (cores >= 1 && cores <= maxJobs)
        {
            svg.AppendLine($"  <line x1=\"{N(X(cores))}\" y1=\"{N(Top)}\" x2=\"{N(X(cores))}\" y2=\"{N(Top + plotH)}\" stroke=\"#888\" stroke-dasharray=\"4 4\"/>");
            svg.AppendLine($"  <text x=\"{N(X(cores) + 5)}\" y=\"{N(Top + plotH - 8)}\" fill=\"#555\">{cores} cores</text>");
        }

        // Ideal line: speed-up = jobs.
        svg.AppendLine($"  <line x1=\"{N(X(1))}\" y1=\"{N(Y(1))}\" x2=\"{N(X(maxJobs))}\" y2=\"{N(Y(maxJobs))}\" stroke=\"#999\" stroke-width=\"2\" stroke-dasharray=\"8 5\"/>");

        // Measured line, points and values.
        string polyline = string.Join(" ", points.Select(p => $"{N(X(p.Jobs))},{N(Y(p.Speedup))}"));
        svg.AppendLine($"  <polyline points=\"{polyline}\" fill=\"none\" stroke=\"#1f6fd1\" stroke-width=\"2.5\"/>");
        foreach ((int jobs, double speedup) in points)
        {
            svg.AppendLine($"  <circle cx=\"{N(X(jobs))}\" cy=\"{N(Y(speedup))}\" r=\"4\" fill=\"#1f6fd1\"/>");
            svg.AppendLine($"  <text x=\"{N(X(jobs))}\" y=\"{N(Y(speedup) - 9)}\" text-anchor=\"middle\" font-size=\"11\" fill=\"#1f6fd1\">{speedup.ToString("0.00", Tour.Inv)}</text>");
        }

        // Legend: one row between the title and the plot.
        double lx = Left + plotW / 2 - 170;
        double ly = 52;
        svg.AppendLine($"  <line x1=\"{N(lx)}\" y1=\"{N(ly)}\" x2=\"{N(lx + 30)}\" y2=\"{N(ly)}\" stroke=\"#1f6fd1\" stroke-width=\"2.5\"/>");
        svg.AppendLine($"  <text x=\"{N(lx + 38)}\" y=\"{N(ly + 4)}\">measured (best of 3)</text>");
        svg.AppendLine($"  <line x1=\"{N(lx + 190)}\" y1=\"{N(ly)}\" x2=\"{N(lx + 220)}\" y2=\"{N(ly)}\" stroke=\"#999\" stroke-width=\"2\" stroke-dasharray=\"8 5\"/>");
        svg.AppendLine($"  <text x=\"{N(lx + 228)}\" y=\"{N(ly + 4)}\">ideal (speed-up = jobs)</text>");
        svg.AppendLine("</svg>");

        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, svg.ToString());
    }

    /// <summary>
    /// Renders the SVG to PNG with <c>rsvg-convert</c> if the machine happens to have it on its PATH; the tour itself
    /// takes no native dependency. Returns the PNG's path, or <see langword="null"/>.
    /// </summary>
    public static string? TryRenderPng(string svgPath)
    {
        string? tool = FindOnPath("rsvg-convert");
        if (tool is null)
        {
            return null;
        }

        string pngPath = Path.ChangeExtension(svgPath, ".png");
        try
        {
            var start = new ProcessStartInfo(tool) { RedirectStandardError = true, UseShellExecute = false };
            start.ArgumentList.Add("-o");
            start.ArgumentList.Add(pngPath);
            start.ArgumentList.Add(svgPath);
            using Process? process = Process.Start(start);
            if (process is null || !process.WaitForExit(10_000) || process.ExitCode != 0)
            {
                return null;
            }

            return File.Exists(pngPath) ? pngPath : null;
        }
        catch (Exception ex) when (ex is System.ComponentModel.Win32Exception or IOException or InvalidOperationException)
        {
            return null;
        }
    }

    private static string? FindOnPath(string name)
    {
        foreach (string dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            string candidate = Path.Combine(dir, name);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }
}
