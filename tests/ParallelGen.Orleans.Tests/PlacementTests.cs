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

    /// <summary>
    /// The Orleans client sends a grain's calls through one gateway silo, which forwards them when the grain lives on
    /// another silo. The driver keys every slot so that its calls arrive at its own silo: counted on the silos, with the
    /// messages each silo's gateway received from the client (Orleans' own counter) and the batches each silo ran.
    /// </summary>
    [Fact]
    public async Task Every_slot_is_reached_through_its_own_silos_gateway_so_no_batch_is_forwarded()
    {
        int[] pids;
        await using (LocalCluster cluster = await LocalCluster.StartAsync(3))
        {
            pids = [.. cluster.SiloProcessIds];
            await cluster.AllSilosJoined.WaitAsync(Bound);
            var options = new ParallelizeOptions { BackendInstance = cluster };
            int items = 3 * cluster.SlotsPerSilo * SlotPool.InFlightPerSlot;

            // The driver's gateway probes find direct keys; calls swap each idle slot for one.
            var waited = Stopwatch.StartNew();
            while (!(cluster.DirectSlotsBySilo() is var direct && direct.Count == 3 && direct.Values.All(n => n == cluster.SlotsPerSilo)))
            {
                Assert.True(waited.Elapsed < Bound, $"every silo has {cluster.SlotsPerSilo} direct slots; now: {string.Join(", ", cluster.DirectSlotsBySilo().Select(p => $"{p.Key}: {p.Value}"))}");
                await ClusterTargets.WhereAmIParallelAsync(Enumerable.Range(0, items).Select(i => (i, 0)), options).WaitAsync(Bound);
                await Task.Delay(100);
            }

            var slots = cluster.SlotList();
            Assert.Equal(3 * cluster.SlotsPerSilo, slots.Count);
            Assert.All(slots, s => Assert.True(s.Direct));

            // Each slot: the client's calls to it are received by its own silo's gateway, no other's.
            foreach (var (key, silo, _) in slots)
            {
                Assert.Equal(silo, await GatewayOfAsync(cluster, key));
            }

            // The check sees a hop when there is one: a slot placed on a chosen silo with a fresh key is reached through
            // another silo's gateway for 2 keys in 3 (the client gives a new key's bucket the next gateway).
            bool sawHop = false;
            for (int attempt = 0; attempt < 12 && !sawHop; attempt++)
            {
                long fresh = (1L << 62) + attempt;
                string meant = slots[attempt % slots.Count].Silo;
                global::Orleans.Runtime.RequestContext.Set(SlotPlacementDirector.TargetSiloKey, meant);
                string location = await cluster.Slot(fresh).Locate().WaitAsync(Bound);
                global::Orleans.Runtime.RequestContext.Remove(SlotPlacementDirector.TargetSiloKey);
                Assert.EndsWith(" " + meant, location, StringComparison.Ordinal);
                sawHop = await GatewayOfAsync(cluster, fresh) != meant;
            }

            Assert.True(sawHop, "12 slots placed on a chosen silo were all reached through that silo's gateway");

            // Batches of real calls, counted on the silos: every batch ran on a silo whose gateway received it.
            var before = await cluster.SiloCountersAsync();
            const int Calls = 10;
            for (int c = 0; c < Calls; c++)
            {
                await ClusterTargets.WhereAmIParallelAsync(Enumerable.Range(0, items).Select(i => (i, 0)), options).WaitAsync(Bound);
            }

            var after = await cluster.SiloCountersAsync();
            Assert.Equal(3, after.Count);
            var ran = after.ToDictionary(p => p.Key, p => p.Value.Batches - before[p.Key].Batches);
            var received = after.ToDictionary(p => p.Key, p => p.Value.ClientMessages - before[p.Key].ClientMessages);
            long forwarded = ran.Sum(p => Math.Max(0, p.Value - received[p.Key])); // at least this many came through another gateway
            Assert.True(ran.Values.Sum() >= Calls * items, $"{ran.Values.Sum()} batches ran, {Calls * items} sent");
            Assert.All(ran.Values, n => Assert.True(n > 0, "a silo ran no batch"));
            Assert.True(forwarded == 0, $"batches ran / client messages received per silo: {string.Join(", ", ran.Select(p => $"{p.Key}: {p.Value} / {received[p.Key]}"))}");
        }

        SiloChecks.AssertAllExited(pids);
    }

    /// <summary>The silo whose gateway receives the client's calls to slot <paramref name="key"/>, counted on the silos.</summary>
    private static async Task<string> GatewayOfAsync(LocalCluster cluster, long key)
    {
        string? gateway = await cluster.GatewayOfAsync(key).WaitAsync(Bound);
        Assert.True(gateway is not null, $"exactly one silo's gateway received the calls to slot {key}");
        return gateway!;
    }
}
