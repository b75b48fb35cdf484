using System;
using System.Collections.Generic;
using System.Reflection;
using System.Threading;
using ParallelGen.Internal;

namespace ParallelGen.Backends;

/// <summary>
/// One call of a parallel method as a backend receives it: the items (the caller's array or list read in place, a
/// buffer of the caller's sequence, or one window of a stream), where the results go, the resolved settings, the
/// progress sink and the caller's cancellation token.
/// </summary>
/// <typeparam name="TItem">The item type.</typeparam>
/// <typeparam name="TResult">The result type.</typeparam>
public sealed class ParallelCall<TItem, TResult>
{
    private readonly ProgressTracker? _progress;

    internal ParallelCall(
        IReadOnlyList<TItem> items, TResult[]? results, RunSettings settings, int workers, ParallelizeOptions? options,
        RemoteMethod? remote, CancellationToken cancellationToken)
    {
        Items = items;
        Count = items.Count;
        Results = results;
        Jobs = settings.Jobs;
        BatchSize = settings.BatchSize;
        Timeout = settings.Timeout;
        Backend = settings.Backend;
        Workers = workers;
        Options = options;
        Remote = remote;
        CancellationToken = cancellationToken;
        _progress = ProgressTracker.Create(options, Count, workers);
    }

    /// <summary>
    /// The inputs, one call each (never empty): read in place when the caller passed an array or a list, so do not
    /// modify it; out-of-process backends read (and send) <c>Items[i]</c> for the indices they dispatch.
    /// </summary>
    public IReadOnlyList<TItem> Items { get; }

    /// <summary>Where result <c>i</c> goes, or <see langword="null"/> for methods without a result.</summary>
    public TResult[]? Results { get; }

    /// <summary>The resolved number of jobs (positive).</summary>
    public int Jobs { get; }

    /// <summary>How many workers run at once: the backend's <see cref="IParallelBackend.GetWorkerCount"/> for this call.</summary>
    public int Workers { get; }

    /// <summary>Items per batch; 0 lets the backend choose.</summary>
    public int BatchSize { get; }

    /// <summary>The longest the whole call may take, or <see langword="null"/>.</summary>
    public TimeSpan? Timeout { get; }

    /// <summary>The backend the call asked for.</summary>
    public Backend Backend { get; }

    /// <summary>The per-call options (retries, item timeout, worker recycling...), or <see langword="null"/>.</summary>
    public ParallelizeOptions? Options { get; }

    /// <summary>
    /// How a worker outside this process finds the method, or <see langword="null"/> when the method was not declared
    /// for a remote backend (then only in-process backends can run it).
    /// </summary>
    public RemoteMethod? Remote { get; }

    /// <summary>The caller's token.</summary>
    public CancellationToken CancellationToken { get; }

    /// <summary>The number of items.</summary>
    public int Count { get; }

    /// <summary>
    /// Starts the lifecycle of this call: the stop signal (caller's token, timeout, first failure), the count of
    /// finished items and progress, and the outcome.
    /// </summary>
    /// <param name="cancelTokenOnFailure">
    /// Whether a failure also cancels <see cref="CallLifecycle.StopToken"/>, which running items observe (in-process
    /// backends); out-of-process backends let running batches finish.
    /// </param>
    /// <returns>The lifecycle; call <see cref="CallLifecycle.Finish()"/> once every loop has returned.</returns>
    public CallLifecycle StartLifecycle(bool cancelTokenOnFailure = true) =>
        new(Count, Timeout, CancellationToken, cancelTokenOnFailure, _progress,
            new ParallelGen.Diagnostics.CallDescription(MethodName ?? Remote?.MethodId, Backend.ToString(), Jobs, Workers))
        {
            ResultsStored = ResultsStored,
        };

    /// <summary>
    /// Told which results are stored when a backend reports them with <see cref="CallLifecycle.AddCompleted(int, int)"/>:
    /// a stream's window hands them to its consumer at once (set by the dispatch core for streams only).
    /// </summary>
    internal Action<int, int>? ResultsStored { get; init; }

    /// <summary>
    /// The progress sink of the call: by default one made from <see cref="Options"/> for this call's items; a stream's
    /// windows share the stream's, so that progress and verbose lines count the whole stream (set by the dispatch core).
    /// </summary>
    internal ProgressTracker? Progress
    {
        get => _progress;
        init => _progress = value;
    }

    /// <summary>The parallelized method's name for traces, when the dispatch core knows it.</summary>
    internal string? MethodName { get; init; }

    /// <summary>The method's remote identity, or an error that names the backend that needs one.</summary>
    /// <returns>The remote identity.</returns>
    /// <exception cref="NotSupportedException">The method was not declared for a remote backend.</exception>
    public RemoteMethod RequireRemote() =>
        Remote ?? throw new NotSupportedException(
            $"Backend.{Backend} was requested for a method that was not declared with [Parallelize(Backend = Backend.{Backend})], " +
            "so worker processes have no entry point for it. Declare it with that attribute value (static methods only).");
}

/// <summary>
/// The identity of a method that runs outside this process: the stable id under which workers know it (registered by
/// generated code), whether it takes the call's <see cref="System.Threading.CancellationToken"/> (so a stop can be
/// delivered to it rather than killing its worker), and the assembly that declares it (which workers load).
/// </summary>
/// <param name="MethodId">The method's stable id.</param>
/// <param name="ObservesCancellation">Whether the method takes the call's cancellation token.</param>
/// <param name="Assembly">The assembly that declares and registers the method.</param>
public sealed record RemoteMethod(string MethodId, bool ObservesCancellation, Assembly Assembly);
