using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using ParallelGen.Backends;
using ParallelGen.Generated;
using ParallelGen.Backends.Threads;
using ParallelGen.Internal;

namespace ParallelGen;

/// <summary>
/// The engine behind generated parallel methods. Each method runs a struct body once per item on the requested
/// number of workers and keeps joblib's promises: results in input order; the first exception stops dispatch and
/// is rethrown with its original type (its item index in <see cref="ParallelExceptionExtensions.GetParallelItemIndex"/>);
/// cancellation stops promptly with <see cref="OperationCanceledException"/>; a call made from inside a parallel body
/// runs on threads with at most the cores its parent leaves idle (<see cref="ParallelContext.NestedWorkerLimit"/>).
/// </summary>
/// <remarks>
/// Generated code calls these methods; hand-written code can too, with its own struct implementing
/// <see cref="IParallelFunc{TItem, TResult}"/> and friends. Items are buffered into an array first (an array is used
/// as it is), so the input is enumerated once, on the calling thread.
/// </remarks>
public static class ParallelRunner
{
    /// <summary>Calls <paramref name="func"/> for every item in parallel and returns the results in input order.</summary>
    /// <typeparam name="TItem">The item type.</typeparam>
    /// <typeparam name="TResult">The result type.</typeparam>
    /// <typeparam name="TFunc">The body: a struct, so that its call can be inlined.</typeparam>
    /// <param name="items">The inputs, one call each.</param>
    /// <param name="func">The body.</param>
    /// <param name="defaults">The <see cref="ParallelizeAttribute"/> values.</param>
    /// <param name="options">Per-call overrides, or <see langword="null"/>.</param>
    /// <param name="cancellationToken">Stops the call: no further items start.</param>
    /// <returns>One result per item, in input order.</returns>
    public static TResult[] Map<TItem, TResult, TFunc>(
        IEnumerable<TItem> items, TFunc func, ParallelDefaults defaults, ParallelizeOptions? options = null, CancellationToken cancellationToken = default)
        where TFunc : struct, IParallelFunc<TItem, TResult>
    {
        TItem[] array = Prepare(items, defaults, ref options, cancellationToken, out RunSettings settings);
        if (array.Length == 0)
        {
            return [];
        }

        var results = new TResult[array.Length];
        Dispatch(array, results, new MapBody<TItem, TResult, TFunc>(array, results, func), func, settings, options, cancellationToken, blocking: true);
        return results;
    }

    /// <summary>Calls <paramref name="action"/> for every item in parallel.</summary>
    /// <typeparam name="TItem">The item type.</typeparam>
    /// <typeparam name="TAction">The body: a struct, so that its call can be inlined.</typeparam>
    /// <param name="items">The inputs, one call each.</param>
    /// <param name="action">The body.</param>
    /// <param name="defaults">The <see cref="ParallelizeAttribute"/> values.</param>
    /// <param name="options">Per-call overrides, or <see langword="null"/>.</param>
    /// <param name="cancellationToken">Stops the call: no further items start.</param>
    public static void ForEach<TItem, TAction>(
        IEnumerable<TItem> items, TAction action, ParallelDefaults defaults, ParallelizeOptions? options = null, CancellationToken cancellationToken = default)
        where TAction : struct, IParallelAction<TItem>
    {
        TItem[] array = Prepare(items, defaults, ref options, cancellationToken, out RunSettings settings);
        if (array.Length == 0)
        {
            return;
        }

        Dispatch<TItem, byte, ForEachBody<TItem, TAction>, TAction>(
            array, null, new ForEachBody<TItem, TAction>(array, action), action, settings, options, cancellationToken, blocking: true);
    }

    /// <summary>
    /// Like <see cref="Map{TItem, TResult, TFunc}"/>, but every call runs on a worker thread and the caller gets a task
    /// at once.
    /// </summary>
    /// <typeparam name="TItem">The item type.</typeparam>
    /// <typeparam name="TResult">The result type.</typeparam>
    /// <typeparam name="TFunc">The body: a struct, so that its call can be inlined.</typeparam>
    /// <param name="items">The inputs, one call each.</param>
    /// <param name="func">The body.</param>
    /// <param name="defaults">The <see cref="ParallelizeAttribute"/> values.</param>
    /// <param name="options">Per-call overrides, or <see langword="null"/>.</param>
    /// <param name="cancellationToken">Stops the call: no further items start.</param>
    /// <returns>A task with one result per item, in input order.</returns>
    public static Task<TResult[]> MapAsync<TItem, TResult, TFunc>(
        IEnumerable<TItem> items, TFunc func, ParallelDefaults defaults, ParallelizeOptions? options = null, CancellationToken cancellationToken = default)
        where TFunc : struct, IParallelFunc<TItem, TResult>
    {
        if (!TryPrepare(items, defaults, ref options, cancellationToken, out TItem[] array, out RunSettings settings))
        {
            return Task.FromCanceled<TResult[]>(cancellationToken);
        }

        if (array.Length == 0)
        {
            return Task.FromResult<TResult[]>([]);
        }

        var results = new TResult[array.Length];
        return WithResult(
            Dispatch(array, results, new MapBody<TItem, TResult, TFunc>(array, results, func), func, settings, options, cancellationToken, blocking: false),
            results);
    }

    /// <summary>
    /// Like <see cref="ForEach{TItem, TAction}"/>, but every call runs on a worker thread and the caller gets a task at once.
    /// </summary>
    /// <typeparam name="TItem">The item type.</typeparam>
    /// <typeparam name="TAction">The body: a struct, so that its call can be inlined.</typeparam>
    /// <param name="items">The inputs, one call each.</param>
    /// <param name="action">The body.</param>
    /// <param name="defaults">The <see cref="ParallelizeAttribute"/> values.</param>
    /// <param name="options">Per-call overrides, or <see langword="null"/>.</param>
    /// <param name="cancellationToken">Stops the call: no further items start.</param>
    /// <returns>A task that completes when every item is processed.</returns>
    public static Task ForEachAsync<TItem, TAction>(
        IEnumerable<TItem> items, TAction action, ParallelDefaults defaults, ParallelizeOptions? options = null, CancellationToken cancellationToken = default)
        where TAction : struct, IParallelAction<TItem>
    {
        if (!TryPrepare(items, defaults, ref options, cancellationToken, out TItem[] array, out RunSettings settings))
        {
            return Task.FromCanceled(cancellationToken);
        }

        if (array.Length == 0)
        {
            return Task.CompletedTask;
        }

        return Dispatch<TItem, byte, ForEachBody<TItem, TAction>, TAction>(
            array, null, new ForEachBody<TItem, TAction>(array, action), action, settings, options, cancellationToken, blocking: false);
    }

    /// <summary>
    /// Awaits an asynchronous body for every item with at most <c>Jobs</c> calls in flight, and returns the results
    /// in input order.
    /// </summary>
    /// <typeparam name="TItem">The item type.</typeparam>
    /// <typeparam name="TResult">The result type.</typeparam>
    /// <typeparam name="TFunc">The body.</typeparam>
    /// <param name="items">The inputs, one call each.</param>
    /// <param name="func">The body.</param>
    /// <param name="defaults">The <see cref="ParallelizeAttribute"/> values.</param>
    /// <param name="options">Per-call overrides, or <see langword="null"/>.</param>
    /// <param name="cancellationToken">Stops the call: no further items start, and the token the calls get is cancelled.</param>
    /// <returns>A task with one result per item, in input order.</returns>
    public static Task<TResult[]> MapAwaitAsync<TItem, TResult, TFunc>(
        IEnumerable<TItem> items, TFunc func, ParallelDefaults defaults, ParallelizeOptions? options = null, CancellationToken cancellationToken = default)
        where TFunc : struct, IAsyncParallelFunc<TItem, TResult>
    {
        if (!TryPrepare(items, defaults, ref options, cancellationToken, out TItem[] array, out RunSettings settings))
        {
            return Task.FromCanceled<TResult[]>(cancellationToken);
        }

        if (array.Length == 0)
        {
            return Task.FromResult<TResult[]>([]);
        }

        var results = new TResult[array.Length];
        return WithResult(
            Dispatch(array, results, new AsyncMapBody<TItem, TResult, TFunc>(array, results, func), func, settings, options, cancellationToken, blocking: false),
            results);
    }

    /// <summary>Awaits an asynchronous body for every item with at most <c>Jobs</c> calls in flight.</summary>
    /// <typeparam name="TItem">The item type.</typeparam>
    /// <typeparam name="TAction">The body.</typeparam>
    /// <param name="items">The inputs, one call each.</param>
    /// <param name="action">The body.</param>
    /// <param name="defaults">The <see cref="ParallelizeAttribute"/> values.</param>
    /// <param name="options">Per-call overrides, or <see langword="null"/>.</param>
    /// <param name="cancellationToken">Stops the call: no further items start, and the token the calls get is cancelled.</param>
    /// <returns>A task that completes when every item is processed.</returns>
    public static Task ForEachAwaitAsync<TItem, TAction>(
        IEnumerable<TItem> items, TAction action, ParallelDefaults defaults, ParallelizeOptions? options = null, CancellationToken cancellationToken = default)
        where TAction : struct, IAsyncParallelAction<TItem>
    {
        if (!TryPrepare(items, defaults, ref options, cancellationToken, out TItem[] array, out RunSettings settings))
        {
            return Task.FromCanceled(cancellationToken);
        }

        if (array.Length == 0)
        {
            return Task.CompletedTask;
        }

        return Dispatch<TItem, byte, AsyncForEachBody<TItem, TAction>, TAction>(
            array, null, new AsyncForEachBody<TItem, TAction>(array, action), action, settings, options, cancellationToken, blocking: false);
    }

    /// <summary>
    /// How many workers a call with these values would use for <paramref name="itemCount"/> items right here (inside a
    /// parallel body, at most <see cref="ParallelContext.NestedWorkerLimit"/>).
    /// </summary>
    /// <param name="defaults">The <see cref="ParallelizeAttribute"/> values.</param>
    /// <param name="options">Per-call overrides, or <see langword="null"/>.</param>
    /// <param name="itemCount">The number of items.</param>
    /// <returns>The number of concurrent workers.</returns>
    public static int GetWorkerCount(ParallelDefaults defaults, ParallelizeOptions? options, int itemCount)
    {
        RunSettings settings = RunSettings.Resolve(defaults, ParallelConfig.Apply(defaults, options));
        return WorkerCount(BackendFor(settings), settings, itemCount);
    }

    private static TItem[] Prepare<TItem>(
        IEnumerable<TItem> items, ParallelDefaults defaults, ref ParallelizeOptions? options, CancellationToken cancellationToken, out RunSettings settings)
    {
        if (!TryPrepare(items, defaults, ref options, cancellationToken, out TItem[] array, out settings))
        {
            throw new OperationCanceledException(cancellationToken);
        }

        return array;
    }

    /// <summary>
    /// Applies the enclosing <see cref="ParallelConfig"/> scope to <paramref name="options"/>, validates the arguments
    /// and buffers the items; false when the token is already cancelled.
    /// </summary>
    private static bool TryPrepare<TItem>(
        IEnumerable<TItem> items, ParallelDefaults defaults, ref ParallelizeOptions? options, CancellationToken cancellationToken, out TItem[] array, out RunSettings settings)
    {
        ArgumentNullException.ThrowIfNull(items);
        options = ParallelConfig.Apply(defaults, options);
        settings = RunSettings.Resolve(defaults, options);
        if (cancellationToken.IsCancellationRequested)
        {
            array = [];
            return false;
        }

        array = items as TItem[] ?? items.ToArray();
        return true;
    }

    /// <summary>
    /// The one core every entry point funnels into: picks the backend (a call inside a parallel body runs on the thread
    /// backend with the cores its parent leaves idle, so nothing oversubscribes or respawns), its worker count, and the method's remote
    /// identity, then runs the call blocking (<paramref name="blocking"/>, returns a completed task) or as a task.
    /// </summary>
    private static Task Dispatch<TItem, TResult, TBody, TUserBody>(
        TItem[] items, TResult[]? results, TBody body, TUserBody userBody, RunSettings settings, ParallelizeOptions? options,
        CancellationToken cancellationToken, bool blocking)
        where TBody : struct, IParallelCallBody
    {
        IParallelBackend backend = BackendFor(settings);
        int workers = WorkerCount(backend, settings, items.Length);
        using ParallelContext.CallScope nesting = ParallelContext.EnterCall(workers); // the share the bodies' own calls get
        var call = new ParallelCall<TItem, TResult>(
            items, results, settings, workers, options, RemoteOf(userBody), cancellationToken)
        {
            // Only for a listening tracer: the generated body's type names the method (__ParallelGen_Name_HASH).
            MethodName = Diagnostics.Telemetry.Source.HasListeners() ? MethodNameOf(typeof(TUserBody)) : null,
        };
        if (!blocking)
        {
            return backend.RunAsync(call, body);
        }

        backend.Run(call, body);
        return Task.CompletedTask;
    }

    private static string MethodNameOf(Type bodyType)
    {
        const string prefix = "__ParallelGen_";
        string name = bodyType.Name;
        if (name.StartsWith(prefix, StringComparison.Ordinal))
        {
            int hash = name.LastIndexOf('_');
            name = hash > prefix.Length ? name[prefix.Length..hash] : name[prefix.Length..];
            return bodyType.DeclaringType is { } declaring ? declaring.FullName + "." + name : name;
        }

        return bodyType.FullName ?? name;
    }

    private static IParallelBackend BackendFor(RunSettings settings)
    {
        IParallelBackend requested = ParallelBackendRegistry.Get(settings.Backend); // an unregistered value fails even when nested
        return ParallelContext.IsInParallelBody ? ThreadsBackend.Instance : requested;
    }

    /// <summary>
    /// The backend's count; inside a parallel body at most the cores the enclosing call leaves idle
    /// (<see cref="ParallelContext.NestedWorkerLimit"/>), so nested calls never oversubscribe the CPUs.
    /// </summary>
    private static int WorkerCount(IParallelBackend backend, RunSettings settings, int itemCount) =>
        ParallelContext.IsInParallelBody
            ? Math.Min(backend.GetWorkerCount(settings.Jobs, itemCount), ParallelContext.NestedWorkerLimit)
            : backend.GetWorkerCount(settings.Jobs, itemCount);

    /// <summary>
    /// How workers outside this process find the method: the identity the generated body of a remote-backend method
    /// carries (decided at compile time); <see langword="null"/> for any other body.
    /// </summary>
    private static RemoteMethod? RemoteOf<TUserBody>(TUserBody userBody) =>
        userBody is IRemoteBody remote
            ? new RemoteMethod(remote.MethodId, remote.ObservesCancellation, (userBody as Remote.IRemoteAssembly)?.Assembly ?? typeof(TUserBody).Assembly)
            : null;

    private static async Task<TResult[]> WithResult<TResult>(Task run, TResult[] results)
    {
        await run.ConfigureAwait(false);
        return results;
    }
}
