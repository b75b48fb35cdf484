using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;

namespace ParallelGen.Examples;

/// <summary>
/// 2. multiprocessing.Pool.map and concurrent.futures: the same slow function, submitted to a
/// <see cref="ParallelExecutor"/> on threads (Python's <c>ThreadPoolExecutor</c>) and on worker processes
/// (<c>ProcessPoolExecutor</c>).
/// </summary>
internal sealed partial class FuturesScenario : IScenario
{
    public string Name => "futures";

    public string Title => "Pool.map and concurrent.futures: ParallelExecutor, Future<T>, AsCompleted";

    public void Run(TourSettings settings)
    {
        int sleep = settings.SleepMilliseconds;
        FunctionCalls.SleepMilliseconds = sleep;

        Tour.Say("Python: with ThreadPoolExecutor(max_workers=4) as ex: f = ex.submit(square, 3); f.result()");
        Tour.Code("using var executor = new ParallelExecutor(maxWorkers: 4);");
        using var executor = new ParallelExecutor(maxWorkers: 4);

        Tour.Sub("Submit -> Future<T> -> Result()");
        Tour.Code("Future<int> future = executor.Submit(FunctionCalls.Square, 3);");
        var (value, t1) = Tour.Time(() =>
        {
            Future<int> future = executor.Submit(FunctionCalls.Square, 3);
            Tour.Say($"submitted; IsDone = {future.IsDone} (the call runs on a worker thread meanwhile)");
            return future.Result();
        });
        Tour.Say($"future.Result() = {value} after {Tour.Seconds(t1)}");

        Tour.Sub("executor.Map (Pool.map / ex.map): results in input order");
        Tour.Code("int[] squares = executor.Map(FunctionCalls.Square, Enumerable.Range(0, 8));");
        var (squares, t2) = Tour.Time(() => executor.Map(FunctionCalls.Square, Enumerable.Range(0, 8)));
        Tour.Say($"[{string.Join(", ", squares)}] in {Tour.Seconds(t2)} (8 calls, 4 workers: two rounds of {sleep} ms)");

        Tour.Sub("Future<T>.AsCompleted (as_completed): results as they finish");
        Tour.Say("Four calls that take 4, 3, 2 and 1 units of time are submitted in that order;");
        Tour.Say("AsCompleted yields the quickest first.");
        int unit = Math.Max(20, sleep / 4);
        var futures = new List<Future<string>>();
        long start = System.Diagnostics.Stopwatch.GetTimestamp();
        foreach (int units in new[] { 4, 3, 2, 1 })
        {
            futures.Add(executor.Submit(n => { Thread.Sleep(n * unit); return $"task({n})"; }, units));
        }

        foreach (Future<string> done in Future<string>.AsCompleted(futures))
        {
            Tour.Say($"{done.Result(),-8} done at {Tour.Seconds(System.Diagnostics.Stopwatch.GetElapsedTime(start))}");
        }

        Tour.Sub("ProcessPoolExecutor: the same executor on worker processes");
        Tour.Say("Python: with ProcessPoolExecutor(2) as ex: f = ex.submit(slowadd, 1, 2, delay); ex.map(where, range(4))");
        Tour.Say("A static method crosses to a worker as its id plus the argument values (the generator rewrites each");
        Tour.Say("Submit/Map/Delayed.Call call site of a static method; a lambda here is compile error PG0008).");
        Tour.Code("using var processes = new ParallelExecutor(maxWorkers: 2, Backend.Processes);");
        Tour.Code("Future<int> sum = processes.Submit(SlowAdd, 1, 2, delay);");
        using var processes = new ParallelExecutor(maxWorkers: 2, Backend.Processes);
        var (sum, t3) = Tour.Time(() => processes.Submit(SlowAdd, 1, 2, unit).Result());
        Tour.Say($"sum.Result() = {sum} after {Tour.Seconds(t3)} (the first call starts a worker process)");
        Tour.Code("int[] pids = processes.Map(Where, Enumerable.Range(0, 4));");
        int[] pids = processes.Map(Where, Enumerable.Range(0, 4));
        Tour.Say($"ran in processes {string.Join(", ", pids.Distinct())}; this one is {Environment.ProcessId}");
        Tour.Code("foreach (Future<int> f in Future<int>.AsCompleted([.. delays.Select(d => processes.Submit(SlowAdd, d, 0, d))]))");
        var inWorkers = new[] { 3, 1, 2 }.Select(d => processes.Submit(SlowAdd, d, 0, d * unit)).ToList();
        Tour.Say("as completed: " + string.Join(", ", Future<int>.AsCompleted(inWorkers).Select(f => f.Result())));
    }

    /// <summary>The notebook's <c>slowadd(a, b, delay)</c>: a plain static method, run in a worker process.</summary>
    internal static int SlowAdd(int a, int b, int delay)
    {
        Thread.Sleep(delay);
        return a + b;
    }

    /// <summary>Which process ran the call.</summary>
    internal static int Where(int x)
    {
        Thread.Sleep(20);
        return Environment.ProcessId;
    }
}
