using System;

namespace ParallelGen.Internal;

/// <summary>The attribute's values merged with the per-call options, validated and resolved.</summary>
internal readonly record struct RunSettings(int Jobs, int BatchSize, TimeSpan? Timeout, Backend Backend = Backend.Threads)
{
    internal static RunSettings Resolve(ParallelDefaults defaults, ParallelizeOptions? options)
    {
        // Whether a backend is registered for the value is the registry's question (ParallelBackendRegistry.Get).
        Backend backend = options?.Backend ?? defaults.Backend;
        int jobs = ResolveJobs(options?.Jobs ?? defaults.Jobs);

        int batchSize = options?.BatchSize ?? defaults.BatchSize;
        if (batchSize < 0)
        {
            throw new ArgumentOutOfRangeException(
                nameof(ParallelizeOptions.BatchSize), batchSize, "BatchSize must be 0 (automatic) or a positive number of items.");
        }

        TimeSpan? timeout = options?.Timeout;
        if (timeout is { } t && t <= TimeSpan.Zero && t != System.Threading.Timeout.InfiniteTimeSpan)
        {
            throw new ArgumentOutOfRangeException(
                nameof(ParallelizeOptions.Timeout), t, "Timeout must be positive (or Timeout.InfiniteTimeSpan).");
        }

        return new RunSettings(jobs, batchSize, timeout == System.Threading.Timeout.InfiniteTimeSpan ? null : timeout, backend);
    }

    /// <summary>joblib's n_jobs: n &gt; 0 is n workers, -1 all CPUs, -2 all but one, n &lt; 0 is cpus + 1 + n.</summary>
    internal static int ResolveJobs(int jobs) => jobs switch
    {
        0 => throw new ArgumentOutOfRangeException(
            nameof(ParallelizeOptions.Jobs), jobs,
            "Jobs = 0 is not a number of workers: use a positive count, -1 for all CPUs, or -2 for all CPUs but one."),
        > 0 => jobs,
        _ => Math.Max(1, Environment.ProcessorCount + 1 + jobs),
    };
}
