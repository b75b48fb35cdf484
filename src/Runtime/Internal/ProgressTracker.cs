using System;
using System.Diagnostics;
using System.Globalization;
using System.IO;

namespace ParallelGen.Internal;

/// <summary>
/// Counts finished items and reports them to an <see cref="IProgress{T}"/> and/or a joblib-style log. One tracker
/// serves a whole call; a stream shares one across its windows, with a total that is unknown (-1) until its lazy
/// input has been read to the end (<see cref="SetTotal"/>).
/// </summary>
internal sealed class ProgressTracker
{
    private readonly object _lock = new();
    private readonly IProgress<ParallelProgress>? _progress;
    private readonly TextWriter? _log;
    private readonly int _verbose;
    private readonly int _jobs;
    private readonly long _start = Stopwatch.GetTimestamp();
    private long _total;
    private long _completed;
    private long _nextLogAt = 1;
    private bool _finalReported;

    private ProgressTracker(IProgress<ParallelProgress>? progress, TextWriter? log, int verbose, long total, int jobs)
    {
        _progress = progress;
        _log = log;
        _verbose = verbose;
        _total = total;
        _jobs = jobs;
    }

    /// <summary>A tracker, or <see langword="null"/> when the options ask for no progress at all.</summary>
    /// <param name="options">The call's options (progress sink, verbosity, writer).</param>
    /// <param name="total">The number of items, or -1 while it is not known (a stream's lazy input).</param>
    /// <param name="jobs">The workers, printed in verbose lines.</param>
    internal static ProgressTracker? Create(ParallelizeOptions? options, long total, int jobs)
    {
        if (options is null || (options.Progress is null && options.Verbose <= 0))
        {
            return null;
        }

        TextWriter? log = options.Verbose > 0 ? options.VerboseWriter ?? Console.Error : null;
        return new ProgressTracker(options.Progress, log, options.Verbose, total, jobs);
    }

    internal void Add(int finished)
    {
        lock (_lock)
        {
            // Counted and reported under one lock: one report per finished batch, counts strictly increasing.
            _completed += finished;
            Report();
        }
    }

    /// <summary>
    /// The total of a stream, once its input has been read to the end. When every item is already done (the input
    /// ended exactly at a window's end), the final report and line are given now.
    /// </summary>
    internal void SetTotal(long total)
    {
        lock (_lock)
        {
            if (_total >= 0)
            {
                return;
            }

            _total = total;
            if (_completed >= total)
            {
                Report();
            }
        }
    }

    private void Report()
    {
        long done = _completed;
        long total = _total;
        if (total >= 0 && done >= total)
        {
            if (_finalReported)
            {
                return;
            }

            _finalReported = true;
        }

        TimeSpan elapsed = Stopwatch.GetElapsedTime(_start);
        TimeSpan remaining = total < 0
            ? System.Threading.Timeout.InfiniteTimeSpan
            : done >= total || done == 0
                ? TimeSpan.Zero
                : TimeSpan.FromTicks((long)(elapsed.Ticks * ((double)(total - done) / done)));
        _progress?.Report(new ParallelProgress(Saturate(done), total < 0 ? -1 : Saturate(total), elapsed, remaining));

        if (_log is not null && ShouldLog(done, total))
        {
            _log.WriteLine(total < 0 ? FormatTasks(_jobs, done, elapsed) : Format(_jobs, done, total, elapsed, remaining));
            _log.Flush();
        }
    }

    private static int Saturate(long value) => (int)Math.Min(value, int.MaxValue);

    private bool ShouldLog(long done, long total)
    {
        if (_verbose >= 10 || (total >= 0 && done >= total))
        {
            return true;
        }

        // Lower verbosity: lines at 1, 2, 4, 8, ... finished items, denser as the level rises.
        if (done < _nextLogAt)
        {
            return false;
        }

        double factor = _verbose < 5 ? 2.0 : 1.5;
        while (_nextLogAt <= done)
        {
            _nextLogAt = Math.Max(_nextLogAt + 1, (long)Math.Ceiling(_nextLogAt * factor));
        }

        return true;
    }

    /// <summary>
    /// Formats one verbose line the way joblib does: both counts right-aligned to the width of the total (at least 3,
    /// joblib's <c>%3i</c>), so the lines of one call line up (<c>Done   1 out of 100</c> … <c>Done 100 out of 100</c>).
    /// </summary>
    internal static string Format(int jobs, long done, long total, TimeSpan elapsed, TimeSpan remaining)
    {
        int width = Math.Max(3, total.ToString(CultureInfo.InvariantCulture).Length);
        string counts = string.Create(
            CultureInfo.InvariantCulture, $"{done.ToString(CultureInfo.InvariantCulture).PadLeft(width)} out of {total.ToString(CultureInfo.InvariantCulture).PadLeft(width)}");
        return string.Create(
            CultureInfo.InvariantCulture,
            $"[Parallel(jobs={jobs})]: Done {counts} | elapsed: {elapsed.TotalSeconds:0.0}s remaining: {remaining.TotalSeconds:0.0}s");
    }

    /// <summary>
    /// A verbose line while the total is not known (a stream's lazy input not read to the end), as joblib prints it
    /// for a generator: <c>Done  10 tasks      | elapsed: …</c>.
    /// </summary>
    internal static string FormatTasks(int jobs, long done, TimeSpan elapsed) =>
        string.Create(
            CultureInfo.InvariantCulture,
            $"[Parallel(jobs={jobs})]: Done {done.ToString(CultureInfo.InvariantCulture).PadLeft(3)} tasks      | elapsed: {elapsed.TotalSeconds:0.0}s");
}
