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
    /// <summary>The seed of the whole estimate; every chunk's generator is derived from it and the chunk's index.</summary>
    private const long RootSeed = 20_240_601;

    /// <summary>Darts per call; set by the scenario.</summary>
    internal static int SamplesPerChunk = 1_000_000;

    /// <summary>
    /// Throws <see cref="SamplesPerChunk"/> darts and counts those inside the quarter circle. Each call takes its own
    /// generator, <see cref="ParallelRandom.For"/>(root seed, chunk index): independent streams, no state shared between
    /// threads, and the same estimate for any jobs, batch size or backend.
    /// (A shared <c>Random</c> would be PG0001, a constant seed PG0002; see Pitfalls.cs.)
    /// </summary>
    [Parallelize]
    internal static long CountInside(int chunk) => Count(chunk, SamplesPerChunk);

    /// <summary>
    /// The same count in a pool of worker processes. The number of darts travels with the item: a worker is another
    /// process, so it would not see this process's <see cref="SamplesPerChunk"/> (PG0007 warns about reading it).
    /// </summary>
    [Parallelize(Backend = Backend.Processes)]
    internal static long CountInsideInWorker(int chunk, int samples) => Count(chunk, samples);

    /// <summary>
    /// The notebook's <c>compute_pi(part)</c> for <c>ProcessPoolExecutor().map(compute_pi, parts)</c>: a plain static
    /// method, so that a process executor's Map and Submit can send it to a worker (its id plus the part).
    /// </summary>
    internal static long CountPart((int Chunk, int Samples) part) => Count(part.Chunk, part.Samples);

    private static long Count(int chunk, int samples)
    {
        ParallelRandom random = ParallelRandom.For(RootSeed, chunk);
        long inside = 0;
        for (int i = 0; i < samples; i++)
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

        Tour.Say($"[Parallelize] static long CountInside(int chunk)  // {MonteCarlo.SamplesPerChunk:N0} darts, ParallelRandom.For(seed, chunk)");
        Tour.Code("long[] inside = MonteCarlo.CountInsideParallel(chunks, new ParallelizeOptions { Jobs = jobs });");
        Tour.Say($"{chunks} chunks = {(long)chunks * MonteCarlo.SamplesPerChunk:N0} darts per run; best of {Repeats} round-robin runs per jobs value;");
        Tour.Say($"this machine has {cores} logical CPU(s); jobs go up to {jobValues[^1]} to show the plateau.");

        Tour.Code("long[] inside = MonteCarlo.CountInsideInWorkerParallel(chunks.Select(c => (c, darts)), options);  // Backend.Processes");
        (int, int)[] workerItems = chunkIndices.Select(c => (c, MonteCarlo.SamplesPerChunk)).ToArray();

        // Warm-up: JIT the loop and start the worker threads and processes, so that jobs = 1 is not penalised.
        MonteCarlo.CountInsideParallel(chunkIndices.Take(2), new ParallelizeOptions { Jobs = 2 });
        MonteCarlo.CountInsideInWorkerParallel(workerItems.Take(jobValues[^1]), new ParallelizeOptions { Jobs = jobValues[^1], BatchSize = 1 });

        // Round-robin over the jobs values (rather than 3 runs of jobs = 1, then 3 of jobs = 2, ...), so that a burst of
        // load from another process does not land on one jobs value only.
        var best = new TimeSpan[jobValues.Length];
        var bestProcesses = new TimeSpan[jobValues.Length];
        var pis = new double[jobValues.Length];
        Array.Fill(best, TimeSpan.MaxValue);
        Array.Fill(bestProcesses, TimeSpan.MaxValue);
        var progress = new SweepProgress("measuring", Repeats * jobValues.Length, plainLines: Repeats);
        for (int r = 0; r < Repeats; r++)
        {
            for (int j = 0; j < jobValues.Length; j++)
            {
                var options = new ParallelizeOptions { Jobs = jobValues[j] };
                var (inside, elapsed) = Tour.Time(() => MonteCarlo.CountInsideParallel(chunkIndices, options));
                pis[j] = MonteCarlo.Estimate(inside);
                best[j] = elapsed < best[j] ? elapsed : best[j];

                var (insideInWorkers, elapsedInWorkers) = Tour.Time(() => MonteCarlo.CountInsideInWorkerParallel(workerItems, options));
                if (MonteCarlo.Estimate(insideInWorkers) != pis[j])
                {
                    throw new InvalidOperationException("the worker processes computed a different estimate");
                }

                bestProcesses[j] = elapsedInWorkers < bestProcesses[j] ? elapsedInWorkers : bestProcesses[j];
                progress.Step();
            }
        }

        // The notebook's form: with ProcessPoolExecutor() as ex: inside = ex.map(compute_pi, parts) / ex.submit(...).
        Console.WriteLine();
        Tour.Say("Python: with ProcessPoolExecutor() as ex: counts = list(ex.map(compute_pi, parts))");
        Tour.Code("using var pool = new ParallelExecutor(backend: Backend.Processes);");
        Tour.Code("long[] counts = pool.Map(MonteCarlo.CountPart, parts);");
        using (var pool = new ParallelExecutor(backend: Backend.Processes))
        {
            var (counts, mapped) = Tour.Time(() => pool.Map(MonteCarlo.CountPart, workerItems));
            Tour.Code("Future<long>[] futures = [.. parts.Select(p => pool.Submit(MonteCarlo.CountPart, p))];");
            var (submitted, viaFutures) = Tour.Time(() => workerItems.Select(p => pool.Submit(MonteCarlo.CountPart, p)).ToList().Select(f => f.Result()).ToArray());
            if (MonteCarlo.Estimate(counts) != pis[0] || MonteCarlo.Estimate(submitted) != pis[0])
            {
                throw new InvalidOperationException("the process executor computed a different estimate");
            }

            Tour.Say($"pi = {Tour.F(MonteCarlo.Estimate(counts), "0.000000")} with {pool.MaxWorkers} worker processes: Map {Tour.Seconds(mapped)}, Submit + Result {Tour.Seconds(viaFutures)} (same estimate as the threads)");
        }

        var rows = new List<Row>();
        for (int j = 0; j < jobValues.Length; j++)
        {
            rows.Add(new Row(jobValues[j], best[j].TotalSeconds, pis[j], bestProcesses[j].TotalSeconds));
        }

        double t1 = rows[0].Seconds;
        double p1 = rows[0].ProcessSeconds;
        Console.WriteLine();
        Console.WriteLine("          ------------ threads ------------   ---- processes ----");
        Console.WriteLine("    jobs   seconds   speed-up   efficiency     seconds   speed-up   pi estimate");
        Console.WriteLine("   -----  --------  ---------  -----------   --------  ---------  ------------");
        foreach (Row row in rows)
        {
            double speedup = t1 / row.Seconds;
            Console.WriteLine(
                $"   {row.Jobs,5}  {Tour.F(row.Seconds, "0.000"),8}  {Tour.F(speedup, "0.00") + "x",9}  {Tour.F(speedup / row.Jobs, "0%"),11}" +
                $"   {Tour.F(row.ProcessSeconds, "0.000"),8}  {Tour.F(p1 / row.ProcessSeconds, "0.00") + "x",9}  {Tour.F(row.Pi, "0.000000"),12}");
        }

        Console.WriteLine();
        Tour.Say("thread speed-up (#) against ideal (jobs x, '|'):");
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

        (int, double)[] threadPoints = rows.Select(r => (r.Jobs, t1 / r.Seconds)).ToArray();
        (int, double)[] processPoints = rows.Select(r => (r.Jobs, p1 / r.ProcessSeconds)).ToArray();
        var (png, svg) = SpeedupPlot.Write(
            Path.Combine(settings.ArtifactsDirectory, "speedup"),
            [("threads (best of 3)", threadPoints), ("processes (best of 3)", processPoints)],
            cores,
            $"Monte-Carlo pi, {(long)chunks * MonteCarlo.SamplesPerChunk:N0} darts: speed-up vs jobs ({cores} CPUs)");
        Console.WriteLine();
        Tour.Say($"plot written to {png}");
        Tour.Say($"            and {svg}");
        if (SpeedupPlot.MissingFontsNote() is { } note)
        {
            Tour.Say(note);
        }

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

    private readonly record struct Row(int Jobs, double Seconds, double Pi, double ProcessSeconds);
}
