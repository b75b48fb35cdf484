using System.Collections.Concurrent;

namespace ParallelGen.Tests;

[Collection(nameof(ProbeCollection))]
public class ConcurrencyTests : IDisposable
{
    public void Dispose() => Probe.Body = x => x;

    [Fact]
    public void Jobs_8_runs_8_blocking_calls_at_once_even_on_few_cores()
    {
        // Every call waits until all 8 are inside at the same time; this only succeeds if 8 run concurrently.
        using var barrier = new Barrier(8);
        var counter = new OverlapCounter();
        Probe.Body = x =>
        {
            using (counter.Enter())
            {
                return barrier.SignalAndWait(TimeSpan.FromSeconds(30)) ? x : -1;
            }
        };

        int[] results = Probe.EightParallel(Enumerable.Range(0, 8));

        Assert.Equal(Enumerable.Range(0, 8), results);
        Assert.Equal(8, counter.Max);
    }

    [Fact]
    public void Jobs_n_never_runs_more_than_n_calls_at_once()
    {
        var counter = new OverlapCounter();
        using var bothIn = new Barrier(2);
        Probe.Body = x =>
        {
            using (counter.Enter())
            {
                if (x < 2)
                {
                    bothIn.SignalAndWait(TimeSpan.FromSeconds(30)); // the first two items overlap
                }

                Thread.Sleep(1);
                return x;
            }
        };

        Probe.TwoParallel(Enumerable.Range(0, 40));

        Assert.Equal(2, counter.Max);
    }

    [Fact]
    public void Per_call_jobs_option_overrides_the_attribute()
    {
        var counter = new OverlapCounter();
        Probe.Body = x =>
        {
            using (counter.Enter())
            {
                Thread.Sleep(1);
                return x;
            }
        };

        Probe.EightParallel(Enumerable.Range(0, 30), new ParallelizeOptions { Jobs = 1 });

        Assert.Equal(1, counter.Max);
    }

    [Fact]
    public void Jobs_1_runs_inline_on_the_calling_thread()
    {
        var threads = new ConcurrentBag<int>();
        Probe.Body = x =>
        {
            threads.Add(Environment.CurrentManagedThreadId);
            return x;
        };

        Probe.OneParallel(Enumerable.Range(0, 20));

        Assert.Equal([Environment.CurrentManagedThreadId], threads.Distinct());
    }

    [Fact]
    public void Negative_jobs_count_cpus_like_joblib()
    {
        int cpus = Environment.ProcessorCount;
        Assert.Equal(cpus, ParallelRunner.GetWorkerCount(new ParallelDefaults(Jobs: -1), null, 1000));
        Assert.Equal(Math.Max(1, cpus - 1), ParallelRunner.GetWorkerCount(new ParallelDefaults(Jobs: -2), null, 1000));
        Assert.Equal(1, ParallelRunner.GetWorkerCount(new ParallelDefaults(Jobs: -1000), null, 1000));
        Assert.Equal(3, ParallelRunner.GetWorkerCount(new ParallelDefaults(Jobs: 8), null, 3));
    }

    [Fact]
    public void Jobs_0_is_rejected_at_run_time_too()
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => Probe.EightParallel([1], new ParallelizeOptions { Jobs = 0 }));
        Assert.Contains("-1 for all CPUs", ex.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => Probe.EightParallel([1], new ParallelizeOptions { BatchSize = -1 }));
    }

    [Fact]
    public void Explicit_batch_size_hands_out_consecutive_ranges()
    {
        var firstThreadOfItem = new int[100];
        Probe.Body = x =>
        {
            firstThreadOfItem[x] = Environment.CurrentManagedThreadId;
            return x;
        };

        Probe.EightParallel(Enumerable.Range(0, 100), new ParallelizeOptions { BatchSize = 10 });

        // Within each batch of 10 all items ran on one thread.
        for (int batch = 0; batch < 10; batch++)
        {
            Assert.Single(firstThreadOfItem.Skip(batch * 10).Take(10).Distinct());
        }
    }

    [Fact]
    public void Many_tiny_items_are_all_computed_exactly_once()
    {
        int[] counts = new int[1_000_000];
        Probe.Body = x => Interlocked.Increment(ref counts[x]);
        Probe.AllCpusParallel(Enumerable.Range(0, counts.Length).ToArray());
        Assert.All(counts, c => Assert.Equal(1, c));
    }

    [Fact]
    public async Task Async_version_of_a_blocking_method_does_not_block_the_caller()
    {
        using var release = new ManualResetEventSlim(false);
        Probe.Body = x =>
        {
            release.Wait(TimeSpan.FromSeconds(30));
            return x;
        };

        Task<int[]> task = Probe.EightParallelAsync(Enumerable.Range(0, 8));
        Assert.False(task.IsCompleted); // the calls are parked on worker threads, not on ours

        release.Set();
        Assert.Equal(Enumerable.Range(0, 8), await task);
    }

    [Fact]
    public async Task Async_method_keeps_at_most_jobs_calls_in_flight()
    {
        var counter = new OverlapCounter();
        var threeIn = new TaskCompletionSource();
        int entered = 0;
        Probe.AsyncBody = async (x, _) =>
        {
            using (counter.Enter())
            {
                if (Interlocked.Increment(ref entered) == 3)
                {
                    threeIn.SetResult();
                }

                await threeIn.Task.WaitAsync(TimeSpan.FromSeconds(30));
                await Task.Delay(1);
                return x;
            }
        };

        int[] results = await Probe.ThreeParallelAsync(Enumerable.Range(0, 30));

        Assert.Equal(Enumerable.Range(0, 30), results);
        Assert.Equal(3, counter.Max);
    }

    [Fact]
    public void Results_stay_ordered_when_items_finish_out_of_order()
    {
        Probe.Body = x =>
        {
            Thread.Sleep((10 - x) % 3);
            return x;
        };

        Assert.Equal(Enumerable.Range(0, 10), Probe.EightParallel(Enumerable.Range(0, 10)));
    }
}

[CollectionDefinition(nameof(ProbeCollection), DisableParallelization = true)]
public sealed class ProbeCollection;
