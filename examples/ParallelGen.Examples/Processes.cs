using System;
using System.Linq;
using System.Threading;

namespace ParallelGen.Examples;

/// <summary>8. Processes: the notebook's multiprocessing side -- own memory, serialization cost, crash isolation.</summary>
internal sealed partial class ProcessesScenario : IScenario
{
    public string Name => "processes";

    public string Title => "Processes: their own memory, a serialization bill, and crashes that stay contained";

    public void Run(TourSettings settings)
    {
        Tour.Code("[Parallelize(Jobs = 2, Backend = Backend.Processes)] static int Bump(int x) => ++s_counter;");

        Tour.Sub("Threads share memory, processes don't");
        s_counter = 0;
        int[] inThreads = BumpParallel(Enumerable.Range(0, 6), new ParallelizeOptions { Backend = Backend.Threads, Jobs = 1 });
        Tour.Say($"threads (Jobs = 1, in this process): counters seen {string.Join(", ", inThreads)}; this process's counter is now {s_counter}");
        s_counter = 0;
        int[] inProcesses = BumpParallel(Enumerable.Range(0, 6), new ParallelizeOptions { BatchSize = 1 });
        Tour.Say($"processes: counters seen {string.Join(", ", inProcesses)}; this process's counter is still {s_counter}");
        Tour.Say("each worker process counts on its own copy of the static field (analyzer PG0007 warns about exactly this).");

        Tour.Sub("Workers are started once and reused");
        ProcessBackend.Shutdown();
        var (pids, cold) = Tour.Time(() => WhereParallel(Enumerable.Range(0, 4), new ParallelizeOptions { BatchSize = 1 }));
        var (pidsAgain, warm) = Tour.Time(() => WhereParallel(Enumerable.Range(0, 4), new ParallelizeOptions { BatchSize = 1 }));
        Tour.Say($"first call  {Tour.Seconds(cold)} (starts the workers)  pids {string.Join(", ", pids.Distinct().Order())}  (this process: {Environment.ProcessId})");
        Tour.Say($"second call {Tour.Seconds(warm)} (same workers)         pids {string.Join(", ", pidsAgain.Distinct().Order())}");

        Tour.Sub("Processes pay for serialization: measure, don't guess");
        int n = settings.Quick ? 20_000 : 200_000;
        int[] input = Enumerable.Range(0, n).ToArray();
        TwiceParallel(input.Take(100), new ParallelizeOptions { Backend = Backend.Threads }); // warm-up
        TwiceParallel(input.Take(100));
        TimeSpan threads = Tour.Time(() => TwiceParallel(input, new ParallelizeOptions { Backend = Backend.Threads })).Elapsed;
        TimeSpan processes = Tour.Time(() => TwiceParallel(input)).Elapsed;
        Tour.Say($"{n:N0} trivial calls: threads {Tour.F(threads.TotalMilliseconds * 1000 / n, "0.000")} us/call, " +
                 $"processes {Tour.F(processes.TotalMilliseconds * 1000 / n, "0.000")} us/call (automatic batching)");
        Tour.Say("use processes for isolation or non-thread-safe code, not to make tiny calls faster.");

        Tour.Sub("A crash loses a worker, not the program");
        try
        {
            CrashParallel(Enumerable.Range(0, 4), new ParallelizeOptions { BatchSize = 1 });
        }
        catch (WorkerCrashedException ex)
        {
            Tour.Say($"caught WorkerCrashedException: items [{string.Join(", ", ex.ItemIndices)}], exit code {ex.ExitCode}, signal {ex.Signal ?? "none"}");
        }

        Tour.Say($"the pool replaced the worker: {string.Join(", ", TwiceParallel([1, 2, 3]))}");

        Tour.Sub("Cancel: a method that takes a CancellationToken sees it cancelled in its worker");
        using (var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(300)))
        {
            var (outcome, elapsed) = Tour.Time(() =>
            {
                try
                {
                    LongJobParallel(Enumerable.Range(0, 2), new ParallelizeOptions { BatchSize = 1 }, cts.Token);
                    return "finished";
                }
                catch (OperationCanceledException)
                {
                    return "OperationCanceledException";
                }
            });
            Console.Out.Flush();
            Tour.Say($"two 60 s jobs, cancelled after 0.3 s: {outcome} after {Tour.Seconds(elapsed)}. Each job saw its token cancelled and");
            Tour.Say("stopped by itself (its lines above); a job that ignored the token would be killed after ProcessBackend.CancelGracePeriod.");
        }

        Tour.Sub("Worker console output reaches this console, marked with the worker");
        GreetParallel(Enumerable.Range(0, 2), new ParallelizeOptions { BatchSize = 1 });
        Console.Out.Flush();
    }

    private static int s_counter;

    // Intentional: demonstrates that statics are per process (PG0007) and racy across threads (PG0003).
#pragma warning disable PG0003, PG0007
    [Parallelize(Jobs = 2, Backend = Backend.Processes)]
    internal static int Bump(int x) => ++s_counter;
#pragma warning restore PG0003, PG0007

    [Parallelize(Jobs = 2, Backend = Backend.Processes)]
    internal static int Where(int x)
    {
        Thread.Sleep(20);
        return Environment.ProcessId;
    }

    [Parallelize(Jobs = 2, Backend = Backend.Processes)]
    internal static int Twice(int x) => 2 * x;

    [Parallelize(Jobs = 2, Backend = Backend.Processes)]
    internal static int Crash(int x)
    {
        if (x == 2)
        {
            Environment.FailFast("item 2 hit a fatal error (this crash is part of the tour)");
        }

        return x;
    }

    /// <summary>A long job that checks its token: cancelling the call cancels the token inside the worker.</summary>
    [Parallelize(Jobs = 2, Backend = Backend.Processes)]
    internal static int LongJob(int x, CancellationToken cancellationToken)
    {
        if (cancellationToken.WaitHandle.WaitOne(TimeSpan.FromSeconds(60)))
        {
            Console.WriteLine($"job {x}: cancellation seen in process {Environment.ProcessId}; cleaning up and stopping");
            cancellationToken.ThrowIfCancellationRequested();
        }

        return x;
    }

    [Parallelize(Jobs = 2, Backend = Backend.Processes)]
    internal static void Greet(int x) => Console.WriteLine($"hello from item {x} in process {Environment.ProcessId}");
}
