using System.Diagnostics.Metrics;
using ParallelGen.Backends;
using ParallelGen.Diagnostics;
using Xunit.Abstractions;

namespace ParallelGen.Tests.Contract;

/// <summary>
/// What every backend promises, written once and run over every registered backend (joblib runs its suite over
/// <c>ALL_VALID_BACKENDS</c>): a backend is done when it passes these. Observations are made from inside the calls
/// (files they leave, values they return), never by timing the call.
/// </summary>
[Collection(nameof(ProcessCollection))]
public sealed class BackendContractTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("pg-contract-").FullName;

#if CLUSTER_CONTRACT
    // tests/ParallelGen.Orleans.Tests compiles this file again and runs the suite over Backend.Cluster alone, on the
    // LocalCluster its ProcessCollection fixture starts once.
    public static TheoryData<int> Backends => new((int)Backend.Cluster);

    public static TheoryData<int> BackendsReportingWhichItems => Backends;
#else
    public static TheoryData<int> Backends => new(ParallelBackendRegistry.Registered.Select(b => (int)b));

    /// <summary>
    /// Every backend but <see cref="CountOnlyBackend"/>, which reports only how many items finished: its streams see a
    /// window's results when the window's call is over, so a test that needs results while other items of the same
    /// window still hold (until the stream is abandoned) cannot run over it.
    /// </summary>
    public static TheoryData<int> BackendsReportingWhichItems =>
        new(ParallelBackendRegistry.Registered.Where(b => b != CountOnlyBackend.Value).Select(b => (int)b));
#endif

    public void Dispose() => Directory.Delete(_directory, recursive: true);

#if CLUSTER_IN_PROCESS
    // tests/ParallelGen.Orleans.InProcess.Tests compiles this file a third time, over an in-process cluster of 3 silos
    // that every call names explicitly: there is no default cluster there.
    private static object? Instance => InProcessClusterFixture.Target ?? throw new InvalidOperationException("The in-process cluster is not running.");

    private static IDisposable? UseInstance() => InProcessClusterFixture.Target!.Use();
#else
    private static object? Instance => null;

    private static IDisposable? UseInstance() => null;
#endif

    private static ParallelizeOptions On(int backend) => new() { Backend = (Backend)backend, BackendInstance = Instance };

    private int Started => Directory.GetFiles(_directory, "started-*").Length;

#if !CLUSTER_CONTRACT
    [Fact]
    public void The_suite_covers_the_built_in_backends_and_the_test_only_ones()
    {
        Assert.Equal([Backend.Threads, Backend.Processes, InlineBackend.Value, CountOnlyBackend.Value], ParallelBackendRegistry.Registered);
    }
#endif

    [Theory]
    [MemberData(nameof(Backends))]
    public async Task Results_keep_input_order_when_items_finish_out_of_order(int backend)
    {
        var items = Enumerable.Range(0, 30).Select(i => (i, (30 - i) % 3)).ToArray();
        long[] expected = [.. Enumerable.Range(0, 30).Select(i => (long)i * i)];

        Assert.Equal(expected, ContractTargets.SquareParallel(items, On(backend)));
        Assert.Equal(expected, await ContractTargets.SquareParallelAsync(items, On(backend)));
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public void Empty_input_makes_no_call_null_input_throws_and_a_cancelled_token_starts_nothing(int backend)
    {
        Assert.Empty(ContractTargets.StepParallel([], On(backend)));
        Assert.Throws<ArgumentNullException>(() => ContractTargets.StepParallel(null!, On(backend)));
        Assert.ThrowsAny<OperationCanceledException>(() =>
            ContractTargets.StepParallel([(0, _directory, -1, 0)], On(backend), new CancellationToken(true)));
        Assert.Equal(0, Started);
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public void A_body_reads_its_item_index_in_the_input_for_any_batch_size(int backend)
    {
        int[] items = [.. Enumerable.Range(0, 50).Select(i => 1000 + i)];
        foreach (int batchSize in new[] { 1, 7, 0 }) // 0: automatic batching
        {
            var options = new ParallelizeOptions { Backend = (Backend)backend, BackendInstance = Instance, BatchSize = batchSize };
            (int Item, int Index)[] seen = ContractTargets.WhereAmIParallel(items, options);
            Assert.Equal(items.Select((item, index) => (item, index)), seen);
        }
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public async Task First_exception_keeps_its_original_type_message_and_item_index(int backend)
    {
        var ex = Assert.Throws<ContractException>(() =>
            ContractTargets.StepParallel(Enumerable.Range(0, 20).Select(i => (i, _directory, 7, 0)), On(backend)));
        Assert.Equal("item 7 failed", ex.Message);
        Assert.Equal(7, ex.GetParallelItemIndex());

        var asyncEx = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            ContractTargets.FailParallelAsync(Enumerable.Range(0, 6).Select(i => (i, 2)), On(backend)));
        Assert.Equal("async item 2", asyncEx.Message);
        Assert.Equal(2, asyncEx.GetParallelItemIndex());
    }

    /// <summary>
    /// After the first failure only calls already running finish, counted rather than bounded by a timing: the failure
    /// is observed when the call records it (its <c>parallelgen.items.failed</c> measurement, taken as the lifecycle of
    /// every backend records the failure and stops dispatch), and items after the failing one hold until then.
    /// </summary>
    [Theory]
    [MemberData(nameof(Backends))]
    public void Dispatch_stops_after_a_failure(int backend)
    {
        int workers = WorkerCount(backend, jobs: 2, itemCount: 300);
        using MeterListener listener = WriteWhenFailureRecorded(Path.Combine(_directory, "observed"), Path.Combine(_directory, "failed"));

        var ex = Assert.Throws<ContractException>(() =>
            ContractTargets.StopAtParallel(Enumerable.Range(0, 300).Select(i => (i, _directory, 5)), On(backend)));

        Assert.Equal(5, ex.GetParallelItemIndex());
        Assert.True(File.Exists(Path.Combine(_directory, "started-5")), "the failing item 5 ran");
        Assert.True(File.Exists(Path.Combine(_directory, "observed")), "the call recorded the failure");

        // Before the failure was recorded: items 0 to 5, and at most one more per other worker (an item after 5 holds
        // its worker until the failure is recorded). Without the stop all 300 would start.
        int late = Directory.GetFiles(_directory, "late-*").Length;
        output.WriteLine($"{workers} workers: {Started} items started before the failure was recorded, {late} after");
        Assert.InRange(Started, 1, 5 + workers);

        // Once it was recorded nothing new is dispatched: at most a batch each worker took in the instant between the
        // record and the stop (a cluster may also start one it had already sent); such an item holds until the stop.
        Assert.InRange(late, 0, workers);
    }

    /// <summary>Writes <paramref name="path"/> when a call records a <see cref="ContractException"/> after <paramref name="failed"/> exists.</summary>
    private static MeterListener WriteWhenFailureRecorded(string path, string failed)
    {
        var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == ParallelGenDiagnostics.Name && instrument.Name == "parallelgen.items.failed")
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<long>((_, _, tags, _) =>
        {
            foreach (KeyValuePair<string, object?> tag in tags)
            {
                if (tag.Key == "exception.type" && tag.Value as string == typeof(ContractException).FullName && File.Exists(failed))
                {
                    File.WriteAllText(path, "");
                }
            }
        });
        listener.Start();
        return listener;
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public async Task Cancellation_stops_the_call_with_the_callers_token(int backend)
    {
        int workers = WorkerCount(backend, jobs: 2, itemCount: 300);
        using var cts = new CancellationTokenSource();
        Task watcher = CancelWhenStarted(cts, 1);

        var ex = Assert.ThrowsAny<OperationCanceledException>(() =>
            ContractTargets.StopAtParallel(Enumerable.Range(0, 300).Select(i => (i, _directory, -2)), On(backend), cts.Token));
        await watcher;

        Assert.Equal(cts.Token, ex.CancellationToken);
        AssertStoppedAfterCancel(workers);
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public async Task Cancellation_of_the_async_api_cancels_its_task(int backend)
    {
        int workers = WorkerCount(backend, jobs: 2, itemCount: 300);
        using var cts = new CancellationTokenSource();
        Task watcher = CancelWhenStarted(cts, 1);

        Task<int[]> task = ContractTargets.StopAtParallelAsync(Enumerable.Range(0, 300).Select(i => (i, _directory, -2)), On(backend), cts.Token);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => task);
        await watcher;

        Assert.True(task.IsCanceled);
        AssertStoppedAfterCancel(workers);
    }

    /// <summary>
    /// Counted, not timed: items hold their workers until the cancel is requested (the <c>observed</c> marker, written
    /// just before it), and an item started after that holds until its token is cancelled. So before the request at
    /// most one item per worker started, after it at most one more per worker (taken in the instant before the
    /// cancellation reached it; a cluster may also start one it had already sent). Without the stop all 300 would start.
    /// </summary>
    private void AssertStoppedAfterCancel(int workers)
    {
        int late = Directory.GetFiles(_directory, "late-*").Length;
        output.WriteLine($"{workers} workers: {Started} items started before the cancel was requested, {late} after");
        Assert.InRange(Started, 1, workers);
        Assert.InRange(late, 0, 2 * workers);
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public void Timeout_throws_TimeoutException_and_starts_no_more_items(int backend)
    {
        var options = new ParallelizeOptions { Backend = (Backend)backend, BackendInstance = Instance, Timeout = TimeSpan.FromMilliseconds(300) };

        var ex = Assert.Throws<TimeoutException>(() =>
            ContractTargets.StepParallel(Enumerable.Range(0, 1000).Select(i => (i, _directory, -1, 20)), options));

        Assert.Contains("of 1000 items had completed", ex.Message);
        Assert.InRange(Started, 0, 999);
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public void Progress_counts_every_item_once_in_increasing_reports(int backend)
    {
        var progress = new RecordingProgress<ParallelProgress>();
        var options = new ParallelizeOptions { Backend = (Backend)backend, BackendInstance = Instance, Progress = progress, BatchSize = 7 };

        ContractTargets.SquareParallel(Enumerable.Range(0, 200).Select(i => (i, 0)), options);

        IReadOnlyList<ParallelProgress> reports = progress.Reports;
        Assert.NotEmpty(reports);
        Assert.All(reports, r => Assert.Equal(200, r.Total));
        Assert.Equal(reports.Select(r => r.Completed).Order(), reports.Select(r => r.Completed));
        Assert.Equal(reports.Count, reports.Select(r => r.Completed).Distinct().Count());
        Assert.Equal(200, reports[^1].Completed);
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public void Verbose_10_prints_joblib_lines_with_increasing_counts_ending_with_the_total(int backend)
    {
        var log = new StringWriter();
        var options = new ParallelizeOptions { Backend = (Backend)backend, BackendInstance = Instance, Verbose = 10, VerboseWriter = log, BatchSize = 3 };

        ContractTargets.SquareParallel(Enumerable.Range(0, 12).Select(i => (i, 0)), options);

        string[] lines = [.. log.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => l.Contains("Done", StringComparison.Ordinal))];
        // One line per finished batch at least (joblib counts a batch's items when the batch finishes), at most per item.
        Assert.InRange(lines.Length, 12 / 3, 12);
        Assert.All(lines, l => Assert.Contains(" out of  12 |", l, StringComparison.Ordinal));
        int[] done = [.. lines.Select(l => int.Parse(l[(l.IndexOf("Done", StringComparison.Ordinal) + 4)..l.IndexOf(" out of", StringComparison.Ordinal)].Trim(), System.Globalization.CultureInfo.InvariantCulture))];
        Assert.Equal(done.Order().Distinct(), done);
        Assert.Contains("Done  12 out of  12 |", lines[^1], StringComparison.Ordinal);
    }

    /// <summary>
    /// The nesting rule: a call made inside a body may use the cores its call leaves idle, max(1, cpus / outer
    /// workers), so an outer call with one worker leaves every CPU to it (counted inside the calls: the inner
    /// bodies at once in the body's process).
    /// </summary>
    [Theory]
    [MemberData(nameof(Backends))]
    public void A_call_made_inside_a_body_uses_the_cores_its_call_leaves_idle(int backend)
    {
        int cpus = ParallelContext.NestedWorkerLimit; // outside a body: the CPU count
        int outerWorkers = WorkerCount(backend, jobs: 1, itemCount: 1);
#if CLUSTER_CONTRACT
        // A silo runs several slots' batches at once and does not pass a CPU share to their bodies: nested calls there
        // run sequentially (docs/cluster.md).
        int expected = 1;
#else
        int expected = Math.Max(1, cpus / outerWorkers);
#endif

        Assert.Equal([expected], ContractTargets.OuterParallel([expected], new ParallelizeOptions { Backend = (Backend)backend, BackendInstance = Instance, Jobs = 1 }));
        Assert.False(ParallelContext.IsInParallelBody);
        Assert.Equal(cpus, ParallelContext.NestedWorkerLimit);
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public void Exactly_the_backends_worker_count_of_calls_run_at_once(int backend)
    {
        int expected = WorkerCount(backend, jobs: 2, itemCount: 12);
        Assert.InRange(expected, 1, 2);

        int[] seen = ContractTargets.OverlapParallel(Enumerable.Range(0, 12).Select(i => (i, _directory, expected)), On(backend));

        Assert.All(seen, n => Assert.InRange(n, 1, expected));
        Assert.Equal(expected, seen.Max());
    }

    /// <summary>
    /// An ordered stream hands out every result, in input order, however the backend reports its items: per item
    /// (bodies run in this process), per stored range (<see cref="CallLifecycle.AddCompleted(int, int)"/>) or only as a
    /// count (<see cref="CallLifecycle.AddCompleted(int)"/>, the test-only <c>CountOnlyBackend</c>: then when each
    /// window's call is over). Several windows (PreDispatch 4) of items that finish out of order, foreach and await
    /// foreach, methods with a result, without one, and asynchronous.
    /// </summary>
    [Theory]
    [MemberData(nameof(Backends))]
    public async Task An_ordered_stream_hands_out_every_result_however_the_backend_reports_its_items(int backend)
    {
        var options = new ParallelizeOptions { Backend = (Backend)backend, BackendInstance = Instance, PreDispatch = 4 };
        (int, int)[] items = [.. Enumerable.Range(0, 30).Select(i => (i, (30 - i) % 3))];
        long[] squares = [.. Enumerable.Range(0, 30).Select(i => (long)i * i)];

        Assert.Equal(squares, ContractTargets.SquareParallelStream(items, options));
        Assert.Equal(squares, await ToListAsync(ContractTargets.SquareParallelStream(items, options)));

        int[] pauses = [.. items.Select(item => item.Item2)];
        Assert.Equal(Enumerable.Range(0, 30).Select(i => (long)i), ContractTargets.PauseParallelStream(pauses, options));

        (int, int)[] awaited = [.. Enumerable.Range(0, 30).Select(i => (i, -1))];
        Assert.Equal(Enumerable.Range(0, 30), await ToListAsync(ContractTargets.FailParallelStream(awaited, options)));
    }

    /// <summary>The same for an unordered stream: every result once, with its index, whatever the backend reports.</summary>
    [Theory]
    [MemberData(nameof(Backends))]
    public async Task An_unordered_stream_hands_out_every_result_however_the_backend_reports_its_items(int backend)
    {
        var options = new ParallelizeOptions { Backend = (Backend)backend, BackendInstance = Instance, PreDispatch = 4 };
        (int, int)[] items = [.. Enumerable.Range(0, 30).Select(i => (i, (30 - i) % 3))];
        long[] indices = [.. Enumerable.Range(0, 30).Select(i => (long)i)];

        ParallelResult<long>[] results = [.. ContractTargets.SquareParallelUnordered(items, options)];
        Assert.Equal(indices, results.Select(r => r.Index).Order());
        Assert.All(results, r => Assert.Equal(r.Index * r.Index, r.Value));
        List<ParallelResult<long>> resultsAsync = await ToListAsync(ContractTargets.SquareParallelUnordered(items, options));
        Assert.Equal(indices, resultsAsync.Select(r => r.Index).Order());
        Assert.All(resultsAsync, r => Assert.Equal(r.Index * r.Index, r.Value));

        int[] pauses = [.. items.Select(item => item.Item2)];
        Assert.Equal(indices, (await ToListAsync(ContractTargets.PauseParallelUnordered(pauses, options))).Order());

        (int, int)[] awaited = [.. Enumerable.Range(0, 30).Select(i => (i, -1))];
        Assert.Equal(Enumerable.Range(0, 30), ContractTargets.FailParallelUnordered(awaited, options).Select(r => r.Value).Order());
    }

    /// <summary>
    /// A stream whose window fails, is cancelled or times out ends with that outcome, whichever way the backend reports
    /// its items (a count-only backend's unmarked items are taken only from a call that succeeded): the failing item's
    /// exception with its index in the whole input, after a prefix of the results before it (all of them when items are
    /// marked as they finish, those of earlier windows when only counts are reported); the caller's cancellation; the
    /// stream's timeout.
    /// </summary>
    [Theory]
    [MemberData(nameof(Backends))]
    public async Task A_stream_ends_with_its_windows_failure_cancellation_or_timeout(int backend)
    {
        var options = new ParallelizeOptions { Backend = (Backend)backend, BackendInstance = Instance, PreDispatch = 4 };

        var seen = new List<int>();
        var ex = Assert.Throws<ContractException>(() =>
        {
            foreach (int x in ContractTargets.StepParallelStream(Enumerable.Range(0, 20).Select(i => (i, _directory, 9, 0)), options))
            {
                seen.Add(x);
            }
        });
        Assert.Equal("item 9 failed", ex.Message);
        Assert.Equal(9, ex.GetParallelItemIndex());
        Assert.Equal(Enumerable.Range(0, seen.Count), seen);
        Assert.InRange(seen.Count, 0, 9);

        var unorderedSeen = new List<long>();
        var unorderedEx = await Assert.ThrowsAsync<ContractException>(async () =>
        {
            await foreach (ParallelResult<int> r in ContractTargets.StepParallelUnordered(Enumerable.Range(0, 20).Select(i => (i, _directory, 9, 0)), options))
            {
                unorderedSeen.Add(r.Index);
            }
        });
        Assert.Equal(9, unorderedEx.GetParallelItemIndex());
        Assert.DoesNotContain(9L, unorderedSeen);

        string held = Directory.CreateDirectory(Path.Combine(_directory, "held")).FullName;
        using var cts = new CancellationTokenSource();
        Task cancel = Task.Run(async () =>
        {
            await FilesAppear(held, "started-*", 1);
            await cts.CancelAsync();
        });
        var cancelled = Assert.ThrowsAny<OperationCanceledException>(() =>
            ContractTargets.HoldParallelStream(Enumerable.Range(0, 20).Select(i => (i, held, 0)), options, cts.Token).ToList());
        await cancel;
        Assert.Equal(cts.Token, cancelled.CancellationToken);

        var timedOut = new ParallelizeOptions { Backend = (Backend)backend, BackendInstance = Instance, PreDispatch = 4, Timeout = TimeSpan.FromMilliseconds(300) };
        await Assert.ThrowsAsync<TimeoutException>(() =>
            ToListAsync(ContractTargets.StepParallelStream(Enumerable.Range(0, 1000).Select(i => (i, held, -1, 20)), timedOut)));
    }

    private static async Task<List<T>> ToListAsync<T>(ParallelStream<T> stream)
    {
        var list = new List<T>();
        await foreach (T x in stream)
        {
            list.Add(x);
        }

        return list;
    }

    [Theory]
    [MemberData(nameof(BackendsReportingWhichItems))]
    public async Task Abandoning_a_stream_stops_dispatch_and_cancels_the_running_items(int backend)
    {
        int workers = WorkerCount(backend, jobs: 2, itemCount: 300);
        var options = new ParallelizeOptions { Backend = (Backend)backend, BackendInstance = Instance, PreDispatch = 8 };
        IEnumerable<(int, string, int)> items = Enumerable.Range(0, 300).Select(i => (i, _directory, 2));

        var seen = new List<int>();
        foreach (int x in ContractTargets.HoldParallelStream(items, options))
        {
            seen.Add(x);
            if (seen.Count == 2)
            {
                // Every worker holds an item (items 0 and 1 return at once): counted before the break, so that an item
                // sent before it cannot start after it (remote backends start them later; CI saw one start late).
                await FilesAppear(_directory, "started-*", 2 + workers);
                break; // the break must cancel the holding items, and nothing new may start
            }
        }

        Assert.Equal([0, 1], seen);
        int started = Started;
        Assert.InRange(started, 2, 8);
        await FilesAppear(_directory, "cancelled-*", 1); // a cluster delivers the stop to its silo after the call returns
        Assert.NotEmpty(Directory.GetFiles(_directory, "cancelled-*"));
        await Task.Delay(300);
        Assert.Equal(started, Started);

        // The same through await foreach, abandoned by disposing after the first result.
        string second = Directory.CreateDirectory(Path.Combine(_directory, "async")).FullName;
        await using (IAsyncEnumerator<ParallelResult<int>> e = ContractTargets
            .HoldParallelUnordered(Enumerable.Range(0, 300).Select(i => (i, second, 1)), options)
            .GetAsyncEnumerator())
        {
            Assert.True(await e.MoveNextAsync());
            Assert.Equal(0, e.Current.Index);
            await FilesAppear(second, "started-*", 1 + workers); // every worker holds an item, as above
        }

        int startedAsync = Directory.GetFiles(second, "started-*").Length;
        Assert.InRange(startedAsync, 1, 8);
        await FilesAppear(second, "cancelled-*", 1);
        Assert.NotEmpty(Directory.GetFiles(second, "cancelled-*"));
        await Task.Delay(300);
        Assert.Equal(startedAsync, Directory.GetFiles(second, "started-*").Length);
    }

    /// <summary>How many calls at once the backend gives a call (on the cluster the call names, if any).</summary>
    private static int WorkerCount(int backend, int jobs, int itemCount)
    {
        using IDisposable? scope = UseInstance();
        return ParallelBackendRegistry.Get((Backend)backend).GetWorkerCount(jobs, itemCount);
    }

    /// <summary>Waits (up to 60 s) until <paramref name="count"/> files match in <paramref name="directory"/>: observed, not timed.</summary>
    private static async Task FilesAppear(string directory, string pattern, int count)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (Directory.GetFiles(directory, pattern).Length < count && DateTime.UtcNow < deadline)
        {
            await Task.Delay(5);
        }
    }

    private Task CancelWhenStarted(CancellationTokenSource cts, int started) => Task.Run(async () =>
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (Started < started && DateTime.UtcNow < deadline)
        {
            await Task.Delay(1);
        }

        File.WriteAllText(Path.Combine(_directory, "observed"), ""); // items started from now on are counted as late
        await cts.CancelAsync();
    });
}

#if !CLUSTER_CONTRACT
/// <summary>The door itself: registration and the error for a value nobody registered.</summary>
public sealed class BackendRegistryTests
{
    [Fact]
    public void A_call_for_an_unregistered_backend_fails_with_a_clear_error()
    {
        var ex = Assert.Throws<NotSupportedException>(() =>
            ContractTargets.SquareParallel([(1, 0)], new ParallelizeOptions { Backend = (Backend)77 }));

        Assert.Contains("No parallel backend is registered for Backend value 77", ex.Message);
        Assert.Contains("ParallelBackendRegistry.Register", ex.Message);
        Assert.False(ParallelBackendRegistry.IsRegistered((Backend)77));
    }

    [Fact]
    public void Built_in_backends_cannot_be_replaced()
    {
        Assert.Throws<ArgumentException>(() => ParallelBackendRegistry.Register(Backend.Threads, new InlineBackend()));
        Assert.Throws<ArgumentException>(() => ParallelBackendRegistry.Register(Backend.Processes, new InlineBackend()));
        Assert.Throws<ArgumentNullException>(() => ParallelBackendRegistry.Register((Backend)78, null!));
    }

    [Fact]
    public void A_method_without_a_remote_identity_cannot_go_to_a_remote_backend()
    {
        var ex = Assert.Throws<NotSupportedException>(() =>
            ContractTargets.InnerParallel([(1, 1)], new ParallelizeOptions { Backend = Backend.Processes }));
        Assert.Contains("[Parallelize(Backend = Backend.Processes)]", ex.Message);
    }
}
#endif
