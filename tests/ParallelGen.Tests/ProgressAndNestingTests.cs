using ParallelGen.Internal;
using System.Text.RegularExpressions;

namespace ParallelGen.Tests;

[Collection(nameof(ProbeCollection))]
public partial class ProgressAndNestingTests : IDisposable
{
    public void Dispose() => Probe.Body = x => x;

    [Fact]
    public void Progress_reports_are_monotonic_and_end_with_the_total()
    {
        var progress = new RecordingProgress<ParallelProgress>();
        Probe.EightParallel(Enumerable.Range(0, 200), new ParallelizeOptions { Progress = progress, BatchSize = 7 });

        IReadOnlyList<ParallelProgress> reports = progress.Reports;
        Assert.NotEmpty(reports);
        Assert.All(reports, r => Assert.Equal(200, r.Total));
        Assert.Equal(reports.Select(r => r.Completed).Order(), reports.Select(r => r.Completed));
        Assert.Equal(200, reports[^1].Completed);
        Assert.Equal(TimeSpan.Zero, reports[^1].EstimatedRemaining);
        Assert.Equal(1.0, reports[^1].Fraction);
    }

    [Fact]
    public void Verbose_log_prints_joblib_style_lines()
    {
        var log = new StringWriter();
        Probe.TwoParallel(Enumerable.Range(0, 10), new ParallelizeOptions { Verbose = 10, VerboseWriter = log });

        string[] lines = log.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Equal(10, lines.Length); // verbose >= 10: a line per finished batch (batch size 1 here)
        Assert.All(lines, l => Assert.Matches(VerboseLine(), l));
        Assert.StartsWith("[Parallel(jobs=2)]: Done  10 out of  10 | elapsed: ", lines[^1]);
    }

    [Fact]
    public void Verbose_counts_are_padded_like_joblib()
    {
        Assert.StartsWith("[Parallel(jobs=8)]: Done   1 out of 100 | elapsed: 0.0s", ProgressTracker.Format(8, 1, 100, TimeSpan.Zero, TimeSpan.Zero));
        Assert.StartsWith("[Parallel(jobs=8)]: Done 100 out of 100 |", ProgressTracker.Format(8, 100, 100, TimeSpan.Zero, TimeSpan.Zero));
        Assert.StartsWith("[Parallel(jobs=2)]: Done   4 out of   4 |", ProgressTracker.Format(2, 4, 4, TimeSpan.Zero, TimeSpan.Zero));
        Assert.StartsWith("[Parallel(jobs=2)]: Done   12 out of 5000 |", ProgressTracker.Format(2, 12, 5000, TimeSpan.Zero, TimeSpan.Zero));
    }

    [Fact]
    public void Low_verbosity_logs_fewer_lines_but_always_the_last()
    {
        var log = new StringWriter();
        Probe.TwoParallel(Enumerable.Range(0, 100), new ParallelizeOptions { Verbose = 1, VerboseWriter = log });

        string[] lines = log.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.InRange(lines.Length, 2, 12);
        Assert.Contains("Done 100 out of 100", lines[^1]);
    }

    [Fact]
    public void A_parallel_call_inside_a_parallel_body_runs_sequentially()
    {
        var inBody = new System.Collections.Concurrent.ConcurrentBag<bool>();
        Probe.Body = x =>
        {
            inBody.Add(ParallelContext.IsInParallelBody);
            return Environment.CurrentManagedThreadId;
        };

        // Outer: 4 workers; each outer body calls InnerParallel (Jobs = 4) over 4 items and checks their threads.
        int[] sequential = Probe.OuterParallel(Enumerable.Range(0, 4));

        Assert.Equal([1, 1, 1, 1], sequential);
        Assert.Equal(16, inBody.Count);
        Assert.All(inBody, Assert.True);
        Assert.False(ParallelContext.IsInParallelBody);
    }

    [Fact]
    public void Inside_a_body_the_worker_count_is_one()
    {
        var counts = new System.Collections.Concurrent.ConcurrentBag<int>();
        Probe.Body = x =>
        {
            counts.Add(ParallelRunner.GetWorkerCount(new ParallelDefaults(Jobs: 8), null, 100));
            return x;
        };

        Probe.EightParallel(Enumerable.Range(0, 8));

        Assert.Equal(8, counts.Count);
        Assert.All(counts, c => Assert.Equal(1, c));
        Assert.Equal(8, ParallelRunner.GetWorkerCount(new ParallelDefaults(Jobs: 8), null, 100));
    }

    [GeneratedRegex(@"^\[Parallel\(jobs=\d+\)\]: Done +\d+ out of +\d+ \| elapsed: \d+\.\ds remaining: \d+\.\ds$")]
    private static partial Regex VerboseLine();
}
