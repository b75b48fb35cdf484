using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;

namespace ParallelGen.Examples;

/// <summary>
/// 4. A CPU-bound job: estimating pi by throwing darts at the unit square. Unlike the sleeping function of scenario 1,
/// this one keeps a core busy, so the speed-up stops growing once every core is used.
/// </summary>
internal static partial class MonteCarlo
{
    /// <summary>Darts per call; set by the scenario.</summary>
    internal static int SamplesPerChunk = 1_000_000;

    /// <summary>
    /// Throws <see cref="SamplesPerChunk"/> darts and counts those inside the quarter circle. Each call creates its own
    /// <see cref="Random"/>, seeded from the chunk (task) index: reproducible, and no state shared between threads.
    /// (A shared <c>Random</c> would be PG0001, a constant seed PG0002; see Pitfalls.cs.)
    /// </summary>
    [Parallelize]
    internal static long CountInside(int chunk)
    {
        var random = new Random(20_240_601 + chunk);
        long inside = 0;
        for (int i = 0; i < SamplesPerChunk; i++)
        {
            double x = random.NextDouble();
            double y = random.NextDouble();
            if (x * x + y * y <= 1.0)
            {
                inside++;
            }
        }

        return inside;
    }

    /// <summary>pi from the chunks' counts.</summary>
    internal static double Estimate(long[] insideCounts) =>
        4.0 * insideCounts.Sum() / ((double)insideCounts.Length * SamplesPerChunk);
}

internal sealed class MonteCarloPiScenario : IScenario
{
    private const int Repeats = 3;

    public string Name => "pi";

    public string Title => "Monte-Carlo pi: CPU-bound speed-up over 1..N jobs";

    public void Run(TourSettings settings)
    {
        double? loadBefore = LoadAverage();
        int cores = Environment.ProcessorCount;
        int chunks = 32;
        MonteCarlo.SamplesPerChunk = settings.Quick ? 250_000 : 1_000_000;
        int[] jobValues = JobValues(cores);
        int[] chunkIndices = Enumerable.Range(0, chunks).ToArray();

        Tour.Say($"[Parallelize] static long CountInside(int chunk)  // {MonteCarlo.SamplesPerChunk:N0} darts, new Random(seed + chunk)");
        Tour.Code("long[] inside = MonteCarlo.CountInsideParallel(chunks, new ParallelizeOptions { Jobs = jobs });");
        Tour.Say($"{chunks} chunks = {(long)chunks * MonteCarlo.SamplesPerChunk:N0} darts per run; best of {Repeats} round-robin runs per jobs value;");
        Tour.Say($"this machine has {cores} logical CPU(s); jobs go up to {jobValues[^1]} to show the plateau.");

        // Warm-up: JIT the loop and start the worker threads, so that jobs = 1 is not penalised.
        MonteCarlo.CountInsideParallel(chunkIndices.Take(2), new ParallelizeOptions { Jobs = 2 });

        // Round-robin over the jobs values (rather than 3 runs of jobs = 1, then 3 of jobs = 2, ...), so that a burst of
        // load from another process does not land on one jobs value only.
        var best = new TimeSpan[jobValues.Length];
        var pis = new double[jobValues.Length];
        Array.Fill(best, TimeSpan.MaxValue);
        for (int r = 0; r < Repeats; r++)
        {
            for (int j = 0; j < jobValues.Length; j++)
            {
                var options = new ParallelizeOptions { Jobs = jobValues[j] };
                var (inside, elapsed) = Tour.Time(() => MonteCarlo.CountInsideParallel(chunkIndices, options));
                pis[j] = MonteCarlo.Estimate(inside);
                best[j] = elapsed < best[j] ? elapsed : best[j];
            }
        }

        var rows = new List<Row>();
        for (int j = 0; j < jobValues.Length; j++)
        {
            rows.Add(new Row(jobValues[j], best[j].TotalSeconds, pis[j]));
        }

        double t1 = rows[0].Seconds;
        Console.WriteLine();
        Console.WriteLine("    jobs   seconds   speed-up   efficiency   pi estimate");
        Console.WriteLine("   -----  --------  ---------  -----------  ------------");
        foreach (Row row in rows)
        {
            double speedup = t1 / row.Seconds;
            Console.WriteLine(
                $"   {row.Jobs,5}  {Tour.F(row.Seconds, "0.000"),8}  {Tour.F(speedup, "0.00") + "x",9}  {Tour.F(speedup / row.Jobs, "0%"),11}  {Tour.F(row.Pi, "0.000000"),12}");
        }

        Console.WriteLine();
        Tour.Say("speed-up (#) against ideal (jobs x, '|'):");
        double maxSpeedup = Math.Max(rows.Max(r => t1 / r.Seconds), jobValues[^1]);
        const int width = 48;
        foreach (Row row in rows)
        {
            double speedup = t1 / row.Seconds;
            int bar = (int)Math.Round(speedup / maxSpeedup * width);
            int ideal = (int)Math.Round(row.Jobs / maxSpeedup * width);
            char[] line = new string(' ', width + 1).ToCharArray();
            for (int i = 0; i < bar && i < line.Length; i++)
            {
                line[i] = '#';
            }

            if (ideal < line.Length && ideal >= bar)
            {
                line[ideal] = '|';
            }

            Console.WriteLine($"   jobs {row.Jobs,2} {new string(line)} {Tour.F(speedup, "0.00")}x{(row.Jobs == cores ? "  <- cores" : "")}");
        }

        var points = rows.Select(r => (r.Jobs, t1 / r.Seconds)).ToList();
        string path = Path.GetFullPath(Path.Combine(settings.ArtifactsDirectory, "speedup.svg"));
        SpeedupPlot.WriteSvg(path, points, cores, $"Monte-Carlo pi, {(long)chunks * MonteCarlo.SamplesPerChunk:N0} darts: speed-up vs jobs ({cores} CPUs)");
        Console.WriteLine();
        Tour.Say($"plot written to {path}");
        string? png = SpeedupPlot.TryRenderPng(path);
        Tour.Say(png is null ? "(no PNG: rsvg-convert is not on the PATH; open the SVG in a browser)" : $"and rendered to {png}");

        Row atCores = rows.Last(r => r.Jobs <= cores);
        double bestBeyond = rows.Where(r => r.Jobs > cores).Select(r => t1 / r.Seconds).DefaultIfEmpty(0).Max();
        Console.WriteLine();
        Tour.Say($"Reading it: at {atCores.Jobs} job(s) = the number of CPUs the speed-up is {Tour.F(t1 / atCores.Seconds, "0.00")}x (ideal {atCores.Jobs}x);");
        Tour.Say($"more jobs than CPUs reach at most {Tour.F(bestBeyond, "0.00")}x: extra workers only share the same cores, so the");
        Tour.Say("line flattens (blocking work, scenario 1, has no such ceiling).");
        if (loadBefore is { } load && load > cores * 0.5)
        {
            Tour.Say($"Note: the 1-minute load average is {Tour.F(load, "0.0")} on {cores} CPU(s) -- other processes are using the");
            Tour.Say("cores too, so the measured speed-up is lower than an idle machine would show.");
        }
    }

    /// <summary>The 1-minute load average on Linux, else <see langword="null"/>.</summary>
    private static double? LoadAverage()
    {
        try
        {
            string text = File.ReadAllText("/proc/loadavg");
            return double.Parse(text.Split(' ')[0], Tour.Inv);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            return null;
        }
    }

    /// <summary>1..cores, then on to 2 x cores (at least 4), thinning out on big machines.</summary>
    private static int[] JobValues(int cores)
    {
        int max = Math.Max(4, 2 * cores);
        var values = new SortedSet<int> { cores, max };
        for (int j = 1; j <= Math.Min(max, 8); j++)
        {
            values.Add(j);
        }

        for (int j = 8; j <= max; j *= 2)
        {
            values.Add(j);
        }

        return [.. values];
    }

    private readonly record struct Row(int Jobs, double Seconds, double Pi);
}
