using System.Diagnostics;

namespace ParallelGen.Tests;

/// <summary>
/// The process backend, exercised from this test assembly: its workers are this assembly run again with
/// `dotnet exec`, so these tests are also the "dotnet test host" start-up case.
/// </summary>
[Collection(nameof(ProcessCollection))]
public class ProcessBackendTests
{
    [Fact]
    public void Calls_run_in_other_processes_and_results_keep_input_order()
    {
        int[] pids = Remote.ProcessIdParallel(Enumerable.Range(0, 20), new ParallelizeOptions { BatchSize = 1 });

        Assert.DoesNotContain(Environment.ProcessId, pids);
        Assert.InRange(pids.Distinct().Count(), 1, 2);
        Assert.Equal(Enumerable.Range(0, 50).Select(i => (long)i * i), Remote.SquareParallel(Enumerable.Range(0, 50).Select(i => (long)i)));
    }

    [Fact]
    public void Workers_are_reused_across_calls()
    {
        EnsureBothWorkers();
        int started = ProcessBackend.StartedWorkerCount;
        IReadOnlyList<int> before = ProcessBackend.WorkerProcessIds;

        Remote.SquareParallel(Enumerable.Range(0, 100).Select(i => (long)i));
        int[] pids = Remote.ProcessIdParallel(Enumerable.Range(0, 10), new ParallelizeOptions { BatchSize = 1 });

        Assert.Equal(started, ProcessBackend.StartedWorkerCount);
        Assert.All(pids, pid => Assert.Contains(pid, before));
    }

    [Fact]
    public void Framework_value_types_and_frozen_collections_cross_too()
    {
        Int128 big = Int128.MaxValue - 10;
        var (next, doubled, scaled) = Assert.Single(Remote.WidenParallel(
            [(big, System.Collections.Frozen.FrozenSet.ToFrozenSet([1, 2, 3]), new System.Numerics.Vector3(1, 2, 3))]));
        Assert.Equal(big + 1, next);
        Assert.Equal([2, 4, 6], doubled.Order());
        Assert.Equal(new System.Numerics.Vector3(2, 4, 6), scaled);
    }

    [Fact]
    public void Plain_types_cross_without_annotations()
    {
        Point3[] scaled = Remote.ScaleParallel([(new Point3(1, 2, 3), 2.0), (new Point3(-1, 0, 0.5), 10.0)]);
        Assert.Equal([new Point3(2, 4, 6), new Point3(-10, 0, 5)], scaled);

        var day = new DateTime(2026, 11, 24, 0, 0, 0, DateTimeKind.Utc);
        Measurement[] converted = Assert.Single(Remote.ConvertParallel(
            [([new Measurement { Value = 2, Unit = "km", Taken = day }], new Dictionary<string, double> { ["km"] = 1000 })]));
        Assert.Equal(2000, converted[0].Value);
        Assert.Equal("m", converted[0].Unit);
        Assert.Equal(day.AddDays(1), converted[0].Taken);

        var bag = new Bag { Numbers = [1, 2, 3], Shades = new() { ["sky"] = Shade.Light } };
        Bag result = Assert.Single(Remote.SummarizeParallel([(bag, (7, "night"))]));
        Assert.Equal([1, 2, 3, 6, 7], result.Numbers);
        Assert.Equal(Shade.Light, result.Shades["sky"]);
        Assert.Equal(Shade.Dark, result.Shades["night"]);
    }

    [Fact]
    public void Worker_exception_keeps_its_type_message_index_and_worker_stack_trace()
    {
        var ex = Assert.Throws<InvalidOperationException>(() =>
            Remote.FailParallel(Enumerable.Range(0, 8).Select(i => (i, "invalid")), new ParallelizeOptions { BatchSize = 1 }));

        Assert.Equal("bad item 3", ex.Message);
        Assert.Equal(3, ex.GetParallelItemIndex());
        Assert.Contains("Remote.Fail", ex.StackTrace);
        Assert.Contains("ParallelGen worker process", ex.StackTrace);
        Assert.NotEqual(Environment.ProcessId, ex.Data["ParallelGen.WorkerProcessId"]);
    }

    [Fact]
    public void User_exception_types_are_rebuilt_too()
    {
        var custom = Assert.Throws<CustomWorkerException>(() => Remote.FailParallel([(0, "custom"), (1, "custom")]));
        Assert.Equal("custom 1", custom.Message);

        var argumentNull = Assert.Throws<ArgumentNullException>(() => Remote.FailParallel([(0, "argnull")]));
        Assert.StartsWith("was null-ish", argumentNull.Message);
    }

    [Fact]
    public void Exception_types_without_a_message_constructor_are_rebuilt()
    {
        var innerOnly = Assert.Throws<InnerOnlyWorkerException>(() => Remote.FailParallel([(0, "inneronly")]));
        Assert.Equal("inner only", innerOnly.Message);
        Assert.Contains("ParallelGen worker process", innerOnly.StackTrace);

        // Parameterless constructor, message set afterwards (the rest of the state, such as Code, does not cross).
        var coded = Assert.Throws<CodedWorkerException>(() => Remote.FailParallel([(0, "coded")]));
        Assert.Equal("failed with code 7", coded.Message);
        Assert.Contains("ParallelGen worker process", coded.StackTrace);
    }

    [Fact]
    public void Pool_stays_usable_after_a_worker_exception()
    {
        EnsureBothWorkers();
        int started = ProcessBackend.StartedWorkerCount;
        Assert.Throws<InvalidOperationException>(() => Remote.FailParallel(Enumerable.Range(0, 5).Select(i => (i, "invalid"))));

        Assert.Equal([4L], Remote.SquareParallel([2L]));
        Assert.Equal(started, ProcessBackend.StartedWorkerCount); // an exception is not a crash: no worker was replaced
    }

    [Theory]
    [InlineData("failfast", "SIGABRT")]
    [InlineData("kill", "SIGKILL")]
    [InlineData("overflow", "SIGABRT")]
    public void A_dying_worker_raises_WorkerCrashedException_naming_the_item_and_signal(string how, string signal)
    {
        string marker = Path.Combine(Path.GetTempPath(), "pg-crash-" + Guid.NewGuid().ToString("N"));

        var ex = Assert.Throws<WorkerCrashedException>(() =>
            Remote.CrashParallel(Enumerable.Range(0, 6).Select(i => (i, how, marker)), new ParallelizeOptions { BatchSize = 1 }));

        Assert.Equal([2], ex.ItemIndices);
        Assert.Equal(2, ex.GetParallelItemIndex());
        Assert.Equal(signal, ex.Signal);
        Assert.Contains("item 2", ex.Message);
        Assert.Contains(signal, ex.Message);
        Assert.Equal([0L, 1L], Remote.SquareParallel([0L, 1L])); // the pool replaced the worker
    }

    [Fact]
    public void Exit_code_of_a_worker_that_exits_is_reported()
    {
        string marker = Path.Combine(Path.GetTempPath(), "pg-exit-" + Guid.NewGuid().ToString("N"));
        var ex = Assert.Throws<WorkerCrashedException>(() =>
            Remote.CrashParallel(Enumerable.Range(0, 4).Select(i => (i, "exit", marker)), new ParallelizeOptions { BatchSize = 1 }));
        Assert.Equal(42, ex.ExitCode);
        Assert.Null(ex.Signal);
    }

    [Fact]
    public void Retries_rerun_items_lost_with_a_crashed_worker_on_a_fresh_one()
    {
        string marker = Path.Combine(Path.GetTempPath(), "pg-once-" + Guid.NewGuid().ToString("N"));
        var options = new ParallelizeOptions { BatchSize = 1, Retries = 1 };

        // Item 2 kills its worker the first time it runs, and succeeds when it runs again.
        int[] results = Remote.CrashParallel(Enumerable.Range(0, 6).Select(i => (i, "once", marker)), options);

        Assert.Equal([0, 1, 2, 3, 4, 5], results);
        Assert.True(File.Exists(marker + ".2"));
    }

    [Fact]
    public void Retries_give_up_after_the_given_count()
    {
        string marker = Path.Combine(Path.GetTempPath(), "pg-always-" + Guid.NewGuid().ToString("N"));
        var ex = Assert.Throws<WorkerCrashedException>(() =>
            Remote.CrashParallel([(2, "failfast", marker)], new ParallelizeOptions { Retries = 2 }));
        Assert.Contains("after 2 retries", ex.Message);
    }

    [Fact]
    public void Item_timeout_kills_the_stuck_worker_and_names_the_item()
    {
        var ex = Assert.Throws<TimeoutException>(() =>
            Remote.SleepParallel([(0, 0), (1, 60_000), (2, 0)], new ParallelizeOptions { BatchSize = 1, ItemTimeout = TimeSpan.FromSeconds(2) }));

        // A generous limit: items 0 and 2 must not time out even on a loaded machine (a fresh worker compiles its first call).
        Assert.Contains("item 1", ex.Message);
        Assert.Equal(1, ex.GetParallelItemIndex());
        Assert.Equal([5], Remote.SleepParallel([(5, 0)]));
    }

    [Fact]
    public void Cancellation_kills_the_busy_workers_of_a_method_without_a_token_at_once()
    {
        TimeSpan original = ProcessBackend.CancelGracePeriod;
        ProcessBackend.CancelGracePeriod = TimeSpan.FromMinutes(5); // must not apply: the method cannot observe a token
        try
        {
            string marker = Path.Combine(Path.GetTempPath(), "pg-hang-" + Guid.NewGuid().ToString("N"));
            using var cts = new CancellationTokenSource();
            Task<int[]> call = Remote.HangParallelAsync(Enumerable.Range(0, 4).Select(i => (i, marker)), new ParallelizeOptions { BatchSize = 1 }, cts.Token);
            int[] busy = WaitForStarted(marker, 2);
            cts.Cancel();

            Assert.ThrowsAny<OperationCanceledException>(() => call.GetAwaiter().GetResult());

            // The workers busy with 60 s sleeps were killed, not waited for.
            Assert.All(busy, pid => Assert.True(SpinWait.SpinUntil(() => HasExited(pid), TimeSpan.FromSeconds(10)), $"worker {pid} still runs"));
            Assert.False(File.Exists($"{marker}.2.started") && File.Exists($"{marker}.3.started"), "items after the cancellation started");
        }
        finally
        {
            ProcessBackend.CancelGracePeriod = original;
        }

        Assert.Equal([1], Remote.SleepParallel([(1, 0)]));
    }

    /// <summary>Waits for the first <paramref name="count"/> items' "started" markers and returns their workers' pids.</summary>
    private static int[] WaitForStarted(string marker, int count)
    {
        Assert.True(
            SpinWait.SpinUntil(() => Enumerable.Range(0, count).All(i => File.Exists($"{marker}.{i}.started")), TimeSpan.FromSeconds(30)),
            "the items did not start");
        return [.. Enumerable.Range(0, count).Select(i => int.Parse(File.ReadAllText($"{marker}.{i}.started"), System.Globalization.CultureInfo.InvariantCulture))];
    }

    [Fact]
    public void A_method_taking_a_token_sees_it_cancelled_in_the_worker()
    {
        string marker = Path.Combine(Path.GetTempPath(), "pg-cancel-" + Guid.NewGuid().ToString("N"));
        using var cts = new CancellationTokenSource();
        Task<int[]> call = Remote.WaitForCancelParallelAsync(
            Enumerable.Range(0, 2).Select(i => (i, marker, true)), new ParallelizeOptions { BatchSize = 1 }, cts.Token);

        // Both workers are inside the method before the call is cancelled.
        int[] workers = WaitForStarted(marker, 2);
        cts.Cancel();

        var ex = Assert.ThrowsAny<OperationCanceledException>(() => call.GetAwaiter().GetResult());
        Assert.Equal(cts.Token, ex.CancellationToken);

        // The token the method received was cancelled in each worker, which then returned: no kill was needed.
        Assert.True(File.Exists($"{marker}.0.cancelled"), "item 0 did not see its token cancelled");
        Assert.True(File.Exists($"{marker}.1.cancelled"), "item 1 did not see its token cancelled");
        Assert.All(workers, pid => Assert.True(SpinWait.SpinUntil(() => HasExited(pid), TimeSpan.FromSeconds(10)), $"worker {pid} still runs"));
        Assert.Equal([1], Remote.SleepParallel([(1, 0)])); // the pool goes on with fresh workers
    }

    [Fact]
    public void A_method_that_ignores_its_token_is_killed_after_the_grace_period()
    {
        TimeSpan original = ProcessBackend.CancelGracePeriod;
        ProcessBackend.CancelGracePeriod = TimeSpan.FromMilliseconds(200);
        try
        {
            string marker = Path.Combine(Path.GetTempPath(), "pg-ignore-" + Guid.NewGuid().ToString("N"));
            using var cts = new CancellationTokenSource();
            Task<int[]> call = Remote.WaitForCancelParallelAsync([(0, marker, false)], null, cts.Token);
            int worker = WaitForStarted(marker, 1)[0];
            cts.Cancel();

            // The 60 s sleep ends with the kill after the grace period, not with the sleep.
            Assert.True(SpinWait.SpinUntil(() => call.IsCompleted, TimeSpan.FromSeconds(30)), "the cancelled call did not end");
            Assert.True(call.IsCanceled);
            Assert.True(SpinWait.SpinUntil(() => HasExited(worker), TimeSpan.FromSeconds(10)), $"worker {worker} still runs");
        }
        finally
        {
            ProcessBackend.CancelGracePeriod = original;
        }

        Assert.Equal([2], Remote.SleepParallel([(2, 0)]));
    }

    [Fact]
    public void Worker_console_output_reaches_the_parent_marked_with_the_worker()
    {
        var captured = new StringWriter();
        TextWriter original = Console.Out;
        Console.SetOut(TextWriter.Synchronized(captured));
        try
        {
            Remote.TalkParallel([7, 8], new ParallelizeOptions { BatchSize = 1 });
        }
        finally
        {
            Console.SetOut(original);
        }

        string output = captured.ToString();
        Assert.Matches(@"\[worker \d+\] hello from item 7", output);
        Assert.Matches(@"\[worker \d+\] hello from item 8", output);
    }

    [Fact]
    public void Direct_writes_to_the_stdout_descriptor_cannot_corrupt_the_protocol()
    {
        Assert.Equal([1, 2, 3], Remote.RawStdoutParallel([1, 2, 3], new ParallelizeOptions { BatchSize = 1 }));
        Assert.Equal([4], Remote.RawStdoutParallel([4])); // and the worker is still healthy
    }

    [Fact]
    public void Output_without_a_final_newline_is_shown_with_its_batch()
    {
        var captured = new StringWriter();
        TextWriter original = Console.Out;
        Console.SetOut(TextWriter.Synchronized(captured));
        try
        {
            Remote.NoNewlineParallel([5]);
        }
        finally
        {
            Console.SetOut(original);
        }

        Assert.Matches(@"\[worker \d+\] partial line 5", captured.ToString());
    }

    [Fact]
    public async Task Async_methods_and_the_async_api_run_on_workers()
    {
        int[] doubled = await Remote.TwiceParallelAsync([1, 2, 3]);
        long[] squared = await Remote.SquareParallelAsync([3L]);
        Assert.Equal([2, 4, 6], doubled);
        Assert.Equal([9L], squared);
    }

    [Fact]
    public async Task Void_and_Task_methods_run_on_workers()
    {
        string dir = Directory.CreateTempSubdirectory("pg-touch-").FullName;
        string[] paths = Enumerable.Range(0, 4).Select(i => Path.Combine(dir, $"{i}.txt")).ToArray();

        Remote.TouchParallel(paths.Take(2));
        await Remote.TouchLaterParallelAsync(paths.Skip(2));

        Assert.All(paths, p => Assert.NotEqual(Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture), File.ReadAllText(p)));
        Directory.Delete(dir, recursive: true);
    }

    [Fact]
    public void A_parallel_call_inside_a_worker_runs_in_process()
    {
        Assert.All(Remote.NestedParallel([1, 2]), Assert.True);
    }

    [Fact]
    public void MaxTasksPerWorker_recycles_the_worker()
    {
        ProcessBackend.Shutdown(); // start from fresh workers: the count is over a worker's whole life
        int[] counts = Remote.CounterParallel(Enumerable.Range(0, 7), new ParallelizeOptions { BatchSize = 1, MaxTasksPerWorker = 3 });
        Assert.Equal([1, 2, 3, 1, 2, 3, 1], counts);
    }

    [Fact]
    public void Memory_ceiling_recycles_the_worker_after_each_batch_above_it()
    {
        ProcessBackend.Shutdown();
        int[] counts = Remote.CounterParallel(Enumerable.Range(0, 3), new ParallelizeOptions { BatchSize = 1, WorkerMemoryLimit = 1 });
        Assert.Equal([1, 1, 1], counts);
    }

    [Fact]
    public void A_worker_killed_while_idle_is_replaced_by_the_next_call()
    {
        Remote.SquareParallel([1L, 2L, 3L]);
        foreach (int pid in ProcessBackend.WorkerProcessIds)
        {
            using Process p = Process.GetProcessById(pid);
            p.Kill();
            p.WaitForExit();
        }

        Assert.Equal([1L, 4L, 9L], Remote.SquareParallel([1L, 2L, 3L]));
    }

    /// <summary>
    /// Makes the pool hold both of its workers (Jobs = 2): a short call may be served by one worker alone, and the next
    /// call would then rightly start the second, which tests that count started workers must not mistake for a leak.
    /// </summary>
    private static void EnsureBothWorkers()
    {
        string directory = Directory.CreateTempSubdirectory("pg-rendezvous-").FullName;
        int[] pids = Remote.RendezvousParallel([(0, directory, 2), (1, directory, 2)], new ParallelizeOptions { BatchSize = 1 });
        Directory.Delete(directory, recursive: true);
        Assert.Equal(2, pids.Distinct().Count());
    }

    internal static bool HasExited(int pid)
    {
        try
        {
            using Process p = Process.GetProcessById(pid);
            return p.HasExited;
        }
        catch (ArgumentException)
        {
            return true;
        }
    }

    [Fact]
    public void A_call_launches_all_its_missing_workers_at_dispatch_and_the_next_call_reuses_them()
    {
        ProcessBackend.Shutdown();
        int started = ProcessBackend.StartedWorkerCount;

        // Jobs = 2 and two items: both workers are launched before the call is set up, even when one dispatch loop
        // could have served both items alone (which used to start only one).
        int[] pids = Remote.ProcessIdParallel([0, 1], new ParallelizeOptions { BatchSize = 2 });
        Assert.Equal(started + 2, ProcessBackend.StartedWorkerCount);
        Assert.Equal(2, ProcessBackend.WorkerProcessIds.Count);
        Assert.DoesNotContain(Environment.ProcessId, pids);

        // The one that got no batch waited in the pool with its hello unread; the next call leases it and says hello.
        int[] again = Remote.ProcessIdParallel([0, 1, 2, 3], new ParallelizeOptions { BatchSize = 1 });
        Assert.Equal(started + 2, ProcessBackend.StartedWorkerCount);
        Assert.All(again, pid => Assert.Contains(pid, ProcessBackend.WorkerProcessIds));
    }

    [Fact]
    public void A_worker_that_cannot_start_in_time_is_a_clear_error_and_the_pool_recovers()
    {
        ProcessBackend.Shutdown();
        TimeSpan original = ProcessBackend.StartTimeout;
        ProcessBackend.StartTimeout = TimeSpan.FromMilliseconds(1);
        try
        {
            var ex = Assert.Throws<WorkerStartException>(() => Remote.SquareParallel([1L]));
            Assert.Contains("did not start", ex.Message);
            Assert.Null(ex.GetParallelItemIndex()); // not an item's failure
        }
        finally
        {
            ProcessBackend.StartTimeout = original;
        }

        Assert.Equal([4L], Remote.SquareParallel([2L]));
    }

    [Fact]
    public void Per_call_processes_on_a_threads_method_is_a_clear_error()
    {
        var ex = Assert.Throws<NotSupportedException>(() => Probe.EightParallel([1], new ParallelizeOptions { Backend = Backend.Processes }));
        Assert.Contains("[Parallelize(Backend = Backend.Processes)]", ex.Message);
    }

    [Fact]
    public void Per_call_threads_on_a_processes_method_runs_in_process()
    {
        int[] pids = Remote.ProcessIdParallel([1, 2, 3], new ParallelizeOptions { Backend = Backend.Threads });
        Assert.All(pids, pid => Assert.Equal(Environment.ProcessId, pid));
    }
}

[CollectionDefinition(nameof(ProcessCollection), DisableParallelization = true)]
public sealed class ProcessCollection;
