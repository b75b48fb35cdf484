using System;
using System.Linq;
using System.Threading;

namespace ParallelGen.Examples;

/// <summary>
/// 7. Nesting: a parallel method whose body calls another parallel method. Like joblib, ParallelGen runs the inner
/// call sequentially on the outer worker's thread, instead of starting Jobs x Jobs threads.
/// </summary>
internal static partial class Nesting
{
    internal static int SleepMilliseconds = 50;

    [Parallelize(Jobs = 4)]
    internal static string Outer(int row)
    {
        int thread = Environment.CurrentManagedThreadId;
        bool inBody = ParallelContext.IsInParallelBody;
        int[] innerThreads = InnerParallel(Enumerable.Range(0, 3)); // nested: runs sequentially, right here
        return $"row {row}: outer thread {thread,3}, IsInParallelBody = {inBody}; inner items ran on thread(s) [{string.Join(", ", innerThreads.Distinct())}]";
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

    public string Title => "Nesting: a parallel method calling another runs the inner one sequentially";

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

        Tour.Say($"took {Tour.Seconds(elapsed)}: 4 outer rows in parallel x 3 inner items in sequence x {Nesting.SleepMilliseconds} ms");
        Tour.Say("The machine runs 4 workers, not 4 x 4 = 16. Called at top level, InnerParallel is parallel again:");
        var (top, t2) = Tour.Time(() => Nesting.InnerParallel(Enumerable.Range(0, 3)));
        Tour.Say($"InnerParallel at top level ran on threads [{string.Join(", ", top.Distinct())}] in {Tour.Seconds(t2)}");
    }
}
