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

    /// <summary>
    /// joblib's <c>pre_dispatch</c>, for streams (<c>NameParallelStream</c>, <c>NameParallelUnordered</c>,
    /// <see cref="ParallelJobs.Stream{TResult}"/>): how many items the stream reads from the input ahead of the
    /// results it has handed out, as one window run at a time (at most two windows of results are held).
    /// <see langword="null"/> (the default) is joblib's <c>2 * n_jobs</c> batches: 2 × workers × the batch size, the
    /// automatic batch growing from 1 to 4096 items while windows finish in under 20 ms. Must be positive.
    /// </summary>
    public int? PreDispatch { get; init; }

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
    /// <c>[Parallel(jobs=8)]: Done   6 out of  10 | elapsed: 0.3s remaining: 0.2s</c>.
    /// </summary>
    public int Verbose { get; init; }

    /// <summary>
    /// Process backend: how many times items lost with a crashed worker are re-run on a fresh worker before the call
    /// fails with <see cref="WorkerCrashedException"/>. 0 (the default) re-runs nothing. Items that threw an
    /// exception are never re-run. Cluster backend: when above 0, how many times a batch whose silo died or did not
    /// answer is re-run on another silo (instead of the cluster's <c>MaxRetries</c>).
    /// </summary>
    public int Retries { get; init; }

    /// <summary>
    /// Process backend: the longest one item may run. A worker stuck past it (times the batch's item count) is killed
    /// and the call throws <see cref="TimeoutException"/> naming the item(s). Threads cannot be killed, so the thread
    /// backend ignores it; use <see cref="Timeout"/> and a cancellation token there. Cluster backend: a batch not
    /// answered within it (times its item count) fails the call with <see cref="TimeoutException"/> naming the item(s),
    /// and its run on the silo is cancelled through the method's <see cref="System.Threading.CancellationToken"/>.
    /// </summary>
    public TimeSpan? ItemTimeout { get; init; }

    /// <summary>
    /// Process backend: a worker is replaced by a fresh one after it has completed this many items (loky has no
    /// equivalent). Useful for code that leaks. <see langword="null"/> (the default) never recycles.
    /// </summary>
    public int? MaxTasksPerWorker { get; init; }

    /// <summary>
    /// Process backend: a worker whose working set is above this many bytes after a batch is replaced by a fresh one.
    /// <see langword="null"/> (the default) has no ceiling.
    /// </summary>
    public long? WorkerMemoryLimit { get; init; }

    /// <summary>
    /// Process backend (joblib's <c>max_nbytes</c>): an argument that is an array of a primitive type (<c>double[]</c>,
    /// <c>int[]</c>, <c>byte[]</c>, …) of at least this many bytes is written once per call to a memory-mapped file
    /// (in /dev/shm when it exists) and crosses to workers as the file's name; each worker copies it out of the shared
    /// pages instead of decoding it from every batch. The files are deleted when the call ends. <see langword="null"/>
    /// uses <see cref="SharedArray.DefaultThreshold"/> (1 MiB); a negative value turns automatic sharing off. The thread
    /// backend passes arrays as they are. For no copy at all, pass a <see cref="SharedArray{T}"/>.
    /// </summary>
    public long? SharedMemoryThreshold { get; init; }

    /// <summary>Where verbose lines go; <see cref="Console.Error"/> when <see langword="null"/> (like joblib's stderr).</summary>
    public TextWriter? VerboseWriter { get; init; }

    /// <summary>
    /// Which instance of the backend runs this call, for backends that have several (for <see cref="Backend.Cluster"/>,
    /// a <c>ParallelGen.Orleans.LocalCluster</c> or <c>ClusterConnection</c>); <see langword="null"/> uses the backend's
    /// current default. The backend says which types it accepts.
    /// </summary>
    public object? BackendInstance { get; init; }
}
