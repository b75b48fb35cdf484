using System;
using System.IO;

namespace ParallelGen;

/// <summary>
/// Per-call options for a generated parallel method (<c>NameParallel(items, options)</c>) or for
/// <see cref="ParallelJobs"/>. A property left <see langword="null"/> keeps the value given in
/// <see cref="ParallelizeAttribute"/>.
/// </summary>
/// <remarks>
/// Named so that it never collides with <see cref="System.Threading.Tasks.ParallelOptions"/> under the SDK's
/// implicit usings.
/// </remarks>
public sealed class ParallelizeOptions
{
    /// <summary>Overrides <see cref="ParallelizeAttribute.Jobs"/> (same meaning; 0 is rejected).</summary>
    public int? Jobs { get; init; }

    /// <summary>Overrides <see cref="ParallelizeAttribute.Backend"/>.</summary>
    public Backend? Backend { get; init; }

    /// <summary>Overrides <see cref="ParallelizeAttribute.BatchSize"/> (0 = automatic; negative is rejected).</summary>
    public int? BatchSize { get; init; }

    /// <summary>Receives a report each time a batch of items finishes.</summary>
    public IProgress<ParallelProgress>? Progress { get; init; }

    /// <summary>
    /// The longest the whole call may take. When it elapses, no further items start, the cancellation token passed
    /// to the calls is cancelled, and the call throws <see cref="TimeoutException"/> once the running items return.
    /// </summary>
    public TimeSpan? Timeout { get; init; }

    /// <summary>
    /// joblib's <c>verbose</c>: 0 (the default) prints nothing; 1 to 9 print progress lines at growing intervals;
    /// 10 and more print a line for every finished batch. Lines look like
    /// <c>[Parallel(jobs=8)]: Done 6 out of 10 | elapsed: 0.3s remaining: 0.2s</c>.
    /// </summary>
    public int Verbose { get; init; }

    /// <summary>Where verbose lines go; <see cref="Console.Error"/> when <see langword="null"/> (like joblib's stderr).</summary>
    public TextWriter? VerboseWriter { get; init; }
}
