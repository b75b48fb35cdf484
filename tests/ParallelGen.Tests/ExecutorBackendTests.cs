namespace ParallelGen.Tests;

/// <summary>
/// concurrent.futures on every backend (issue 10 §1): the same <see cref="ParallelExecutor"/> on threads and on worker
/// processes, Submit with several arguments, Map with timeout and chunk size, Wait's three modes.
/// </summary>
[Collection(nameof(ProcessCollection))]
public class ExecutorBackendTests
{
    private static readonly TimeSpan s_limit = TimeSpan.FromSeconds(60);

    [Fact]
    public void Process_executor_submit_runs_the_call_in_a_worker_process()
    {
        using var executor = new ParallelExecutor(maxWorkers: 2, Backend.Processes);
        Future<int> pid = executor.Submit(Remote.ProcessIdParallel, 0);
        Future<long> square = executor.Submit(Remote.SquareParallel, 12L);

        Assert.NotEqual(Environment.ProcessId, pid.Result(s_limit));
        Assert.Equal(144L, square.Result(s_limit));
        Assert.Equal(Backend.Processes, executor.Backend);
    }

    [Fact]
    public void Process_executor_submit_takes_several_arguments()
    {
        using var executor = new ParallelExecutor(maxWorkers: 2, Backend.Processes);
        Future<Point3> scaled = executor.Submit(Remote.ScaleParallel, new Point3(1, 2, 3), 2.0);
        Assert.Equal(new Point3(2, 4, 6), scaled.Result(s_limit));
    }

    [Fact]
    public void Process_executor_map_keeps_order_with_a_chunk_size_and_a_timeout()
    {
        using var executor = new ParallelExecutor(maxWorkers: 2, Backend.Processes);
        long[] squares = executor.Map(Remote.SquareParallel, Enumerable.Range(0, 50).Select(i => (long)i), timeout: s_limit, chunkSize: 7);
        Assert.Equal(Enumerable.Range(0, 50).Select(i => (long)i * i), squares);
    }

    [Fact]
    public void Process_executor_future_rethrows_the_workers_exception_type()
    {
        using var executor = new ParallelExecutor(maxWorkers: 2, Backend.Processes);
        Future<int> failed = executor.Submit(Remote.FailParallel, 3, "invalid");

        var ex = Assert.Throws<InvalidOperationException>(() => failed.Result(s_limit));
        Assert.Equal("bad item 3", ex.Message);
        Assert.IsType<InvalidOperationException>(failed.Exception());
    }

    [Fact]
    public void Process_executor_future_fails_with_WorkerCrashedException_when_its_worker_dies()
    {
        string marker = Path.Combine(Path.GetTempPath(), "pg-crash-" + Guid.NewGuid().ToString("N"));
        using var executor = new ParallelExecutor(maxWorkers: 2, Backend.Processes);
        Future<int> crashed = executor.Submit(Remote.CrashParallel, 2, "kill", marker);
        Future<int> fine = executor.Submit(Remote.CrashParallel, 1, "kill", marker);

        Assert.Throws<WorkerCrashedException>(() => crashed.Result(s_limit));
        Assert.Equal(1, fine.Result(s_limit));
        Assert.Equal(49L, executor.Submit(Remote.SquareParallel, 7L).Result(s_limit)); // the pool replaced the worker
        foreach (string f in Directory.GetFiles(Path.GetTempPath(), Path.GetFileName(marker) + "*"))
        {
            File.Delete(f);
        }
    }

    [Fact]
    public void Process_executor_rejects_a_delegate_with_a_clear_error()
    {
        using var executor = new ParallelExecutor(maxWorkers: 2, Backend.Processes);
#pragma warning disable PG0008 // the run-time error that PG0008 reports at compile time
        var ex = Assert.Throws<NotSupportedException>(() => executor.Submit(() => 1));
#pragma warning restore PG0008
        Assert.Contains("Parallelize(Backend = Backend.Processes)", ex.Message);
        Assert.Contains("PG0008", ex.Message);
    }

    [Fact]
    public void Thread_executor_submit_takes_several_arguments_and_generated_methods()
    {
        using var executor = new ParallelExecutor(maxWorkers: 2);
        Assert.Equal(5, executor.Submit((int a, int b) => a + b, 2, 3).Result(s_limit));
        Assert.Equal("a-b-c", executor.Submit((string a, string b, string c) => $"{a}-{b}-{c}", "a", "b", "c").Result(s_limit));

        // A generated method submitted to a thread executor runs on threads, in this process.
        Assert.Equal(Environment.ProcessId, executor.Submit(Remote.ProcessIdParallel, 0).Result(s_limit));
    }

    [Fact]
    public void Wait_returns_done_and_not_done_for_each_mode()
    {
        using var release = new ManualResetEventSlim();
        using var executor = new ParallelExecutor(maxWorkers: 3);
        Future<int> fast = executor.Submit(() => 1);
        Future<int> failing = executor.Submit<int>(() => throw new FormatException("bad"));
        Future<int> slow = executor.Submit(() => { _ = release.Wait(TestGates.Hold); return 3; });
        fast.Result(s_limit);

        var (done, notDone) = Future<int>.Wait([fast, slow], ReturnWhen.FirstCompleted, s_limit);
        Assert.Contains(fast, done);
        Assert.Equal([slow], notDone);

        (done, notDone) = Future<int>.Wait([slow, failing, slow], ReturnWhen.FirstException, s_limit);
        Assert.Equal([failing], done);
        Assert.Equal([slow], notDone);

        (done, notDone) = Future<int>.Wait([fast, slow], ReturnWhen.AllCompleted, TimeSpan.FromMilliseconds(100));
        Assert.Equal([fast], done); // the timeout expired: no exception, the pending future is reported
        Assert.Equal([slow], notDone);

        release.Set();
        (done, notDone) = Future<int>.Wait([fast, failing, slow]);
        Assert.Equal(3, done.Count);
        Assert.Empty(notDone);
    }

    [Fact]
    public async Task Await_using_waits_for_accepted_calls_on_both_backends()
    {
        Future<int> threaded;
        await using (var executor = new ParallelExecutor(maxWorkers: 1))
        {
            threaded = executor.Submit(() => { Thread.Sleep(100); return 1; });
        }

        Assert.True(threaded.IsDone);

        Future<long> remote;
        await using (var processes = new ParallelExecutor(maxWorkers: 1, Backend.Processes))
        {
            remote = processes.Submit(Remote.SquareParallel, 5L);
        }

        Assert.True(remote.IsDone);
        Assert.Equal(25L, remote.Result());
    }

    [Fact]
    public void Thread_map_times_out_and_withdraws_the_calls_not_started()
    {
        using var release = new ManualResetEventSlim();
        using var executor = new ParallelExecutor(maxWorkers: 1);
        int started = 0;
        Assert.Throws<TimeoutException>(() => executor.Map(
            x => { Interlocked.Increment(ref started); _ = release.Wait(TestGates.Hold); return x; },
            Enumerable.Range(0, 5),
            timeout: TimeSpan.FromMilliseconds(100)));
        release.Set();
        executor.Shutdown(wait: true);
        Assert.Equal(1, started);
    }

    [Fact]
    public void Initializer_runs_on_each_worker_before_its_calls()
    {
        var initialized = new System.Collections.Concurrent.ConcurrentDictionary<int, int>();
        var threadLocalReady = new ThreadLocal<bool>();
        using var executor = new ParallelExecutor(2, initializer: () => { initialized.AddOrUpdate(Environment.CurrentManagedThreadId, 1, (_, n) => n + 1); threadLocalReady.Value = true; });
        bool[] ready = executor.Map(_ => { Thread.Sleep(5); return threadLocalReady.Value; }, Enumerable.Range(0, 20));

        Assert.All(ready, Assert.True); // every call ran on a thread the initializer had prepared
        Assert.InRange(initialized.Count, 1, 20);
    }

    [Fact]
    public void A_failing_initializer_breaks_the_executor()
    {
        using var executor = new ParallelExecutor(1, initializer: () => throw new FormatException("no config"));
        Future<int> first = executor.Submit(() => 1);

        var broken = Assert.Throws<BrokenExecutorException>(() => first.Result(s_limit));
        Assert.IsType<FormatException>(broken.InnerException);
        var again = Assert.Throws<BrokenExecutorException>(() => executor.Submit(() => 2));
        Assert.IsType<FormatException>(again.InnerException);
    }
}
