namespace ParallelGen.Tests;

/// <summary>
/// Issue 10 §1: a process executor's initializer (CPython's initializer/initargs on ProcessPoolExecutor) runs once in
/// each worker process before that executor's calls; a failing one breaks the executor (BrokenProcessPool).
/// </summary>
[Collection(nameof(ProcessCollection))]
public class ProcessInitializerTests
{
    private static readonly TimeSpan s_limit = TimeSpan.FromSeconds(60);

    [Fact]
#pragma warning disable PG0007 // the test reads the worker's own copy of the state the initializer set, on purpose
    public void Initializer_runs_once_in_each_worker_process_before_its_calls()
    {
        using var executor = new ParallelExecutor(maxWorkers: 2, Backend.Processes, initializer: WorkerSetup.Init);
        Future<(int Pid, int InitializedIn, int Runs)>[] futures = [.. Enumerable.Range(0, 12).Select(_ => executor.Submit(WorkerSetup.Observe, 5))];
        (int Pid, int InitializedIn, int Runs)[] seen = [.. futures.Select(f => f.Result(s_limit))];
        (int Pid, int InitializedIn, int Runs)[] mapped = executor.Map(WorkerSetup.Observe, [1, 1, 1, 1]);
#pragma warning restore PG0007

        Assert.All(seen.Concat(mapped), s =>
        {
            Assert.NotEqual(Environment.ProcessId, s.Pid);
            Assert.Equal(s.Pid, s.InitializedIn);
            Assert.True(s.Runs >= 1);
        });

        // Once per worker: every call a worker served for this executor saw the same run count.
        Assert.All(seen.Concat(mapped).GroupBy(s => s.Pid), g => Assert.Single(g.Select(s => s.Runs).Distinct()));
        Assert.Equal(0, WorkerSetup.Runs); // never in this process
    }

    [Fact]
    public void A_failing_initializer_breaks_the_executor()
    {
        using var executor = new ParallelExecutor(maxWorkers: 1, Backend.Processes, initializer: WorkerSetup.Fail);
        Future<int> first = executor.Submit(InterceptedWork.Twice, 1);

        var ex = Assert.Throws<BrokenExecutorException>(() => first.Result(s_limit));
        Assert.Contains("initializer failed in worker process", ex.Message);
        Assert.Contains("no database", ex.Message);
        Assert.Throws<BrokenExecutorException>(() => executor.Submit(InterceptedWork.Twice, 2));
    }

    [Fact]
    public void A_process_initializer_must_be_a_static_method_and_calls_must_be_static_methods()
    {
        int captured = 1;
        // PG0008 reports this at compile time (the backend is a constant here); the run-time check is what is tested.
#pragma warning disable PG0008
        var ex = Assert.Throws<NotSupportedException>(() => new ParallelExecutor(2, Backend.Processes, initializer: () => captured++));
#pragma warning restore PG0008
        Assert.Contains("static method", ex.Message);

        using var executor = new ParallelExecutor(maxWorkers: 1, Backend.Processes, initializer: WorkerSetup.Init);
        Assert.Throws<NotSupportedException>(() => executor.Submit(Remote.SquareParallel, 3L));
    }

    [Fact]
#pragma warning disable PG0007 // the calls read the worker's own copy of the state the initializer set, on purpose
    public void Initializer_arguments_reach_each_worker_process_and_it_runs_once_there()
    {
        // CPython's ProcessPoolExecutor(initializer=connect, initargs=("db-7", 3)).
        using ParallelExecutor executor = ParallelExecutor.Create(2, Backend.Processes, initializer: WorkerSetup.Connect, initargs: ("db-7", 3));
        (int Pid, string? Connection, int Retries, int Runs)[] seen =
            [.. Enumerable.Range(0, 10).Select(_ => executor.Submit(WorkerSetup.ObserveConnection, 0)).ToArray().Select(f => f.Result(s_limit))];
#pragma warning restore PG0007

        Assert.All(seen, s =>
        {
            Assert.NotEqual(Environment.ProcessId, s.Pid);
            Assert.Equal("db-7", s.Connection);
            Assert.Equal(3, s.Retries);
        });
        Assert.All(seen.GroupBy(s => s.Pid), g => Assert.Single(g.Select(s => s.Runs).Distinct())); // once per worker
        Assert.Null(WorkerSetup.Connection); // never in this process
    }

    [Fact]
    public void A_single_initializer_argument_of_a_record_type_crosses_with_its_generated_formatter()
    {
        using ParallelExecutor executor = ParallelExecutor.Create(1, Backend.Processes, initializer: WorkerSetup.Configure, initargs: new InitSettings("grid", [1.5, 2.5]));
        (int Pid, string? Connection, int Retries, int Runs) seen = executor.Submit(WorkerSetup.ObserveConnection, 0).Result(s_limit);

        Assert.NotEqual(Environment.ProcessId, seen.Pid);
        Assert.Equal("grid:1.5,2.5", seen.Connection);
    }

    [Fact]
    public void A_failing_initializer_with_arguments_breaks_the_executor_with_its_message()
    {
        using ParallelExecutor executor = ParallelExecutor.Create(1, Backend.Processes, initializer: WorkerSetup.FailWith, initargs: "no database at db-9");
        Future<int> first = executor.Submit(InterceptedWork.Twice, 1);

        var ex = Assert.Throws<BrokenExecutorException>(() => first.Result(s_limit));
        Assert.Contains("initializer failed in worker process", ex.Message);
        Assert.Contains("no database at db-9", ex.Message);
        Assert.Throws<BrokenExecutorException>(() => executor.Submit(InterceptedWork.Twice, 2));
    }

    [Fact]
    public void Initializer_arguments_on_threads_and_a_lambda_on_processes()
    {
        var seen = new System.Collections.Concurrent.ConcurrentBag<string>();
        using (ParallelExecutor threads = ParallelExecutor.Create(2, Backend.Threads, initializer: (string s, int n) => seen.Add(s + n), initargs: ("t", 1)))
        {
            Assert.Equal(5, threads.Submit(() => 5).Result(s_limit));
        }

        Assert.Contains("t1", seen);
#pragma warning disable PG0008 // reported at compile time; the run-time check is what is tested
        var ex = Assert.Throws<NotSupportedException>(() => ParallelExecutor.Create(1, Backend.Processes, initializer: (string s) => seen.Add(s), initargs: "x"));
#pragma warning restore PG0008
        Assert.Contains("static method", ex.Message);
    }
}

/// <summary>An initializer argument of a record type.</summary>
public sealed record InitSettings(string Name, double[] Weights);

/// <summary>An initializer and the calls that observe it, in worker processes.</summary>
public static class WorkerSetup
{
    private static int s_initializedIn;
    private static int s_runs;

    /// <summary>How many times the initializer ran in this process.</summary>
    public static int Runs => Volatile.Read(ref s_runs);

    public static void Init()
    {
        s_initializedIn = Environment.ProcessId;
        Interlocked.Increment(ref s_runs);
    }

    public static void Fail() => throw new InvalidOperationException("no database");

    private static string? s_connection;
    private static int s_retries;

    /// <summary>What <see cref="Connect"/> received in this process (null: it never ran here).</summary>
    public static string? Connection => Volatile.Read(ref s_connection);

    public static void Connect(string name, int retries)
    {
        s_retries = retries;
        Volatile.Write(ref s_connection, name);
        Interlocked.Increment(ref s_runs);
    }

    public static void Configure(InitSettings settings) =>
        Volatile.Write(ref s_connection, settings.Name + ":" + string.Join(",", settings.Weights.Select(w => w.ToString(System.Globalization.CultureInfo.InvariantCulture))));

    public static void FailWith(string why) => throw new InvalidOperationException(why);

    public static (int Pid, string? Connection, int Retries, int Runs) ObserveConnection(int unused) => (Environment.ProcessId + 0 * unused, Connection, s_retries, Runs);

    public static (int Pid, int InitializedIn, int Runs) Observe(int unused) => (Environment.ProcessId + 0 * unused, s_initializedIn, Runs);
}
