using System.Collections;
using System.Collections.Concurrent;
using ParallelGen.Tests.Contract;

namespace ParallelGen.Tests;

[CollectionDefinition(nameof(StreamCollection), DisableParallelization = true)]
public sealed class StreamCollection;

/// <summary>Streams (joblib's return_as), lazy input (pre_dispatch) and in-place indexable input.</summary>
[Collection(nameof(StreamCollection))]
public sealed class StreamTests : IDisposable
{
    public StreamTests()
    {
        StreamTargets.Hook = _ => { };
        StreamTargets.Log.Clear();
    }

    public void Dispose()
    {
        StreamTargets.Hook = _ => { };
        StreamTargets.Log.Clear();
    }

    [Fact]
    public async Task Ordered_stream_hands_out_results_in_input_order_sync_and_async()
    {
        int[] expected = [.. Enumerable.Range(0, 1000).Select(x => x * x)];
        Assert.Equal(expected, StreamTargets.SquareParallelStream(Enumerable.Range(0, 1000)).ToArray());

        var got = new List<int>();
        await foreach (int r in StreamTargets.SquareParallelStream(Enumerable.Range(0, 1000).Where(_ => true)))
        {
            got.Add(r);
        }

        Assert.Equal(expected, got);
        Assert.Empty(StreamTargets.SquareParallelStream([]));
    }

    [Fact]
    public void Ordered_stream_hands_out_a_result_before_the_later_items_are_done()
    {
        // Items from 3 on wait until the consumer has received result 2: a stream that buffered the whole call (or a
        // whole window) would make them wait their full 30 s and return -1.
        using var got2 = new ManualResetEventSlim();
        StreamTargets.Hook = x =>
        {
            if (x >= 3 && !got2.Wait(TimeSpan.FromSeconds(30)))
            {
                throw new TimeoutException($"item {x} was never released");
            }
        };

        var results = new List<int>();
        foreach (int r in StreamTargets.SquareParallelStream(Enumerable.Range(0, 12), new ParallelizeOptions { PreDispatch = 12 }))
        {
            results.Add(r);
            if (results.Count == 3)
            {
                got2.Set();
            }
        }

        Assert.Equal(Enumerable.Range(0, 12).Select(x => x * x), results);
    }

    [Fact]
    public void Unordered_stream_hands_out_results_in_completion_order_with_their_index()
    {
        // Item 0 waits until the consumer has received 5 other results.
        using var release = new ManualResetEventSlim();
        StreamTargets.Hook = x =>
        {
            if (x == 0 && !release.Wait(TimeSpan.FromSeconds(30)))
            {
                throw new TimeoutException("item 0 was never released");
            }
        };

        var results = new List<ParallelResult<int>>();
        foreach (ParallelResult<int> r in StreamTargets.SquareParallelUnordered(Enumerable.Range(0, 40), new ParallelizeOptions { PreDispatch = 40 }))
        {
            results.Add(r);
            if (results.Count == 5)
            {
                release.Set();
            }
        }

        Assert.NotEqual(0, results[0].Index);
        Assert.Equal(Enumerable.Range(0, 40).Select(i => (long)i), results.Select(r => r.Index).Order());
        Assert.All(results, r => Assert.Equal(r.Index * r.Index, r.Value));
    }

    [Fact]
    public void Breaking_out_of_a_stream_stops_dispatch_and_cancels_the_running_items()
    {
        int started = 0;
        StreamTargets.Hook = _ => Interlocked.Increment(ref started);

        var seen = new List<int>();
        foreach (int x in StreamTargets.WaitParallelStream(Enumerable.Range(0, 10_000), new ParallelizeOptions { PreDispatch = 16 }))
        {
            seen.Add(x);
            if (seen.Count == 2)
            {
                break;
            }
        }

        Assert.Equal([0, 1], seen);
        int afterBreak = Volatile.Read(ref started);
        Assert.InRange(afterBreak, 3, 16);
        Assert.Contains(StreamTargets.Log, line => line.StartsWith("cancelled ", StringComparison.Ordinal));
        Assert.Equal(
            StreamTargets.Log.Count(l => l.StartsWith("holding ", StringComparison.Ordinal)),
            StreamTargets.Log.Count(l => l.StartsWith("cancelled ", StringComparison.Ordinal)));
        Thread.Sleep(200);
        Assert.Equal(afterBreak, Volatile.Read(ref started));
    }

    [Fact]
    public async Task Cancelling_the_token_ends_the_stream_with_OperationCanceledException_and_cancels_running_items()
    {
        using var cts = new CancellationTokenSource();
        var seen = new List<int>();
        var ex = await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (int x in StreamTargets.WaitParallelStream(Enumerable.Range(0, 10_000), cancellationToken: cts.Token))
            {
                seen.Add(x);
                if (seen.Count == 2)
                {
                    await cts.CancelAsync();
                }
            }
        });

        Assert.Equal(cts.Token, ex.CancellationToken);
        Assert.Equal([0, 1], seen);
        Assert.Contains(StreamTargets.Log, line => line.StartsWith("cancelled ", StringComparison.Ordinal));

        // The enumerator's own token (WithCancellation) stops it the same way.
        using var cts2 = new CancellationTokenSource();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (int x in StreamTargets.WaitParallelStream(Enumerable.Range(0, 10_000)).AsAsyncEnumerable().WithCancellation(cts2.Token))
            {
                await cts2.CancelAsync();
            }
        });
    }

    [Fact]
    public void A_million_1kB_results_through_an_ordered_stream_are_never_all_held()
    {
        // Live = created - finalized Payloads. A stream that buffered its results would reach ~10^6 here.
        const int n = 1_000_000;
        const long bound = 60_000; // three windows of at most 2 workers x 2 x 4096 items, and slack for the GC's timing
        GC.Collect();
        GC.WaitForPendingFinalizers();
        long baseline = Payload.Live;
        long maxLive = 0;
        long expected = 0;
        foreach (Payload p in StreamTargets.MakeParallelStream(Enumerable.Range(0, n)))
        {
            Assert.Equal(expected++, p.Index);
            if (expected % 50_000 == 0)
            {
                GC.Collect();
                GC.WaitForPendingFinalizers();
                maxLive = Math.Max(maxLive, Payload.Live - baseline);
                Assert.True(maxLive <= bound, $"{maxLive} results alive after {expected} consumed: the stream holds consumed or future results");
            }
        }

        Assert.Equal(n, expected);
        Assert.True(maxLive > 0, "the counter saw no live result: the test measures nothing");
    }

    [Fact]
    public void Lazy_input_interleaves_production_and_consumption()
    {
        var log = StreamTargets.Log;
        IEnumerable<int> Produce()
        {
            for (int i = 0; i < 64; i++)
            {
                log.Enqueue($"produced {i}");
                yield return i;
            }
        }

        int[] results = [.. StreamTargets.LoggedParallelStream(Produce(), new ParallelizeOptions { PreDispatch = 4 })];
        Assert.Equal(Enumerable.Range(0, 64), results);

        string[] lines = [.. log];
        Assert.True(
            Array.IndexOf(lines, "consumed 0") < Array.IndexOf(lines, "produced 63"),
            "the whole input was read before the first call: " + string.Join(", ", lines.Take(80)));

        // Never more than PreDispatch items read ahead of the calls started.
        int consumed = 0;
        foreach (string line in lines)
        {
            if (line.StartsWith("consumed ", StringComparison.Ordinal))
            {
                consumed++;
            }
            else
            {
                int i = int.Parse(line["produced ".Length..], System.Globalization.CultureInfo.InvariantCulture);
                Assert.True(i < consumed + 4, $"item {i} was read with only {consumed} calls started (PreDispatch = 4)");
            }
        }
    }

    [Fact]
    public void A_ParallelConfig_scope_sets_the_pre_dispatch_of_streams()
    {
        var log = StreamTargets.Log;
        IEnumerable<int> Produce()
        {
            for (int i = 0; i < 32; i++)
            {
                log.Enqueue($"produced {i}");
                yield return i;
            }
        }

        ParallelStream<int> stream;
        using (ParallelConfig.Use(new ParallelConfig { PreDispatch = 2 }))
        {
            stream = StreamTargets.LoggedParallelStream(Produce());
        }

        Assert.Equal(Enumerable.Range(0, 32), stream);
        int consumed = 0;
        foreach (string line in log)
        {
            if (line.StartsWith("consumed ", StringComparison.Ordinal))
            {
                consumed++;
            }
            else
            {
                int i = int.Parse(line["produced ".Length..], System.Globalization.CultureInfo.InvariantCulture);
                Assert.True(i < consumed + 2, $"item {i} was read with only {consumed} calls started (scope PreDispatch = 2)");
            }
        }

        Assert.Throws<ArgumentOutOfRangeException>(() => StreamTargets.LoggedParallelStream([1], new ParallelizeOptions { PreDispatch = 0 }));
    }

    [Fact]
    public void An_endless_input_works_with_a_stream_consumed_partially()
    {
        bool disposed = false;
        IEnumerable<int> Naturals()
        {
            try
            {
                for (int i = 0; ; i++)
                {
                    yield return i;
                }
            }
            finally
            {
                disposed = true;
            }
        }

        Assert.Equal(Enumerable.Range(0, 100).Select(x => x * x), StreamTargets.SquareParallelStream(Naturals()).Take(100));
        Assert.True(disposed, "the input's enumerator was not disposed when the stream was abandoned");

        Assert.Equal(50, StreamTargets.SquareParallelUnordered(Naturals()).Take(50).Count());
    }

    [Fact]
    public async Task Errors_from_the_input_enumerator_reach_the_caller_as_themselves()
    {
        IEnumerable<int> Failing()
        {
            for (int i = 0; i < 5; i++)
            {
                yield return i;
            }

            throw new InputException("input broke after 5");
        }

        // Streams: the results of the items read before the error, then the error.
        var got = new List<int>();
        var streamError = Assert.Throws<InputException>(() =>
        {
            foreach (int r in StreamTargets.SquareParallelStream(Failing()))
            {
                got.Add(r);
            }
        });
        Assert.Equal("input broke after 5", streamError.Message);
        Assert.Equal([0, 1, 4, 9, 16], got);

        // Arrays: the blocking method throws it; the task method returns a faulted task rather than throwing.
        Assert.Throws<InputException>(() => StreamTargets.SquareParallel(Failing()));
        Task<int[]> task = StreamTargets.SquareParallelAsync(Failing());
        Assert.True(task.IsFaulted);
        await Assert.ThrowsAsync<InputException>(() => task);
        await Assert.ThrowsAsync<InputException>(() => StreamTargets.TwiceParallelAsync(Failing()));
    }

    [Fact]
    public void A_failing_item_ends_the_stream_after_the_results_before_it_with_its_input_index()
    {
        StreamTargets.Hook = x =>
        {
            if (x == 10)
            {
                throw new ContractException("item 10");
            }
        };

        var got = new List<int>();
        var ex = Assert.Throws<ContractException>(() =>
        {
            foreach (int r in StreamTargets.SquareParallelStream(Enumerable.Range(0, 100), new ParallelizeOptions { PreDispatch = 4 }))
            {
                got.Add(r);
            }
        });

        Assert.Equal(10, ex.GetParallelItemIndex());
        Assert.Equal(Enumerable.Range(0, 10).Select(x => x * x), got);
    }

    [Fact]
    public async Task Void_and_async_methods_stream_too()
    {
        var touched = new ConcurrentBag<int>();
        StreamTargets.Hook = touched.Add;
        Assert.Equal(Enumerable.Range(0, 50).Select(i => (long)i), StreamTargets.TouchParallelStream(Enumerable.Range(0, 50)));
        Assert.Equal(50, touched.Count);
        Assert.Equal(Enumerable.Range(0, 30).Select(i => (long)i), StreamTargets.TouchParallelUnordered(Enumerable.Range(0, 30)).Order());

        var doubled = new List<int>();
        await foreach (int r in StreamTargets.TwiceParallelStream(Enumerable.Range(0, 40)))
        {
            doubled.Add(r);
        }

        Assert.Equal(Enumerable.Range(0, 40).Select(x => 2 * x), doubled);
        var unordered = new List<ParallelResult<int>>();
        await foreach (ParallelResult<int> r in StreamTargets.TwiceParallelUnordered(Enumerable.Range(0, 40)))
        {
            unordered.Add(r);
        }

        Assert.Equal(Enumerable.Range(0, 40).Select(i => (long)i), unordered.Select(r => r.Index).Order());
        Assert.All(unordered, r => Assert.Equal(2 * r.Index, r.Value));
    }

    [Fact]
    public async Task ParallelContext_ItemIndex_in_a_stream_is_the_position_in_the_whole_input()
    {
        var options = new ParallelizeOptions { PreDispatch = 4 };
        Assert.Equal(Enumerable.Range(0, 50), StreamTargets.PositionParallelStream(Enumerable.Range(100, 50), options));
        var unordered = new List<ParallelResult<int>>();
        await foreach (ParallelResult<int> r in StreamTargets.PositionParallelUnordered(Enumerable.Range(100, 50), options))
        {
            unordered.Add(r);
        }

        Assert.All(unordered, r => Assert.Equal(r.Index, r.Value));
    }

    [Fact]
    public void A_stream_runs_once_and_nothing_runs_before_it_is_enumerated()
    {
        int calls = 0;
        StreamTargets.Hook = _ => Interlocked.Increment(ref calls);
        ParallelStream<int> stream = StreamTargets.SquareParallelStream(Enumerable.Range(0, 10));
        Thread.Sleep(50);
        Assert.Equal(0, calls);
        Assert.Equal(10, stream.Count());
        Assert.Throws<InvalidOperationException>(() => stream.GetEnumerator());
        Assert.Throws<ArgumentNullException>(() => StreamTargets.SquareParallelStream(null!));
    }

    [Fact]
    public async Task ParallelJobs_streams_ordered_and_unordered()
    {
        var jobs = new ParallelJobs(jobs: 2);
        IEnumerable<DelayedCall<int>> Calls() => Enumerable.Range(0, 100).Select(i => Delayed.Call((int x) => x + 1, i));

        Assert.Equal(Enumerable.Range(1, 100), jobs.Stream(Calls()));
        var unordered = new List<ParallelResult<int>>();
        await foreach (ParallelResult<int> r in jobs.Unordered(Calls()))
        {
            unordered.Add(r);
        }

        Assert.Equal(Enumerable.Range(0, 100).Select(i => (long)i), unordered.Select(r => r.Index).Order());
        Assert.All(unordered, r => Assert.Equal(r.Index + 1, r.Value));
    }

    [Fact]
    public void Enumerable_Range_is_an_IReadOnlyList_and_indexable_inputs_are_read_in_place()
    {
        Assert.IsAssignableFrom<IReadOnlyList<int>>(Enumerable.Range(0, 10));
        Assert.IsAssignableFrom<IList<int>>(Enumerable.Range(0, 10));
        IEnumerable<int> range = Enumerable.Range(3, 10);
        Assert.Same(range, Internal.ItemSources.Classify(range, out Internal.ItemSources.Kind kind));
        Assert.Equal(Internal.ItemSources.Kind.Range, kind);
        int[] array = [1, 2];
        Assert.Same(array, Internal.ItemSources.Classify(array, out kind));
        Assert.Equal(Internal.ItemSources.Kind.Array, kind);

        // These lists cannot be enumerated (or copied): only indexing works.
        Assert.Equal([0, 1, 4, 9], StreamTargets.SquareParallel(new IndexOnlyReadOnlyList(4)));
        Assert.Equal([0, 1, 4, 9, 16], StreamTargets.SquareParallel(new IndexOnlyList(5)));
        Assert.Equal(Enumerable.Range(5, 1000).Select(x => x * x), StreamTargets.SquareParallel(Enumerable.Range(5, 1000)));
        Assert.Equal([4, 9], StreamTargets.SquareParallel(new List<int> { 2, 3 }));
    }

    private sealed class IndexOnlyReadOnlyList(int count) : IReadOnlyList<int>
    {
        public int this[int index] => index;

        public int Count => count;

        public IEnumerator<int> GetEnumerator() => throw new InvalidOperationException("enumerated instead of indexed");

        IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
    }

    private sealed class IndexOnlyList(int count) : IList<int>
    {
        public int this[int index] { get => index; set => throw new NotSupportedException(); }

        public int Count => count;

        public bool IsReadOnly => true;

        public void Add(int item) => throw new NotSupportedException();

        public void Clear() => throw new NotSupportedException();

        public bool Contains(int item) => throw new InvalidOperationException("searched instead of indexed");

        public void CopyTo(int[] array, int arrayIndex) => throw new InvalidOperationException("copied instead of indexed");

        public IEnumerator<int> GetEnumerator() => throw new InvalidOperationException("enumerated instead of indexed");

        public int IndexOf(int item) => throw new NotSupportedException();

        public void Insert(int index, int item) => throw new NotSupportedException();

        public bool Remove(int item) => throw new NotSupportedException();

        public void RemoveAt(int index) => throw new NotSupportedException();

        IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
    }
}

/// <summary>Streams on the process backend (results reported per batch through CallLifecycle.AddCompleted(first, count)).</summary>
[Collection(nameof(ProcessCollection))]
public sealed class ProcessStreamTests
{
    [Fact]
    public void Process_backend_streams_ordered_and_unordered_results()
    {
        (int, int)[] items = [.. Enumerable.Range(0, 20).Select(i => (i, (20 - i) % 4))];
        Assert.Equal(Enumerable.Range(0, 20).Select(x => x * x * x), StreamTargets.CubeParallelStream(items, new ParallelizeOptions { PreDispatch = 6 }));
        ParallelResult<int>[] unordered = [.. StreamTargets.CubeParallelUnordered(items)];
        Assert.Equal(Enumerable.Range(0, 20).Select(i => (long)i), unordered.Select(r => r.Index).Order());
        Assert.All(unordered, r => Assert.Equal(r.Index * r.Index * r.Index, r.Value));
    }
}
