using System;
using System.Linq;
using System.Threading;

namespace ParallelGen.Examples;

/// <summary>
/// 1. "Describe each task as a function call": a slow function, called once per input. The notebook's version sleeps
/// 1 s per call; the tour sleeps 250 ms (100 ms with --quick) so that it stays fast, and prints what 1 s would mean.
/// </summary>
internal static partial class FunctionCalls
{
    /// <summary>How long <see cref="Square"/> blocks; set by the scenario before it runs.</summary>
    internal static int SleepMilliseconds = 250;

    /// <summary>
    /// The notebook's slow function. <c>[Parallelize(Jobs = 8)]</c> makes the generator add <c>SquareParallel(items)</c>
    /// (and <c>SquareParallelAsync</c>, and overloads taking <see cref="ParallelizeOptions"/>) to this class.
    /// </summary>
    [Parallelize(Jobs = 8)]
    internal static int Square(int x)
    {
        Thread.Sleep(SleepMilliseconds); // stands in for a download, a database call, a subprocess...
        return x * x;
    }
}

internal sealed class FunctionCallsScenario : IScenario
{
    public string Name => "calls";

    public string Title => "Describe each task as a function call";

    public void Run(TourSettings settings)
    {
        FunctionCalls.SleepMilliseconds = settings.SleepMilliseconds;
        int sleep = settings.SleepMilliseconds;
        int[] inputs = Enumerable.Range(0, 8).ToArray();

        Tour.Say($"[Parallelize(Jobs = 8)] static int Square(int x) {{ Thread.Sleep({sleep}); return x * x; }}");

        Tour.Sub("sequential: a plain loop");
        Tour.Code("foreach (int x in Enumerable.Range(0, 8)) results.Add(Square(x));");
        var (sequential, tSeq) = Tour.Time(() => inputs.Select(FunctionCalls.Square).ToArray());
        Tour.Say($"results  [{string.Join(", ", sequential)}]");
        Tour.Say($"took     {Tour.Seconds(tSeq)}  (8 calls x {sleep} ms)");

        Tour.Sub("parallel: the generated method");
        Tour.Code("int[] results = SquareParallel(Enumerable.Range(0, 8));");
        var (parallel, tPar) = Tour.Time(() => FunctionCalls.SquareParallel(Enumerable.Range(0, 8)));
        Tour.Say($"results  [{string.Join(", ", parallel)}]  (same order as the input)");
        Tour.Say($"took     {Tour.Seconds(tPar)}");

        double speedup = tSeq / tPar;
        Tour.Say($"speed-up {Tour.F(speedup, "0.0")}x with 8 workers on {Environment.ProcessorCount} CPU(s)");
        Tour.Say($"With the notebook's 1 s per call: ~{Tour.F(tSeq.TotalSeconds * 1000.0 / sleep, "0.0")} s sequential"
            + $" vs ~{Tour.F(tPar.TotalSeconds * 1000.0 / sleep, "0.0")} s parallel.");
        Tour.Say("Why it works on a small machine: the calls block (sleep, I/O), they do not compute, so 8 of them");
        Tour.Say("overlap even on 2 cores. ParallelGen runs Jobs = n on n dedicated threads; it does not wait for");
        Tour.Say("the .NET thread pool to inject threads. CPU-bound work is another story: see scenario 4.");

        if (!sequential.SequenceEqual(parallel))
        {
            throw new InvalidOperationException("The parallel results differ from the sequential ones.");
        }
    }
}
