using System;

namespace ParallelGen.Internal;

/// <summary>The attribute's values merged with the per-call options, validated and resolved.</summary>
internal readonly record struct RunSettings(int Jobs, int BatchSize, TimeSpan? Timeout, Backend Backend = Backend.Threads)
{
    internal static RunSettings Resolve(ParallelDefaults defaults, ParallelizeOptions? options)
    {
        // Whether a backend is registered for the value is the registry's question (ParallelBackendRegistry.Get).
        Backend backend = options?.Backend ?? defaults.Backend;
        int requested = options?.Jobs ?? defaults.Jobs;
        int jobs = backend is Backend.Threads or Backend.Processes || requested >= 0 ? ResolveJobs(requested) : AllOfTheBackend(requested);

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

    /// <summary>
    /// A negative Jobs for a backend whose capacity is not this machine's CPUs (a cluster): joblib's "all workers"
    /// (-1) or "all but n" — <c>int.MaxValue + 1 + jobs</c>, which <see cref="BackendJobs"/> turns back into a count of
    /// the backend's capacity.
    /// </summary>
    private static int AllOfTheBackend(int jobs) => int.MaxValue + (1 + Math.Max(jobs, -1000));

    /// <summary>joblib's n_jobs: n &gt; 0 is n workers, -1 all CPUs, -2 all but one, n &lt; 0 is cpus + 1 + n.</summary>
    internal static int ResolveJobs(int jobs) => jobs switch
    {
        0 => throw new ArgumentOutOfRangeException(
            nameof(ParallelizeOptions.Jobs), jobs,
            "Jobs = 0 is not a number of workers: use a positive count, -1 for all CPUs, or -2 for all CPUs but one."),
        > 0 => jobs,
        _ => Math.Max(1, CpuCount + 1 + jobs),
    };

    /// <summary>The environment variable that caps the CPU count used for negative Jobs.</summary>
    internal const string MaxCpusVariable = "PARALLELGEN_MAX_CPUS";

    /// <summary>
    /// The CPUs negative Jobs count from: <see cref="Environment.ProcessorCount"/> (on .NET: the process affinity mask
    /// and the cgroup CPU quota, rounded up, or DOTNET_PROCESSOR_COUNT when set), capped by PARALLELGEN_MAX_CPUS when
    /// that holds a positive integer. Both are read once per process, at the first call: every call reads this (its
    /// nesting share), and reading the environment variable each time was ~3.5 % of a one-item cluster call's samples on
    /// the calling thread.
    /// </summary>
    internal static int CpuCount =>
        s_cpuCount is > 0 and int cpus ? cpus : s_cpuCount = CapCpus(Environment.ProcessorCount, Environment.GetEnvironmentVariable(MaxCpusVariable));

    private static int s_cpuCount; // 0 until first read; an int, so a racing first read sees 0 or the count

    /// <summary><paramref name="cpus"/> capped by <paramref name="cap"/> when it is a positive integer (anything else is ignored).</summary>
    internal static int CapCpus(int cpus, string? cap) =>
        cap is not null
        && int.TryParse(cap.Trim(), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int max)
        && max > 0
            ? Math.Min(cpus, max)
            : cpus;
}

/// <summary>How backends with their own capacity (a cluster) read a resolved Jobs value.</summary>
internal static class BackendJobs
{
    /// <summary>
    /// The number of workers a resolved Jobs value asks for out of <paramref name="capacity"/>: a positive Jobs is a
    /// count (capped by the capacity); Jobs = -1 is the whole capacity, -2 all but one, as joblib's n_jobs.
    /// </summary>
    /// <param name="jobs">The call's resolved Jobs (<see cref="Backends.ParallelCall{TItem, TResult}.Jobs"/>).</param>
    /// <param name="capacity">The backend's capacity (positive).</param>
    /// <returns>The number of workers, between 1 and <paramref name="capacity"/>.</returns>
    internal static int Resolve(int jobs, int capacity) =>
        jobs > int.MaxValue - 1000
            ? Math.Clamp(capacity + (jobs - int.MaxValue), 1, capacity)
            : Math.Clamp(jobs, 1, Math.Max(1, capacity));
}
