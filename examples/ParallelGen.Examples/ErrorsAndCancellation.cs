using System;
using System.Diagnostics;
using System.Linq;
using System.Threading;

namespace ParallelGen.Examples;

/// <summary>6. Errors, cancellation, timeouts and progress.</summary>
internal static partial class Jobs
{
    internal static int StepMilliseconds = 50;

    /// <summary>Fails for item 3, the way a real job fails on one bad input.</summary>
    [Parallelize(Jobs = 4)]
    internal static int Validate(int x)
    {
        Thread.Sleep(StepMilliseconds);
        if (x == 3)
        {
            throw new FormatException($"record {x} is malformed");
        }

        return x * 10;
    }

    /// <summary>
    /// A long job. The trailing <see cref="CancellationToken"/> parameter receives the call's token (cancelled when the
    /// caller cancels, on timeout, or when another item failed), so the body can stop mid-way too.
    /// </summary>
    [Parallelize(Jobs = 4)]
    internal static int Crunch(int x, CancellationToken cancellationToken)
    {
        for (int step = 0; step < 4; step++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            Thread.Sleep(StepMilliseconds);
        }

        return x;
    }
}

internal sealed class ErrorsAndCancellationScenario : IScenario
{
    public string Name => "errors";

    public string Title => "Errors, cancellation, timeouts and progress";

    public void Run(TourSettings settings)
    {
        Jobs.StepMilliseconds = settings.Quick ? 25 : 50;

        Tour.Sub("an exception in one item surfaces with its original type and the item's index");
        Tour.Code("try { Jobs.ValidateParallel(Enumerable.Range(0, 8)); }");
        Tour.Code("catch (FormatException ex) { ... ex.GetParallelItemIndex() ... }");
        try
        {
            Jobs.ValidateParallel(Enumerable.Range(0, 8));
            Tour.Say("no exception?!");
        }
        catch (FormatException ex)
        {
            Tour.Say($"caught {ex.GetType().FullName}: \"{ex.Message}\"; GetParallelItemIndex() = {ex.GetParallelItemIndex()}");
            Tour.Say("(not an AggregateException: the first failure stops dispatch and is rethrown as itself)");
        }

        Tour.Sub("cancellation: new CancellationTokenSource(TimeSpan.FromMilliseconds(300))");
        int items = 200;
        Tour.Say($"{items} items x {4 * Jobs.StepMilliseconds} ms on 4 workers would take ~{items / 4 * 4 * Jobs.StepMilliseconds / 1000.0:0.0} s.");
        using (var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(300)))
        {
            long start = Stopwatch.GetTimestamp();
            try
            {
                Jobs.CrunchParallel(Enumerable.Range(0, items), cts.Token);
                Tour.Say("finished without cancellation?!");
            }
            catch (OperationCanceledException ex)
            {
                Tour.Say($"{ex.GetType().Name} after {Tour.Seconds(Stopwatch.GetElapsedTime(start))}: \"{ex.Message}\"");
            }
        }

        Tour.Sub("a time limit: options.Timeout = 200 ms");
        long t0 = Stopwatch.GetTimestamp();
        try
        {
            Jobs.CrunchParallel(Enumerable.Range(0, items), new ParallelizeOptions { Timeout = TimeSpan.FromMilliseconds(200) });
        }
        catch (TimeoutException ex)
        {
            Tour.Say($"TimeoutException after {Tour.Seconds(Stopwatch.GetElapsedTime(t0))}: \"{ex.Message}\"");
        }

        Tour.Sub("progress: options.Progress = an IProgress<ParallelProgress>");
        Tour.Code("Jobs.CrunchParallel(items, new ParallelizeOptions { Progress = progress, BatchSize = 4 });");
        var progress = new ConsoleProgress();
        int[] results = Jobs.CrunchParallel(Enumerable.Range(0, 24), new ParallelizeOptions { Progress = progress, BatchSize = 4 });
        Tour.Say($"{results.Length} results; {progress.Reports} progress reports");
    }

    /// <summary>
    /// Prints each report synchronously. (<see cref="Progress{T}"/> would post reports to the thread pool, where they
    /// can arrive out of order; ParallelGen sends reports in order from the worker that finished a batch.)
    /// </summary>
    private sealed class ConsoleProgress : IProgress<ParallelProgress>
    {
        private int _reports;

        public int Reports => Volatile.Read(ref _reports);

        public void Report(ParallelProgress value)
        {
            Interlocked.Increment(ref _reports);
            int filled = (int)Math.Round(value.Fraction * 24);
            Tour.Say($"[{new string('#', filled),-24}] {value.Completed,2}/{value.Total} {value.Fraction,5:P0}  elapsed {value.Elapsed.TotalSeconds:0.00} s, ~{value.EstimatedRemaining.TotalSeconds:0.00} s left");
        }
    }
}
