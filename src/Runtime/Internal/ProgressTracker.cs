using System;
using System.Diagnostics;
using System.Globalization;
using System.IO;

namespace ParallelGen.Internal;

/// <summary>Counts finished items and reports them to an <see cref="IProgress{T}"/> and/or a joblib-style log.</summary>
internal sealed class ProgressTracker
{
    private readonly object _lock = new();
    private readonly IProgress<ParallelProgress>? _progress;
    private readonly TextWriter? _log;
    private readonly int _verbose;
    private readonly int _total;
    private readonly int _jobs;
    private readonly long _start = Stopwatch.GetTimestamp();
    private int _completed;
    private int _nextLogAt = 1;

    private ProgressTracker(IProgress<ParallelProgress>? progress, TextWriter? log, int verbose, int total, int jobs)
    {
        _progress = progress;
        _log = log;
        _verbose = verbose;
        _total = total;
        _jobs = jobs;
    }

    /// <summary>A tracker, or <see langword="null"/> when the options ask for no progress at all.</summary>
    internal static ProgressTracker? Create(ParallelizeOptions? options, int total, int jobs)
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
            int done = _completed += finished;
            TimeSpan elapsed = Stopwatch.GetElapsedTime(_start);
            TimeSpan remaining = done >= _total
                ? TimeSpan.Zero
                : TimeSpan.FromTicks((long)(elapsed.Ticks * ((double)(_total - done) / done)));
            _progress?.Report(new ParallelProgress(done, _total, elapsed, remaining));

            if (_log is not null && ShouldLog(done))
            {
                _log.WriteLine(Format(_jobs, done, _total, elapsed, remaining));
                _log.Flush();
            }
        }
    }

    private bool ShouldLog(int done)
    {
        if (_verbose >= 10 || done >= _total)
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
            _nextLogAt = Math.Max(_nextLogAt + 1, (int)Math.Ceiling(_nextLogAt * factor));
        }

        return true;
    }

    /// <summary>
    /// Formats one verbose line the way joblib does: both counts right-aligned to the width of the total (at least 3,
    /// joblib's <c>%3i</c>), so the lines of one call line up (<c>Done   1 out of 100</c> … <c>Done 100 out of 100</c>).
    /// </summary>
    internal static string Format(int jobs, int done, int total, TimeSpan elapsed, TimeSpan remaining)
    {
        int width = Math.Max(3, total.ToString(CultureInfo.InvariantCulture).Length);
        string counts = string.Create(
            CultureInfo.InvariantCulture, $"{done.ToString(CultureInfo.InvariantCulture).PadLeft(width)} out of {total.ToString(CultureInfo.InvariantCulture).PadLeft(width)}");
        return string.Create(
            CultureInfo.InvariantCulture,
            $"[Parallel(jobs={jobs})]: Done {counts} | elapsed: {elapsed.TotalSeconds:0.0}s remaining: {remaining.TotalSeconds:0.0}s");
    }
}
