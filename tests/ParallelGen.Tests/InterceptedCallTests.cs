namespace ParallelGen.Tests;

/// <summary>
/// Issue 10 §2: Delayed.Call(F, …), executor.Submit(F, …) and executor.Map(F, …) with a static method F, rewritten
/// by the generated interceptors into (method id, typed arguments), run in worker processes; on threads they behave
/// as before.
/// </summary>
[Collection(nameof(ProcessCollection))]
public class InterceptedCallTests
{
    private static readonly TimeSpan s_limit = TimeSpan.FromSeconds(60);

    [Fact]
    public void Intercepted_Submit_with_several_arguments_runs_in_a_worker_process()
    {
        using var executor = new ParallelExecutor(maxWorkers: 2, Backend.Processes);
        Future<int> sum = executor.Submit(InterceptedWork.SlowAdd, 1, 2);
        Future<int> pid = executor.Submit(InterceptedWork.ProcessId);
        Future<(int Pid, string Text)> described = executor.Submit(InterceptedWork.Describe, "x", 2, 0.5);

        Assert.Equal(3, sum.Result(s_limit));
        Assert.NotEqual(Environment.ProcessId, pid.Result(s_limit));
        (int workerPid, string text) = described.Result(s_limit);
        Assert.NotEqual(Environment.ProcessId, workerPid);
        Assert.Equal("xx:0.5", text);
    }

    [Fact]
    public void Intercepted_Delayed_calls_run_in_worker_processes_in_order()
    {
        var jobs = new ParallelJobs(new ParallelizeOptions { Jobs = 2, Backend = Backend.Processes });
        int[] sums = jobs.Run(Enumerable.Range(0, 10).Select(i => Delayed.Call(InterceptedWork.SlowAdd, i, 100)));
        int[] pids = jobs.Run(Enumerable.Range(0, 4).Select(_ => Delayed.Call(InterceptedWork.ProcessIdOf, 0)));

        Assert.Equal(Enumerable.Range(100, 10), sums);
        Assert.All(pids, p => Assert.NotEqual(Environment.ProcessId, p));
    }

    [Fact]
    public async Task Intercepted_Delayed_calls_of_different_methods_mix_in_one_async_run()
    {
        var jobs = new ParallelJobs(new ParallelizeOptions { Jobs = 2, Backend = Backend.Processes });
        DelayedCall<int>[] calls = [Delayed.Call(InterceptedWork.SlowAdd, 2, 3), Delayed.Call(InterceptedWork.Twice, 21), Delayed.Call(Math.Abs, -7)];
        int[] results = await jobs.RunAsync(calls);
        Assert.Equal([5, 42, 7], results);
    }

    [Fact]
    public void Intercepted_Map_runs_in_worker_processes_in_order()
    {
        using var executor = new ParallelExecutor(maxWorkers: 2, Backend.Processes);
        int[] doubled = executor.Map(InterceptedWork.Twice, Enumerable.Range(0, 20));
        int[] pids = executor.Map(InterceptedWork.ProcessIdOf, Enumerable.Range(0, 4), s_limit);

        Assert.Equal(Enumerable.Range(0, 20).Select(i => 2 * i), doubled);
        Assert.All(pids, p => Assert.NotEqual(Environment.ProcessId, p));
    }

    [Fact]
    public void Intercepted_call_rethrows_the_workers_exception_type()
    {
        using var executor = new ParallelExecutor(maxWorkers: 1, Backend.Processes);
        Future<int> failed = executor.Submit(InterceptedWork.Fail, 4);
        var ex = Assert.Throws<InvalidOperationException>(() => failed.Result(s_limit));
        Assert.Equal("bad 4", ex.Message);

        var jobs = new ParallelJobs(new ParallelizeOptions { Jobs = 1, Backend = Backend.Processes });
        Assert.Throws<InvalidOperationException>(() => jobs.Run([Delayed.Call(InterceptedWork.Twice, 1), Delayed.Call(InterceptedWork.Fail, 2)]));
    }

    [Fact]
    public void Intercepted_calls_on_threads_run_in_this_process()
    {
        using var executor = new ParallelExecutor(maxWorkers: 2);
        Assert.Equal(Environment.ProcessId, executor.Submit(InterceptedWork.ProcessId).Result(s_limit));
        Assert.Equal(7, executor.Submit(InterceptedWork.SlowAdd, 3, 4).Result(s_limit));
        Assert.Equal([Environment.ProcessId, Environment.ProcessId], new ParallelJobs(jobs: 2).Run([Delayed.Call(InterceptedWork.ProcessIdOf, 0), Delayed.Call(InterceptedWork.ProcessIdOf, 1)]));
        Assert.Equal([0, 2, 4], executor.Map(InterceptedWork.Twice, [0, 1, 2]));
    }

    [Fact]
    public void A_remote_run_of_a_lambda_fails_with_a_clear_error()
    {
        var jobs = new ParallelJobs(new ParallelizeOptions { Jobs = 2, Backend = Backend.Processes });
        int offset = 3;
#pragma warning disable PG0008 // the run-time error that PG0008 reports at compile time
        DelayedCall<int>[] calls = [Delayed.Call((int x) => x + offset, 1)];
#pragma warning restore PG0008
        var ex = Assert.Throws<NotSupportedException>(() => jobs.Run(calls));
        Assert.Contains("PG0008", ex.Message);
        Assert.Contains("Backend.Threads", ex.Message);
    }
}

/// <summary>Static methods called through the interceptors.</summary>
public static class InterceptedWork
{
    public static int SlowAdd(int a, int b)
    {
        Thread.Sleep(10);
        return a + b;
    }

    public static int ProcessId() => Environment.ProcessId;

    public static int ProcessIdOf(int unused) => Environment.ProcessId + 0 * unused;

    public static int Twice(int x) => 2 * x;

    public static (int Pid, string Text) Describe(string s, int times, double d) =>
        (Environment.ProcessId, string.Concat(Enumerable.Repeat(s, times)) + ":" + d.ToString(System.Globalization.CultureInfo.InvariantCulture));

    public static int Fail(int x) => throw new InvalidOperationException($"bad {x}");
}
