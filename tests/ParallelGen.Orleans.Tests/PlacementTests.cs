using System.Diagnostics;
using ParallelGen.Orleans;

namespace ParallelGen.Tests.Cluster;

/// <summary>
/// Where batches go: the driver's slot pool (counted, no cluster), and a LocalCluster whose silos join after its first
/// call started. Counts only: nothing here depends on how fast a silo is (the waits are bounded, for a loaded machine).
/// </summary>
[Collection(nameof(KillSiloCollection))]
public sealed class PlacementTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(120);

    [Fact]
    public async Task The_pool_fills_every_slot_of_every_silo_evenly_and_late_silos_take_the_next_batches()
    {
        var pool = new SlotPool(slotsPerSilo: 2);
        static bool NoneDead(string _) => false;
        pool.AddSilo("A");

        // Silo A alone: its 2 slots take 2 batches each, then the pool is full.
        long[] onA = [.. await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => pool.AcquireAsync(NoneDead, null, default).AsTask()))];
        Assert.Equal(4, pool.InFlightBySilo()["A"]);
        Assert.Equal(2, onA.Distinct().Count());
        ValueTask<long> waiting = pool.AcquireAsync(NoneDead, null, default);
        Assert.False(waiting.IsCompleted);

        // B joins: the waiting batch and the next three go to B, none to A.
        pool.AddSilo("B");
        long first = await waiting.AsTask().WaitAsync(Bound);
        long[] onB = [first, .. await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => pool.AcquireAsync(NoneDead, null, default).AsTask()))];
        Assert.All(onB, k => Assert.Equal("B", pool.IntendedSilo(k)));
        Assert.Equal(new Dictionary<string, int> { ["A"] = 4, ["B"] = 4 }, pool.InFlightBySilo());

        // C joins while both are full: 2 batches per slot there too; the slots alternate before doubling up.
        pool.AddSilo("C");
        long[] onC = [.. await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => pool.AcquireAsync(NoneDead, null, default).AsTask()))];
        Assert.All(onC, k => Assert.Equal("C", pool.IntendedSilo(k)));
        Assert.Equal(2, onC.Distinct().Count());
        Assert.Equal(new Dictionary<string, int> { ["A"] = 2, ["B"] = 2, ["C"] = 2 }, pool.SlotsBySilo());

        // A batch finished on A: the next one goes there, the only slot with room.
        pool.Release(onA[0]);
        Assert.Equal(onA[0], await pool.AcquireAsync(NoneDead, null, default).AsTask().WaitAsync(Bound));

        // A failed batch avoids its silo when another has room; a dead silo's slots take nothing.
        pool.Release(onB[0]);
        pool.Release(onC[0]);
        Assert.Equal("C", pool.IntendedSilo(await pool.AcquireAsync(NoneDead, avoidSilo: "B", default)));
        Assert.Equal("B", pool.IntendedSilo(await pool.AcquireAsync(s => s == "C", null, default)));
    }

    [Fact]
    public async Task A_slot_placed_on_another_silo_is_replaced_by_a_fresh_one_for_its_silo()
    {
        var pool = new SlotPool(slotsPerSilo: 1);
        static bool NoneDead(string _) => false;
        pool.AddSilo("A");
        pool.AddSilo("B");
        long key = await pool.AcquireAsync(NoneDead, null, default);
        string meant = pool.IntendedSilo(key)!;

        pool.Misplaced(key, actualSilo: meant == "A" ? "B" : "A");

        // The misplaced slot finishes its batch but takes no more; its silo has one fresh slot instead.
        Assert.Equal(1, pool.SlotsBySilo()[meant]);
        pool.Release(key);
        long next = await pool.AcquireAsync(NoneDead, avoidSilo: meant == "A" ? "B" : "A", default);
        Assert.NotEqual(key, next);
        Assert.Equal(meant, pool.IntendedSilo(next));
        Assert.Null(pool.IntendedSilo(key));
    }

    [Fact]
    public async Task Silos_that_join_after_a_call_started_take_an_even_share_of_its_batches()
    {
        string gate = Path.Combine(Path.GetTempPath(), "parallelgen-gate-" + Guid.NewGuid().ToString("N"));
        int[] pids;
        try
        {
            await using LocalCluster cluster = await LocalCluster.StartAsync(3);
            pids = [.. cluster.SiloProcessIds];
            Assert.Equal(3, pids.Length);

            // StartAsync returns once silo 0 has joined; the call starts at once, before the others have (usually).
            // Every item waits at the gate: batches stay in flight, so where they went can be counted.
            int perSilo = cluster.SlotsPerSilo * SlotPool.InFlightPerSlot;
            int items = 3 * perSilo + 24;
            Task<(int Pid, int Item)[]> run = ClusterTargets.AfterGateParallelAsync(
                Enumerable.Range(0, items).Select(i => (i, gate)), new ParallelizeOptions { BackendInstance = cluster });

            await cluster.AllSilosJoined.WaitAsync(Bound);
            Assert.Equal(3, cluster.JoinedSilos.Count);

            // Every silo, the late ones included, runs the same number of the call's batches: its slots, full.
            await SiloChecks.WaitUntil(Bound, () => cluster.InFlightBySilo() is var f && f.Count == 3 && f.Values.All(n => n == perSilo),
                () => $"{perSilo} batches in flight on each of the 3 silos; now: {string.Join(", ", cluster.InFlightBySilo().Select(p => $"{p.Key}: {p.Value}"))}");
            Assert.All(cluster.SlotsBySilo().Values, n => Assert.Equal(cluster.SlotsPerSilo, n));
            Assert.False(run.IsCompleted);

            File.WriteAllText(gate, "");
            (int Pid, int Item)[] results = await run.WaitAsync(Bound);

            Assert.Equal(Enumerable.Range(0, items), results.Select(r => r.Item));
            Dictionary<int, int> bySilo = results.GroupBy(r => r.Pid).ToDictionary(g => g.Key, g => g.Count());
            Assert.Equal(pids.Order(), bySilo.Keys.Order());
            Assert.All(pids, p => Assert.True(bySilo[p] >= perSilo, $"silo process {p} ran {bySilo[p]} items, fewer than the {perSilo} it had in flight"));
        }
        finally
        {
            File.Delete(gate);
        }

        SiloChecks.AssertAllExited(pids);
    }
}
