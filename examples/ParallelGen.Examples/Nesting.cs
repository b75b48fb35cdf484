using System;
using System.Linq;
using System.Threading;

namespace ParallelGen.Examples;

/// <summary>
/// 7. Nesting: a parallel method whose body calls another parallel method. The inner call may use the cores the outer
/// call leaves idle — max(1, cpus / outer workers) — so the machine never runs Jobs x Jobs threads: 4 outer workers on
/// up to 7 cores leave each inner call one worker (it runs right there, in sequence); 1 outer worker leaves it all cores.
/// </summary>
internal static partial class Nesting
{
    internal static int SleepMilliseconds = 50;

    [Parallelize(Jobs = 4)]
    internal static string Outer(int row)
    {
        int thread = Environment.CurrentManagedThreadId;
        bool inBody = ParallelContext.IsInParallelBody;
        int[] innerThreads = InnerParallel(Enumerable.Range(0, 3)); // nested: at most ParallelContext.NestedWorkerLimit workers
        return $"row {row}: outer thread {thread,3}, IsInParallelBody = {inBody}, NestedWorkerLimit = {ParallelContext.NestedWorkerLimit}; inner items ran on thread(s) [{string.Join(", ", innerThreads.Distinct())}]";
    }

    [Parallelize(Jobs = 4)]
    internal static int Inner(int column)
    {
        Thread.Sleep(SleepMilliseconds);
        return Environment.CurrentManagedThreadId;
    }
}

internal sealed class NestingScenario : IScenario
{
    public string Name => "nesting";

    public string Title => "Nesting: a nested call gets the cores its parent leaves idle, max(1, cpus / outer workers)";

    public void Run(TourSettings settings)
    {
        Nesting.SleepMilliseconds = settings.Quick ? 20 : 50;
        Tour.Say($"top level: ParallelContext.IsInParallelBody = {ParallelContext.IsInParallelBody}, thread {Environment.CurrentManagedThreadId}");
        Tour.Code("Nesting.OuterParallel(Enumerable.Range(0, 4))  // Outer calls InnerParallel(Enumerable.Range(0, 3))");
        var (lines, elapsed) = Tour.Time(() => Nesting.OuterParallel(Enumerable.Range(0, 4)));
        foreach (string line in lines)
        {
            Tour.Say(line);
        }

        Tour.Say($"took {Tour.Seconds(elapsed)}: 4 outer rows in parallel, each inner call with max(1, {ParallelContext.NestedWorkerLimit} cpus / 4) workers, {Nesting.SleepMilliseconds} ms per item");
        Tour.Say("The machine runs at most max(4, cpus) workers, not 4 x 4 = 16. With one outer worker, the inner call gets every core:");
        var (single, t1) = Tour.Time(() => Nesting.OuterParallel([0], new ParallelizeOptions { Jobs = 1 }));
        Tour.Say($"{single[0]} ({Tour.Seconds(t1)})");
        Tour.Say("Called at top level, InnerParallel is parallel again:");
        var (top, t2) = Tour.Time(() => Nesting.InnerParallel(Enumerable.Range(0, 3)));
        Tour.Say($"InnerParallel at top level ran on threads [{string.Join(", ", top.Distinct())}] in {Tour.Seconds(t2)}");
    }
}
