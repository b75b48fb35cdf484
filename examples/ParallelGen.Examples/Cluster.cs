using System;
using System.Collections.Generic;
using System.Linq;
using ParallelGen.Orleans;

namespace ParallelGen.Examples;

/// <summary>
/// 10. The pi estimate of scenario 4 on a cluster: a <see cref="LocalCluster"/> of 3 silo processes on 127.0.0.1
/// (Microsoft Orleans; dask's <c>LocalCluster</c>), the same method body, and which silo did how much.
/// </summary>
internal static partial class MonteCarlo
{
    /// <summary>
    /// The same count on the silos of a cluster. As for worker processes, the number of darts travels with the item
    /// (a silo is another process). Nothing else changes: no Orleans attribute, no grain, the same <c>Count</c>.
    /// </summary>
    [Parallelize(Backend = Backend.Cluster)]
    internal static long CountInsideOnCluster(int chunk, int samples) => Count(chunk, samples);
}

internal sealed class ClusterScenario : IScenario
{
    private const int Silos = 3;

    public string Name => "cluster";

    public string Title => "Cluster: the pi estimate across 3 silo processes (Microsoft Orleans LocalCluster)";

    public void Run(TourSettings settings)
    {
        int chunks = settings.Quick ? 24 : 48;
        int samples = settings.Quick ? 250_000 : 1_000_000;
        (int, int)[] items = Enumerable.Range(0, chunks).Select(c => (c, samples)).ToArray();

        Tour.Code("[Parallelize(Backend = Backend.Cluster)] static long CountInsideOnCluster(int chunk, int samples)");
        // A silo costs about 2 CPU-seconds to start; on a heavily loaded machine (CI shares its cores) starting 3 can take
        // close to a minute, the default bound: the tour allows more rather than fail on load.
        LocalCluster.StartTimeout = TimeSpan.FromMinutes(3);
        Tour.Code($"await using LocalCluster cluster = await LocalCluster.StartAsync(silos: {Silos});");
        var (cluster, started) = Tour.Time(() => LocalCluster.StartAsync(Silos).GetAwaiter().GetResult());
        try
        {
            Tour.Say($"the first silo joined and the client connected in {Tour.Seconds(started)}: processes {string.Join(", ", cluster.SiloProcessIds)} " +
                     $"(this program again, on 127.0.0.1; its Main does not run there; this process: {Environment.ProcessId})");

            // Calls could start now (later silos take batches as they join); the tour waits for all, to show the spread.
            Tour.Code("await cluster.AllSilosJoined;");
            TimeSpan joined = Tour.Time(() => cluster.AllSilosJoined.GetAwaiter().GetResult());
            Tour.Say($"all {Silos} silos joined {Tour.Seconds(joined)} later");
            Tour.Say($"capacity {cluster.Capacity} slots = {cluster.SiloCount} silos x {cluster.SlotsPerSilo} slots per silo");

            Tour.Code($"long[] inside = MonteCarlo.CountInsideOnClusterParallel(chunks.Select(c => (c, darts)));  // {chunks} chunks x {samples:N0} darts");
            var (inside, elapsed) = Tour.Time(() => MonteCarlo.CountInsideOnClusterParallel(items, new ParallelizeOptions { BatchSize = 1 }));
            double pi = 4.0 * inside.Sum() / ((double)chunks * samples);

            // The same chunks with the same ParallelRandom seeds on this process's threads: the same estimate.
            MonteCarlo.SamplesPerChunk = samples;
            double local = MonteCarlo.Estimate(MonteCarlo.CountInsideParallel(Enumerable.Range(0, chunks)));
            Tour.Say($"pi ~ {Tour.F(pi, "0.000000")} in {Tour.Seconds(elapsed)} " +
                     $"({(pi == local ? "the same estimate as on this process's threads" : "DIFFERENT from the threads' estimate " + Tour.F(local, "0.000000"))})");

            Tour.Sub("Which silo did how much (cluster.ItemsBySiloProcess)");
            IReadOnlyDictionary<int, long> bySilo = cluster.ItemsBySiloProcess;
            foreach (int pid in cluster.SiloProcessIds)
            {
                long n = bySilo.TryGetValue(pid, out long c) ? c : 0;
                Tour.Say($"silo process {pid,7}: {n,3} chunks  {new string('#', (int)n)}");
            }

            int busy = cluster.SiloProcessIds.Count(pid => bySilo.TryGetValue(pid, out long c) && c > 0);
            Tour.Say($"{bySilo.Values.Sum()} of {chunks} chunks, {busy} of {Silos} silos did work; results come back in input order.");
        }
        finally
        {
            Tour.Code("await cluster.DisposeAsync();  // disconnects and kills every silo it started");
            TimeSpan stopped = Tour.Time(() => cluster.DisposeAsync().AsTask().GetAwaiter().GetResult());
            Tour.Say($"silos stopped in {Tour.Seconds(stopped)}; live silos now: {cluster.SiloProcessIds.Count}");
        }
    }
}
