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
/// <see cref="IParallelFunc{TItem, TResult}"/> and friends. An array, a <see cref="List{T}"/>, an
/// <see cref="IReadOnlyList{T}"/> (such as <c>Enumerable.Range</c>'s result) or an <see cref="IList{T}"/> is read in
/// place, not copied (do not modify it during the call); any other sequence is buffered into an array first, enumerated
/// once on the calling thread. The stream methods (<c>MapStream</c>, <c>MapUnordered</c>, ...) read the input lazily.
/// </remarks>
public static partial class ParallelRunner
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
        LaunchEarly(items, func, defaults, options, cancellationToken); // a process call's first worker starts now
        IReadOnlyList<TItem> list = Prepare(items, defaults, ref options, cancellationToken, out RunSettings settings, out ItemSources.Kind kind);
        if (list.Count == 0)
        {
            return [];
        }

        var results = NewResults<TResult>(list.Count);
        RunIndexed(list, kind, new MapMaker<TItem, TResult, TFunc>(list, results, func, settings, options, cancellationToken, blocking: true));
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
        LaunchEarly(items, action, defaults, options, cancellationToken); // a process call's first worker starts now
        IReadOnlyList<TItem> list = Prepare(items, defaults, ref options, cancellationToken, out RunSettings settings, out ItemSources.Kind kind);
        if (list.Count == 0)
        {
            return;
        }

        RunIndexed(list, kind, new ForEachMaker<TItem, TAction>(list, action, settings, options, cancellationToken, blocking: true));
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
        LaunchEarly(items, func, defaults, options, cancellationToken); // a process call's first worker starts now
        if (!TryPrepare(items, defaults, ref options, cancellationToken, out IReadOnlyList<TItem> list, out RunSettings settings, out ItemSources.Kind kind, out Exception? inputError))
        {
            return inputError is null ? Task.FromCanceled<TResult[]>(cancellationToken) : Task.FromException<TResult[]>(inputError);
        }

        if (list.Count == 0)
        {
            return Task.FromResult<TResult[]>([]);
        }

        var results = NewResults<TResult>(list.Count);
        return WithResult(RunIndexed(list, kind, new MapMaker<TItem, TResult, TFunc>(list, results, func, settings, options, cancellationToken, blocking: false)), results);
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
        LaunchEarly(items, action, defaults, options, cancellationToken); // a process call's first worker starts now
        if (!TryPrepare(items, defaults, ref options, cancellationToken, out IReadOnlyList<TItem> list, out RunSettings settings, out ItemSources.Kind kind, out Exception? inputError))
        {
            return inputError is null ? Task.FromCanceled(cancellationToken) : Task.FromException(inputError);
        }

        if (list.Count == 0)
        {
            return Task.CompletedTask;
        }

        return RunIndexed(list, kind, new ForEachMaker<TItem, TAction>(list, action, settings, options, cancellationToken, blocking: false));
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
        LaunchEarly(items, func, defaults, options, cancellationToken); // a process call's first worker starts now
        if (!TryPrepare(items, defaults, ref options, cancellationToken, out IReadOnlyList<TItem> list, out RunSettings settings, out ItemSources.Kind kind, out Exception? inputError))
        {
            return inputError is null ? Task.FromCanceled<TResult[]>(cancellationToken) : Task.FromException<TResult[]>(inputError);
        }

        if (list.Count == 0)
        {
            return Task.FromResult<TResult[]>([]);
        }

        var results = NewResults<TResult>(list.Count);
        return WithResult(RunIndexed(list, kind, new AsyncMapMaker<TItem, TResult, TFunc>(list, results, func, settings, options, cancellationToken, blocking: false)), results);
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
        LaunchEarly(items, action, defaults, options, cancellationToken); // a process call's first worker starts now
        if (!TryPrepare(items, defaults, ref options, cancellationToken, out IReadOnlyList<TItem> list, out RunSettings settings, out ItemSources.Kind kind, out Exception? inputError))
        {
            return inputError is null ? Task.FromCanceled(cancellationToken) : Task.FromException(inputError);
        }

        if (list.Count == 0)
        {
            return Task.CompletedTask;
        }

        return RunIndexed(list, kind, new AsyncForEachMaker<TItem, TAction>(list, action, settings, options, cancellationToken, blocking: false));
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

    /// <summary>
    /// The first process-backend call of a program launches its workers before anything else: this thread works out the
    /// launch, the launcher thread runs <c>Process.Start</c> while this one sets the call up
    /// (<see cref="Backends.Processes.EarlyLaunch"/>). The type test folds away for bodies that are not remote; invalid
    /// options throw here as they would a line later.
    /// </summary>
    private static void LaunchEarly<TItem, TBody>(
        IEnumerable<TItem> items, TBody body, ParallelDefaults defaults, ParallelizeOptions? options, CancellationToken cancellationToken)
    {
        if (body is IRemoteBody && (options?.Backend ?? defaults.Backend) == Backend.Processes)
        {
            LaunchEarlyForRemote(items, AssemblyOf(body), defaults, options, cancellationToken);
        }
    }

    private static void LaunchEarlyForRemote<TItem>(
        IEnumerable<TItem> items, System.Reflection.Assembly assembly, ParallelDefaults defaults, ParallelizeOptions? options, CancellationToken cancellationToken)
    {
        if (Backends.Processes.ProcessPool.Exists(assembly) || ParallelConfig.Current is not null)
        {
            return; // not a first call, or a scope that may change the backend: the call's own Prestart launches
        }

        RunSettings settings = RunSettings.Resolve(defaults, options); // what Prepare would reject is rejected before a launch
        int count = items switch
        {
            ICollection<TItem> c => c.Count,
            IReadOnlyCollection<TItem> r => r.Count,
            _ => -1, // counting would enumerate: Prepare's Prestart launches
        };
        Backends.Processes.EarlyLaunch.Start(assembly, count, settings.Jobs, cancellationToken);
    }

    private static IReadOnlyList<TItem> Prepare<TItem>(
        IEnumerable<TItem> items, ParallelDefaults defaults, ref ParallelizeOptions? options, CancellationToken cancellationToken,
        out RunSettings settings, out ItemSources.Kind kind)
    {
        if (!TryPrepare(items, defaults, ref options, cancellationToken, out IReadOnlyList<TItem> list, out settings, out kind, out Exception? inputError))
        {
            if (inputError is not null)
            {
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(inputError);
            }

            throw new OperationCanceledException(cancellationToken);
        }

        return list;
    }

    /// <summary>
    /// Applies the enclosing <see cref="ParallelConfig"/> scope to <paramref name="options"/>, validates the arguments
    /// and gets the items in place (arrays and lists) or buffered (other sequences); false when the token is already
    /// cancelled or the input's enumerator threw (<paramref name="inputError"/>, which the caller reports as itself).
    /// </summary>
    private static bool TryPrepare<TItem>(
        IEnumerable<TItem> items, ParallelDefaults defaults, ref ParallelizeOptions? options, CancellationToken cancellationToken,
        out IReadOnlyList<TItem> list, out RunSettings settings, out ItemSources.Kind kind, out Exception? inputError)
    {
        ArgumentNullException.ThrowIfNull(items);
        options = ParallelConfig.Apply(defaults, options);
        settings = RunSettings.Resolve(defaults, options);
        inputError = null;
        kind = ItemSources.Kind.Array;
        list = [];
        if (cancellationToken.IsCancellationRequested)
        {
            return false;
        }

        try
        {
            list = ItemSources.Classify(items, out kind);
        }
        catch (Exception ex)
        {
            inputError = ex;
            return false;
        }

        return true;
    }

    /// <summary>Builds the call body for the input's kind (so each kind gets its own specialised loop) and dispatches it.</summary>
    private static Task RunIndexed<TItem, TMaker>(IReadOnlyList<TItem> list, ItemSources.Kind kind, TMaker maker)
        where TMaker : struct, ICallMaker<TItem> =>
        kind switch
        {
            ItemSources.Kind.Array => maker.Run(new ArraySource<TItem>((TItem[])list)),
            ItemSources.Kind.ListOfT => maker.Run(new ListOfTSource<TItem>((List<TItem>)list)),
            ItemSources.Kind.Range => maker.Run(new RangeSource<TItem>(((IReadOnlyList<int>)list)[0])),
            _ => maker.Run(new ReadOnlyListSource<TItem>(list)),
        };

    /// <summary>Makes the call body over a given item source and dispatches it (a struct: the call is not virtual).</summary>
    private interface ICallMaker<TItem>
    {
        Task Run<TSource>(TSource source)
            where TSource : struct, IItemSource<TItem>;
    }

    private readonly struct MapMaker<TItem, TResult, TFunc>(
        IReadOnlyList<TItem> list, TResult[] results, TFunc func, RunSettings settings, ParallelizeOptions? options, CancellationToken token, bool blocking)
        : ICallMaker<TItem>
        where TFunc : struct, IParallelFunc<TItem, TResult>
    {
        public Task Run<TSource>(TSource source)
            where TSource : struct, IItemSource<TItem> =>
            Dispatch(list, results, new MapBody<TItem, TResult, TFunc, TSource>(source, results, func), func, settings, options, token, blocking);
    }

    private readonly struct ForEachMaker<TItem, TAction>(
        IReadOnlyList<TItem> list, TAction action, RunSettings settings, ParallelizeOptions? options, CancellationToken token, bool blocking)
        : ICallMaker<TItem>
        where TAction : struct, IParallelAction<TItem>
    {
        public Task Run<TSource>(TSource source)
            where TSource : struct, IItemSource<TItem> =>
            Dispatch<TItem, byte, ForEachBody<TItem, TAction, TSource>, TAction>(
                list, null, new ForEachBody<TItem, TAction, TSource>(source, action), action, settings, options, token, blocking);
    }

    private readonly struct AsyncMapMaker<TItem, TResult, TFunc>(
        IReadOnlyList<TItem> list, TResult[] results, TFunc func, RunSettings settings, ParallelizeOptions? options, CancellationToken token, bool blocking)
        : ICallMaker<TItem>
        where TFunc : struct, IAsyncParallelFunc<TItem, TResult>
    {
        public Task Run<TSource>(TSource source)
            where TSource : struct, IItemSource<TItem> =>
            Dispatch(list, results, new AsyncMapBody<TItem, TResult, TFunc, TSource>(source, results, func), func, settings, options, token, blocking);
    }

    private readonly struct AsyncForEachMaker<TItem, TAction>(
        IReadOnlyList<TItem> list, TAction action, RunSettings settings, ParallelizeOptions? options, CancellationToken token, bool blocking)
        : ICallMaker<TItem>
        where TAction : struct, IAsyncParallelAction<TItem>
    {
        public Task Run<TSource>(TSource source)
            where TSource : struct, IItemSource<TItem> =>
            Dispatch<TItem, byte, AsyncForEachBody<TItem, TAction, TSource>, TAction>(
                list, null, new AsyncForEachBody<TItem, TAction, TSource>(source, action), action, settings, options, token, blocking);
    }

    /// <summary>
    /// The one core every entry point funnels into: picks the backend (a call inside a parallel body runs on the thread
    /// backend with the cores its parent leaves idle, so nothing oversubscribes or respawns), its worker count, and the method's remote
    /// identity, then runs the call blocking (<paramref name="blocking"/>, returns a completed task) or as a task.
    /// </summary>
    private static Task Dispatch<TItem, TResult, TBody, TUserBody>(
        IReadOnlyList<TItem> items, TResult[]? results, TBody body, TUserBody userBody, RunSettings settings, ParallelizeOptions? options,
        CancellationToken cancellationToken, bool blocking)
        where TBody : struct, IParallelCallBody
    {
        IParallelBackend backend = BackendFor(settings);
        int workers = WorkerCount(backend, settings, items.Count);
        RemoteMethod? remote = RemoteOf(userBody);
        (backend as IPrestartingBackend)?.Prestart(remote, workers, items.Count); // process workers start while the call is set up
        using ParallelContext.CallScope nesting = ParallelContext.EnterCall(workers); // the share the bodies' own calls get
        var call = new ParallelCall<TItem, TResult>(
            items, results, settings, workers, options, remote, cancellationToken)
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

    internal static string MethodNameOf(Type bodyType)
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

    internal static IParallelBackend BackendFor(RunSettings settings)
    {
        IParallelBackend requested = ParallelBackendRegistry.Get(settings.Backend); // an unregistered value fails even when nested
        return ParallelContext.IsInParallelBody ? ThreadsBackend.Instance : requested;
    }

    /// <summary>
    /// The backend's count; inside a parallel body at most the cores the enclosing call leaves idle
    /// (<see cref="ParallelContext.NestedWorkerLimit"/>), so nested calls never oversubscribe the CPUs.
    /// </summary>
    internal static int WorkerCount(IParallelBackend backend, RunSettings settings, int itemCount) =>
        ParallelContext.IsInParallelBody
            ? Math.Min(backend.GetWorkerCount(settings.Jobs, itemCount), ParallelContext.NestedWorkerLimit)
            : backend.GetWorkerCount(settings.Jobs, itemCount);

    /// <summary>
    /// How workers outside this process find the method: the identity the generated body of a remote-backend method
    /// carries (decided at compile time); <see langword="null"/> for any other body.
    /// </summary>
    private static RemoteMethod? RemoteOf<TUserBody>(TUserBody userBody) =>
        userBody is IRemoteBody remote
            ? new RemoteMethod(remote.MethodId, remote.ObservesCancellation, AssemblyOf(userBody))
            : null;

    /// <summary>The assembly whose worker serves a remote body: the intercepted method's, or the generated body's own.</summary>
    private static System.Reflection.Assembly AssemblyOf<TUserBody>(TUserBody userBody) =>
        (userBody as Remote.IRemoteAssembly)?.Assembly ?? userBody!.GetType().Assembly;

    /// <summary>
    /// The result array of a call: not zeroed first when <typeparamref name="TResult"/> holds no references (the GC zeroes
    /// those anyway), because every element is written before the caller sees the array (a call that does not finish
    /// every item throws instead of returning it). For 10^7 ints that saves a 40 MB write pass on the calling thread.
    /// </summary>
    internal static TResult[] NewResults<TResult>(int count) => GC.AllocateUninitializedArray<TResult>(count);

    private static async Task<TResult[]> WithResult<TResult>(Task run, TResult[] results)
    {
        await run.ConfigureAwait(false);
        return results;
    }
}
