using System.Collections;
using System.Diagnostics;
using ParallelGen.Internal;

namespace ParallelGen.Tests;

public static partial class StreamTargets
{
    [Parallelize(Jobs = 2)]
    public static int Spin(int x)
    {
        FailIfNegative(x);
        Thread.SpinWait(x);
        return x;
    }

    [Parallelize(Jobs = 2)]
    public static async Task<int> SpinLaterAsync(int x)
    {
        if (x % 3 == 0)
        {
            await Task.Yield();
        }

        FailIfNegative(x);
        Thread.SpinWait(x);
        return x;
    }

    internal const string SpinFailure = "a spinning item failed";

    private static void FailIfNegative(int x)
    {
        if (x < 0)
        {
            throw new InvalidOperationException(SpinFailure);
        }
    }
}

/// <summary>
/// The consumer of a stream never misses the wake-up it waits for: many small thread-backend streams (ordered and
/// unordered, sync and async consumers and bodies, several windows or none) with jittered item, input and consumer
/// timings, each with a long re-check interval, so that a lost wake-up is a wait that runs out and is counted.
/// </summary>
[Collection(nameof(StreamCollection))]
public sealed class StreamWakeUpTests
{
    /// <summary>
    /// Long enough that no notifier stalls this long, short enough that a lost wake-up does not hang the suite
    /// (PARALLELGEN_STREAM_RECHECK_MS=-1 turns the re-check off: a lost wake-up is then a hang, caught by the bounds below).
    /// </summary>
    private static readonly TimeSpan LongRecheck =
        int.TryParse(Environment.GetEnvironmentVariable("PARALLELGEN_STREAM_RECHECK_MS"), out int ms) ? TimeSpan.FromMilliseconds(ms) : TimeSpan.FromSeconds(2);

    /// <summary>How long one forced-interleaving stream may take before the test calls its consumer stuck.</summary>
    private static readonly TimeSpan StuckBound = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Small_streams_with_jittered_timings_lose_no_wake_up()
    {
        // PARALLELGEN_STREAM_STRESS=20000 for a longer loop; the default keeps the suite fast.
        int streams = int.TryParse(Environment.GetEnvironmentVariable("PARALLELGEN_STREAM_STRESS"), out int n) ? n : 4000;
        int seed = int.TryParse(Environment.GetEnvironmentVariable("PARALLELGEN_STREAM_STRESS_SEED"), out int s) ? s : 20261208;
        var random = new Random(seed);
        var missed = new List<string>();
        int current = -1;
        var watch = Stopwatch.StartNew();
        Task run = Task.Run(async () =>
        {
            for (int i = 0; i < streams; i++)
            {
                Volatile.Write(ref current, i);
                int[] items = [.. Enumerable.Range(0, random.Next(0, 6)).Select(_ => random.Next(0, 400))];
                if (items.Length > 0 && random.Next(6) == 0)
                {
                    items[random.Next(items.Length)] = -1; // this item fails: the stream ends with its exception
                }

                var input = new JitteredInput(items, random.Next(0, 400));
                int stopAfter = items.Length > 0 && random.Next(6) == 0 ? random.Next(items.Length) : int.MaxValue; // leave the loop early
                var options = new ParallelizeOptions { PreDispatch = random.Next(1, 4) };
                int consumerSpin = random.Next(0, 400);
                int variant = random.Next(8);
                bool ordered = (variant & 1) == 0, asyncBody = (variant & 2) != 0, asyncConsumer = (variant & 4) != 0;
                int misses = ordered
                    ? await Consume(asyncBody ? StreamTargets.SpinLaterParallelStream(input, options) : StreamTargets.SpinParallelStream(input, options), r => r, input, ordered, asyncConsumer, consumerSpin, stopAfter)
                    : await Consume(asyncBody ? StreamTargets.SpinLaterParallelUnordered(input, options) : StreamTargets.SpinParallelUnordered(input, options), r => r.Value, input, ordered, asyncConsumer, consumerSpin, stopAfter);
                if (misses > 0)
                {
                    missed.Add($"stream {i} ({input.Count} items{(items.Contains(-1) ? ", one failing" : "")}{(stopAfter < items.Length ? $", left after {stopAfter}" : "")}, " +
                        $"PreDispatch {options.PreDispatch}, {(ordered ? "ordered" : "unordered")}, {(asyncBody ? "async" : "sync")} body, " +
                        $"{(asyncConsumer ? "await foreach" : "foreach")}): {misses}");
                }
            }
        });

        // A lost wake-up costs LongRecheck; this bound only catches a consumer that never returns (a deadlock).
        TimeSpan bound = TimeSpan.FromMinutes(2) + (streams * TimeSpan.FromMilliseconds(5));
        if (await Task.WhenAny(run, Task.Delay(bound)) != run)
        {
            Assert.Fail($"stream {Volatile.Read(ref current)} of {streams} did not finish within {bound}: its consumer is stuck.");
        }

        await run;
        Assert.True(
            missed.Count == 0,
            $"{missed.Count} of {streams} streams (seed {seed}, {watch.Elapsed.TotalSeconds:F1} s) had a wait that ran out its " +
            $"{LongRecheck.TotalSeconds} s re-check interval and then found the stream had moved on (a lost wake-up):\n" +
            string.Join("\n", missed.Take(20)));
    }

    [Theory]
    [InlineData(0, true, false)]
    [InlineData(0, false, false)]
    [InlineData(0, true, true)]
    [InlineData(0, false, true)]
    [InlineData(3, true, false)]
    [InlineData(3, false, false)]
    [InlineData(3, true, true)]
    [InlineData(3, false, true)]
    public async Task The_consumer_is_not_left_waiting_when_the_input_ends_just_before_it_arms_its_wait(int count, bool ordered, bool asyncConsumer)
    {
        // The interleaving forced: the consumer has taken every result, finds no window and the producer not done; just
        // before it arms its wait, the input ends and the producer finishes (sets its end flag and signals, waking
        // nobody). The consumer must then see the end instead of waiting for a signal that already went.
        using var release = new ManualResetEventSlim();
        var input = new GatedInput(count, release);
        var options = new ParallelizeOptions { PreDispatch = 3 };
        int taken = 0;
        void ArmWhenAllTaken<T>(StreamEngine<T> engine)
        {
            engine.RecheckInterval = LongRecheck;
            engine.BeforeAwaitingWindow = () =>
            {
                if (taken == count)
                {
                    release.Set();
                    Assert.True(engine.ProducerTask.Wait(TimeSpan.FromSeconds(30)), "the producer did not finish");
                }
            };
        }

        Task<(int Misses, List<int> Got)> run = Task.Run(() => ordered
            ? ConsumeGated(StreamTargets.SpinParallelStream(input, options), r => r, asyncConsumer, ArmWhenAllTaken, () => taken++)
            : ConsumeGated(StreamTargets.SpinParallelUnordered(input, options), r => r.Value, asyncConsumer, ArmWhenAllTaken, () => taken++));
        if (await Task.WhenAny(run, Task.Delay(StuckBound)) != run)
        {
            Assert.Fail($"the consumer is stuck: {StuckBound.TotalSeconds} s after the input ended it still waits for a wake-up that already went.");
        }

        (int misses, List<int> got) = await run;

        Assert.Equal(Enumerable.Range(0, count), got.Order());
        Assert.True(misses == 0, $"the consumer waited its whole {LongRecheck.TotalSeconds} s re-check interval {misses} time(s) for a wake-up that had already gone");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Cancelling_just_before_the_consumer_arms_its_wait_is_seen_at_once(bool asyncConsumer)
    {
        // The producer is stuck reading a slow input (no window); the caller cancels just before the consumer arms its
        // wait, so the cancellation's signal finds no waiter. The consumer must see the cancellation when it re-checks,
        // not wait until the input moves (here: until the test releases it, after the stream ended).
        using var release = new ManualResetEventSlim();
        using var producerWaiting = new ManualResetEventSlim();
        using var cts = new CancellationTokenSource();
        ParallelStream<int> stream = StreamTargets.SpinParallelStream(new GatedInput(0, release, producerWaiting), cancellationToken: cts.Token);
        StreamEngine<int> engine = asyncConsumer ? (StreamEngine<int>)stream.GetAsyncEnumerator() : (StreamEngine<int>)stream.GetEnumerator();
        engine.RecheckInterval = LongRecheck;
        engine.BeforeAwaitingWindow = () =>
        {
            Assert.True(producerWaiting.Wait(TimeSpan.FromSeconds(30)), "the producer never read the input");
            cts.Cancel();
        };
        Task<bool> run = Task.Run(async () => asyncConsumer ? await engine.MoveNextAsync() : engine.MoveNext());
        try
        {
            if (await Task.WhenAny(run, Task.Delay(StuckBound)) != run)
            {
                Assert.Fail($"the consumer is stuck: {StuckBound.TotalSeconds} s after the cancellation it still waits.");
            }

            await Assert.ThrowsAsync<OperationCanceledException>(() => run);
        }
        finally
        {
            release.Set();
        }

        await engine.DisposeAsync();
        Assert.True(engine.MissedWakeUps == 0, $"the consumer waited its whole {LongRecheck.TotalSeconds} s re-check interval for the cancellation");
    }

    private static async Task<(int Misses, List<int> Got)> ConsumeGated<T>(
        ParallelStream<T> stream, Func<T, int> value, bool asyncConsumer, Action<StreamEngine<T>> prepare, Action taken)
    {
        var got = new List<int>();
        var engine = asyncConsumer ? (StreamEngine<T>)stream.GetAsyncEnumerator() : (StreamEngine<T>)stream.GetEnumerator();
        prepare(engine);
        try
        {
            while (asyncConsumer ? await engine.MoveNextAsync() : engine.MoveNext())
            {
                got.Add(value(engine.Current));
                taken();
            }
        }
        finally
        {
            await engine.DisposeAsync();
        }

        return (engine.MissedWakeUps, got);
    }

    /// <summary>Consumes one stream, checks its results, and returns how many of its waits ran out before it moved on.</summary>
    private static async Task<int> Consume<T>(
        ParallelStream<T> stream, Func<T, int> value, JitteredInput input, bool ordered, bool asyncConsumer, int spin, int stopAfter)
    {
        var got = new List<int>();
        Exception? failure = null;
        StreamEngine<T> engine = asyncConsumer ? (StreamEngine<T>)stream.GetAsyncEnumerator() : (StreamEngine<T>)stream.GetEnumerator();
        engine.RecheckInterval = LongRecheck;
        try
        {
            Thread.SpinWait(spin);
            while (got.Count < stopAfter && (asyncConsumer ? await engine.MoveNextAsync() : engine.MoveNext()))
            {
                got.Add(value(engine.Current));
                Thread.SpinWait(spin);
            }
        }
        catch (InvalidOperationException ex) when (ex.Message == StreamTargets.SpinFailure)
        {
            failure = ex;
        }
        finally
        {
            if (asyncConsumer)
            {
                await engine.DisposeAsync();
            }
            else
            {
                engine.Dispose();
            }
        }

        int failing = Array.IndexOf(input.Items, -1);
        var remaining = input.Items.ToList();
        Assert.All(got, r => Assert.True(r >= 0 && remaining.Remove(r), $"result {r} is not an unused result of the input"));
        if (ordered)
        {
            Assert.Equal(input.Items.Take(got.Count), got); // a prefix, in input order
        }

        if (failure is not null)
        {
            Assert.True(failing >= 0 && (!ordered || got.Count <= failing), "the stream failed without a failing item, or after its place");
        }
        else if (stopAfter < input.Count)
        {
            Assert.Equal(stopAfter, got.Count); // left early
        }
        else
        {
            Assert.True(failing < 0, "the failing item's exception was not thrown");
            Assert.Equal(input.Count, got.Count);
        }

        return engine.MissedWakeUps;
    }

    /// <summary>Items 0 .. count - 1, then an end reported only once the test releases it.</summary>
    private sealed class GatedInput(int count, ManualResetEventSlim release, ManualResetEventSlim? waiting = null) : IEnumerable<int>
    {
        public IEnumerator<int> GetEnumerator()
        {
            for (int i = 0; i < count; i++)
            {
                yield return i;
            }

            waiting?.Set();

            if (!release.Wait(TimeSpan.FromSeconds(30)))
            {
                throw new InputException("the test never released the input's end");
            }
        }

        IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
    }

    /// <summary>An input that is not a collection (read by enumeration), spinning a while before it reports its end.</summary>
    private sealed class JitteredInput(int[] items, int endSpin) : IEnumerable<int>
    {
        public int[] Items => items;

        public int Count => items.Length;

        public IEnumerator<int> GetEnumerator()
        {
            foreach (int item in Items)
            {
                yield return item;
            }

            Thread.SpinWait(endSpin);
        }

        IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
    }
}
