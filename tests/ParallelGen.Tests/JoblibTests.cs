namespace ParallelGen.Tests;

public class JoblibTests
{
    private static int Square(int x) => x * x;

    [Fact]
    public void ParallelJobs_runs_delayed_calls_in_order()
    {
        int[] results = new ParallelJobs(jobs: 4).Run(Enumerable.Range(0, 100).Select(i => Delayed.Call(Square, i)));
        Assert.Equal(Enumerable.Range(0, 100).Select(Square), results);
    }

    [Fact]
    public void Delayed_describes_the_call_without_making_it()
    {
        int calls = 0;
        DelayedCall<int> call = Delayed.Call((int a, int b) => { Interlocked.Increment(ref calls); return a + b; }, 2, 3);
        Assert.Equal(0, calls);
        Assert.Equal([2, 3], call.Arguments);
        Assert.Equal(5, call.Invoke());
        Assert.Equal(1, calls);
        Assert.Throws<InvalidOperationException>(() => default(DelayedCall<int>).Invoke());
    }

    [Fact]
    public async Task ParallelJobs_overlaps_blocking_calls_and_reports_verbosely()
    {
        using var barrier = new Barrier(4);
        var log = new StringWriter();
        var jobs = new ParallelJobs(new ParallelizeOptions { Jobs = 4, Verbose = 10, VerboseWriter = log });

        bool[] met = await jobs.RunAsync(Enumerable.Range(0, 4).Select(_ => Delayed.Call(() => barrier.SignalAndWait(TimeSpan.FromSeconds(30)))));

        Assert.All(met, Assert.True);
        Assert.Equal(4, jobs.Jobs);
        Assert.Contains("[Parallel(jobs=4)]: Done   4 out of   4", log.ToString());
    }

    [Fact]
    public void ParallelJobs_rethrows_the_first_failure()
    {
        var jobs = new ParallelJobs(jobs: 2);
        var ex = Assert.Throws<DivideByZeroException>(() =>
            jobs.Run(Enumerable.Range(0, 10).Select(i => Delayed.Call((int x) => 10 / (x - 4), i))));
        Assert.Equal(4, ex.GetParallelItemIndex());
    }

    [Fact]
    public void Executor_submit_returns_futures_with_results()
    {
        using var executor = new ParallelExecutor(maxWorkers: 2);
        Future<int> future = executor.Submit(Square, 7);
        Assert.Equal(49, future.Result(TimeSpan.FromSeconds(30)));
        Assert.True(future.IsDone);
        Assert.Null(future.Exception());
    }

    [Fact]
    public void Executor_never_runs_more_than_max_workers_at_once()
    {
        var counter = new OverlapCounter();
        using var executor = new ParallelExecutor(maxWorkers: 3);
        int[] results = executor.Map(
            x =>
            {
                using (counter.Enter())
                {
                    Thread.Sleep(2);
                    return x;
                }
            },
            Enumerable.Range(0, 30));

        Assert.Equal(Enumerable.Range(0, 30), results);
        Assert.InRange(counter.Max, 1, 3);
    }

    [Fact]
    public void Future_result_rethrows_the_original_exception()
    {
        using var executor = new ParallelExecutor();
        Future<int> future = executor.Submit<int>(() => throw new FormatException("bad"));
        Assert.Equal("bad", Assert.Throws<FormatException>(() => future.Result()).Message);
        Assert.IsType<FormatException>(future.Exception());
    }

    [Fact]
    public void Future_result_times_out_while_the_call_runs()
    {
        using var release = new ManualResetEventSlim();
        using var executor = new ParallelExecutor(1);
        Future<int> slow = executor.Submit(() => { _ = release.Wait(TestGates.Hold); return 1; });
        Assert.Throws<TimeoutException>(() => slow.Result(TimeSpan.FromMilliseconds(20)));
        release.Set();
        Assert.Equal(1, slow.Result());
    }

    [Fact]
    public void Pending_future_can_be_cancelled_but_a_running_one_cannot()
    {
        using var release = new ManualResetEventSlim();
        using var started = new ManualResetEventSlim();
        using var executor = new ParallelExecutor(1);
        Future<int> running = executor.Submit(() => { started.Set(); _ = release.Wait(TestGates.Hold); return 1; });
        Future<int> queued = executor.Submit(() => 2);
        Assert.True(started.Wait(TestGates.Hold), "the call did not start");

        Assert.False(running.Cancel());
        Assert.True(queued.Cancel());
        release.Set();

        Assert.Equal(1, running.Result());
        Assert.True(queued.IsCancelled);
        Assert.ThrowsAny<OperationCanceledException>(() => queued.Result());
    }

    [Fact]
    public async Task Futures_can_be_awaited_and_taken_as_completed()
    {
        using var executor = new ParallelExecutor(4);
        using var releaseFirst = new ManualResetEventSlim();
        Future<int> first = executor.Submit(() => { _ = releaseFirst.Wait(TestGates.Hold); return 1; });
        Future<int> second = executor.Submit(() => 2);

        Future<int> winner = Future<int>.AsCompleted([first, second]).First();
        Assert.Same(second, winner);
        releaseFirst.Set();
        Assert.Equal(1, await first);
    }

    [Fact]
    public void Shutdown_rejects_new_calls_and_can_withdraw_queued_ones()
    {
        using var release = new ManualResetEventSlim();
        using var started = new ManualResetEventSlim();
        var executor = new ParallelExecutor(1);
        Future<int> running = executor.Submit(() => { started.Set(); _ = release.Wait(TestGates.Hold); return 1; });
        Future<int> queued = executor.Submit(() => 2);
        Assert.True(started.Wait(TestGates.Hold), "the call did not start");

        executor.Shutdown(wait: false, cancelPending: true);
        Assert.Throws<ObjectDisposedException>(() => executor.Submit(() => 3));
        release.Set();
        executor.Dispose();

        Assert.True(queued.IsCancelled);
        Assert.Equal(1, running.Result());
    }
}
