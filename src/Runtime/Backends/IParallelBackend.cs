using System.Threading;
using System.Threading.Tasks;

namespace ParallelGen.Backends;

/// <summary>
/// Runs the calls of a parallel method: the one door between <see cref="ParallelRunner"/> and whatever executes the
/// items (threads, worker processes, a cluster). It plays the part of joblib's <c>ParallelBackendBase</c>: it says how
/// many workers a call gets, and runs a <see cref="ParallelCall{TItem, TResult}"/> synchronously or as a task.
/// Implementations are registered under a <see cref="Backend"/> value with <see cref="ParallelBackendRegistry.Register"/>;
/// a backend in another assembly registers itself the same way (for example from a module initializer).
/// </summary>
/// <remarks>
/// A backend must keep the promises every backend keeps (the contract suite in the tests checks them): results in
/// input order, the first exception rethrown with its original type and item index, no new items after a failure,
/// a cancellation or a timeout, progress counted per finished item, and at most
/// <see cref="ParallelCall{TItem, TResult}.Workers"/> calls at once. <see cref="CallLifecycle"/> implements the stop,
/// failure, timeout and outcome rules, so that a backend only decides where the items run.
/// </remarks>
public interface IParallelBackend
{
    /// <summary>
    /// joblib's <c>effective_n_jobs</c>: how many workers a call with the resolved <paramref name="jobs"/> gets for
    /// <paramref name="itemCount"/> items (at least 1). Calls made inside a parallel body never reach this backend: they
    /// run on the thread backend with at most <see cref="ParallelContext.NestedWorkerLimit"/> workers (the cores the
    /// enclosing call leaves idle).
    /// </summary>
    /// <param name="jobs">The resolved number of jobs (positive).</param>
    /// <param name="itemCount">The number of items (positive).</param>
    /// <returns>The number of concurrent workers.</returns>
    int GetWorkerCount(int jobs, int itemCount);

    /// <summary>Runs the call, blocking the caller until it is over, and throws its outcome.</summary>
    /// <typeparam name="TItem">The item type.</typeparam>
    /// <typeparam name="TResult">The result type (for methods without a result, a placeholder; <see cref="ParallelCall{TItem, TResult}.Results"/> is then <see langword="null"/>).</typeparam>
    /// <typeparam name="TBody">The body that runs one item in this process (a struct, so that loops are specialised).</typeparam>
    /// <param name="call">The call: items, results, settings, progress and cancellation.</param>
    /// <param name="body">Runs the item at an index in this process and stores its result.</param>
    void Run<TItem, TResult, TBody>(ParallelCall<TItem, TResult> call, TBody body)
        where TBody : struct, IParallelCallBody;

    /// <summary>Starts the call without blocking the caller; the task completes with its outcome.</summary>
    /// <typeparam name="TItem">The item type.</typeparam>
    /// <typeparam name="TResult">The result type.</typeparam>
    /// <typeparam name="TBody">The body that runs one item in this process.</typeparam>
    /// <param name="call">The call: items, results, settings, progress and cancellation.</param>
    /// <param name="body">Runs the item at an index in this process and stores its result.</param>
    /// <returns>A task that completes when the call is over: faulted with the first failure, cancelled by the caller's token.</returns>
    Task RunAsync<TItem, TResult, TBody>(ParallelCall<TItem, TResult> call, TBody body)
        where TBody : struct, IParallelCallBody;
}

/// <summary>
/// The work for one position of a call's input, in this process: calls the user's method on <c>items[index]</c> and
/// stores the result. Out-of-process backends do not run it; they send <see cref="ParallelCall{TItem, TResult}.Remote"/>
/// and the items instead.
/// </summary>
public interface IParallelCallBody
{
    /// <summary>
    /// <see langword="true"/> when the user's method is asynchronous (returns a task): <see cref="ExecuteAsync"/> is its
    /// natural form and <see cref="Execute"/> blocks on it. A constant per body type.
    /// </summary>
    bool IsAsync { get; }

    /// <summary>Runs the item at <paramref name="index"/> on the current thread.</summary>
    /// <param name="index">The item's position in the input.</param>
    /// <param name="cancellationToken">The call's stop token, for methods that take one.</param>
    void Execute(int index, CancellationToken cancellationToken);

    /// <summary>Runs the item at <paramref name="index"/>, awaiting an asynchronous method.</summary>
    /// <param name="index">The item's position in the input.</param>
    /// <param name="cancellationToken">The call's stop token, for methods that take one.</param>
    /// <returns>A task that completes when the item is done.</returns>
    ValueTask ExecuteAsync(int index, CancellationToken cancellationToken);
}

/// <summary>
/// A backend that can start what a call needs before <see cref="ParallelRunner"/> sets the call up: process workers,
/// whose start-up then overlaps the parent's own preparation of its first call.
/// </summary>
internal interface IPrestartingBackend
{
    /// <summary>Starts, without waiting, what a call of <paramref name="workers"/> workers for <paramref name="remote"/> needs.</summary>
    /// <param name="remote">The method's remote identity (null for a body that is not remote: nothing to start).</param>
    /// <param name="workers">The call's workers.</param>
    /// <param name="itemCount">The call's items (none: nothing to start).</param>
    void Prestart(RemoteMethod? remote, int workers, int itemCount);
}
