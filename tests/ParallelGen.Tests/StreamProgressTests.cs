using System.Text.RegularExpressions;
using ParallelGen.Internal;

namespace ParallelGen.Tests;

/// <summary>
/// Streams report progress and verbose lines for the whole stream, like the array calls: joblib's padded
/// <c>Done   1 out of 100 |</c> lines when the input's count is known, <c>Done  10 tasks      |</c> while a lazy input has
/// not been read to its end. Counts and lines only; nothing here depends on timing.
/// </summary>
[Collection(nameof(StreamCollection))]
public sealed partial class StreamProgressTests
{
    [Fact]
    public void Ordered_stream_over_a_counted_input_reports_out_of_the_total()
    {
        var log = new StringWriter();
        var progress = new RecordingProgress<ParallelProgress>();
        var options = new ParallelizeOptions { Verbose = 10, VerboseWriter = log, Progress = progress, PreDispatch = 16, BatchSize = 4 };

        Assert.Equal(Enumerable.Range(0, 100).Select(x => x * x), StreamTargets.SquareParallelStream(Enumerable.Range(0, 100), options).ToList());

        string[] lines = Lines(log);
        Assert.Equal(25, lines.Length); // verbose >= 10: a line per finished batch of 4, across the stream's 7 windows
        Assert.All(lines, l => Assert.Matches(OutOfLine(), l));
        Assert.Equal(Enumerable.Range(1, 25).Select(i => i * 4), lines.Select(CountOf).Order());
        Assert.StartsWith("[Parallel(jobs=2)]: Done 100 out of 100 | elapsed: ", lines[^1]);

        IReadOnlyList<ParallelProgress> reports = progress.Reports;
        Assert.Equal(25, reports.Count);
        Assert.All(reports, r => Assert.Equal(100, r.Total));
        Assert.Equal(reports.Select(r => r.Completed).Order(), reports.Select(r => r.Completed));
        Assert.Equal(100, reports[^1].Completed);
        Assert.Equal(1.0, reports[^1].Fraction);
    }

    [Fact]
    public void Unordered_stream_over_lazy_input_reports_tasks_until_the_input_ends()
    {
        var log = new StringWriter();
        var progress = new RecordingProgress<ParallelProgress>();
        var options = new ParallelizeOptions { Verbose = 10, VerboseWriter = log, Progress = progress, PreDispatch = 8, BatchSize = 1 };

        // 50 items in windows of 8: the input's end is found while reading the seventh window (2 items).
        var results = StreamTargets.SquareParallelUnordered(Lazy(50), options).ToList();
        Assert.Equal(50, results.Count);

        string[] lines = Lines(log);
        Assert.Equal(50, lines.Length);
        Assert.Equal(Enumerable.Range(1, 50), lines.Select(CountOf));
        string[] tasks = [.. lines.Where(l => TasksLine().IsMatch(l))];
        Assert.Equal(48, tasks.Length); // the first six windows, before the end of the input was seen
        Assert.StartsWith("[Parallel(jobs=2)]: Done   1 tasks      | elapsed: ", lines[0]);
        Assert.All(lines[48..], l => Assert.Matches(OutOfLine(), l));
        Assert.StartsWith("[Parallel(jobs=2)]: Done  50 out of  50 | elapsed: ", lines[^1]);

        IReadOnlyList<ParallelProgress> reports = progress.Reports;
        Assert.Equal(50, reports.Count);
        Assert.Equal(Enumerable.Range(1, 50), reports.Select(r => r.Completed));
        Assert.All(reports.Take(48), r =>
        {
            Assert.Equal(-1, r.Total);
            Assert.Equal(Timeout.InfiniteTimeSpan, r.EstimatedRemaining);
            Assert.Equal(0.0, r.Fraction);
        });
        Assert.All(reports.Skip(48), r => Assert.Equal(50, r.Total));
        Assert.Equal(TimeSpan.Zero, reports[^1].EstimatedRemaining);
    }

    [Fact]
    public void Lazy_input_ending_on_a_window_boundary_still_gets_the_final_line()
    {
        var log = new StringWriter();
        var progress = new RecordingProgress<ParallelProgress>();
        var options = new ParallelizeOptions { Verbose = 10, VerboseWriter = log, Progress = progress, PreDispatch = 8, BatchSize = 1 };

        // 48 items = 6 full windows: the end is seen only when a seventh window reads nothing, after every item is done.
        Assert.Equal(48, StreamTargets.SquareParallelStream(Lazy(48), options).Count());

        string[] lines = Lines(log);
        Assert.Equal(49, lines.Length); // 48 "tasks" lines, then the final one when the total became known
        Assert.All(lines[..48], l => Assert.Matches(TasksLine(), l));
        Assert.StartsWith("[Parallel(jobs=2)]: Done  48 out of  48 | elapsed: ", lines[^1]);

        IReadOnlyList<ParallelProgress> reports = progress.Reports;
        Assert.Equal(49, reports.Count);
        Assert.Equal(new ParallelProgress(48, 48, reports[^1].Elapsed, TimeSpan.Zero), reports[^1]);
    }

    [Fact]
    public async Task Async_streams_report_like_sync_ones()
    {
        var progress = new RecordingProgress<ParallelProgress>();
        var log = new StringWriter();
        var options = new ParallelizeOptions { Progress = progress, Verbose = 1, VerboseWriter = log, PreDispatch = 6 };

        // 32 items in windows of 6: the end is found while reading the sixth window.
        int count = 0;
        await foreach (int r in StreamTargets.TwiceParallelStream(Lazy(32), options))
        {
            Assert.Equal(2 * count++, r);
        }

        Assert.Equal(32, count);
        IReadOnlyList<ParallelProgress> reports = progress.Reports;
        Assert.Equal(32, reports.Count); // async bodies report per item
        Assert.Equal(Enumerable.Range(1, 32), reports.Select(r => r.Completed));
        Assert.All(reports.Take(30), r => Assert.Equal(-1, r.Total));
        Assert.Equal(32, reports[^1].Total);

        // Verbose 1: lines at 1, 2, 4, 8 and 16 finished items while the total is unknown, then the last.
        string[] lines = Lines(log);
        Assert.Equal([1, 2, 4, 8, 16, 32], lines.Select(CountOf));
        Assert.StartsWith("[Parallel(jobs=3)]: Done   1 tasks      |", lines[0]);
        Assert.StartsWith("[Parallel(jobs=3)]: Done  32 out of  32 |", lines[^1]);
    }

    [Fact]
    public void Streams_in_a_config_scope_report_the_scope_verbosity()
    {
        var log = new StringWriter();
        using (ParallelConfig.Use(new ParallelConfig { Verbose = 10, VerboseWriter = log, BatchSize = 5 }))
        {
            Assert.Equal(20, StreamTargets.TouchParallelUnordered(Enumerable.Range(0, 20)).Count());
        }

        string[] lines = Lines(log);
        Assert.NotEmpty(lines);
        Assert.StartsWith("[Parallel(jobs=2)]: Done  20 out of  20 |", lines[^1]);
    }

    [Fact]
    public void Tasks_lines_pad_the_count_like_joblib()
    {
        Assert.Equal("[Parallel(jobs=2)]: Done   1 tasks      | elapsed: 0.0s", ProgressTracker.FormatTasks(2, 1, TimeSpan.Zero));
        Assert.Equal("[Parallel(jobs=2)]: Done 1234 tasks      | elapsed: 1.5s", ProgressTracker.FormatTasks(2, 1234, TimeSpan.FromSeconds(1.5)));
    }

    private static IEnumerable<int> Lazy(int count)
    {
        for (int i = 0; i < count; i++)
        {
            yield return i;
        }
    }

    private static string[] Lines(StringWriter log) =>
        log.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    private static int CountOf(string line) => int.Parse(CountPart().Match(line).Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);

    [GeneratedRegex(@"^\[Parallel\(jobs=\d+\)\]: Done +\d+ out of +\d+ \| elapsed: \d+\.\ds remaining: \d+\.\ds$")]
    private static partial Regex OutOfLine();

    [GeneratedRegex(@"^\[Parallel\(jobs=\d+\)\]: Done +\d+ tasks      \| elapsed: \d+\.\ds$")]
    private static partial Regex TasksLine();

    [GeneratedRegex(@"Done +(\d+) ")]
    private static partial Regex CountPart();
}
