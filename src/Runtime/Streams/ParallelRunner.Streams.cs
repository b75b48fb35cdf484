using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using ParallelGen.Backends;
using ParallelGen.Internal;

namespace ParallelGen;

// The stream entry points (joblib's return_as="generator" and "generator_unordered"): the input is read lazily, in
// windows of at most PreDispatch items, each window one call through the backend door.
public static partial class ParallelRunner
{
    /// <summary>
    /// Calls <paramref name="func"/> for every item in parallel and hands out each result as soon as it and all before it
    /// are done. Nothing runs until the stream is enumerated; the input is read lazily.
    /// </summary>
    /// <typeparam name="TItem">The item type.</typeparam>
    /// <typeparam name="TResult">The result type.</typeparam>
    /// <typeparam name="TFunc">The body.</typeparam>
    /// <param name="items">The inputs, one call each (read as the workers need them; may be endless).</param>
    /// <param name="func">The body.</param>
    /// <param name="defaults">The <see cref="ParallelizeAttribute"/> values.</param>
    /// <param name="options">Per-call overrides (<see cref="ParallelizeOptions.PreDispatch"/>), or <see langword="null"/>.</param>
    /// <param name="cancellationToken">Stops the call: no further items start, and the stream throws <see cref="OperationCanceledException"/>.</param>
    /// <returns>The results in input order, as they are done.</returns>
    public static ParallelStream<TResult> MapStream<TItem, TResult, TFunc>(
        IEnumerable<TItem> items, TFunc func, ParallelDefaults defaults, ParallelizeOptions? options = null, CancellationToken cancellationToken = default)
        where TFunc : struct, IParallelFunc<TItem, TResult> =>
        Stream<TItem, TResult, TResult, MapWindow<TItem, TResult, TFunc>>(items, new(func), ordered: true, defaults, options, cancellationToken);

    /// <summary>
    /// Calls <paramref name="func"/> for every item in parallel and hands out the results in completion order, each
    /// with its item's index. Nothing runs until the stream is enumerated; the input is read lazily.
    /// </summary>
    /// <typeparam name="TItem">The item type.</typeparam>
    /// <typeparam name="TResult">The result type.</typeparam>
    /// <typeparam name="TFunc">The body.</typeparam>
    /// <param name="items">The inputs, one call each (read as the workers need them; may be endless).</param>
    /// <param name="func">The body.</param>
    /// <param name="defaults">The <see cref="ParallelizeAttribute"/> values.</param>
    /// <param name="options">Per-call overrides (<see cref="ParallelizeOptions.PreDispatch"/>), or <see langword="null"/>.</param>
    /// <param name="cancellationToken">Stops the call: no further items start, and the stream throws <see cref="OperationCanceledException"/>.</param>
    /// <returns>The results with their input index, in completion order.</returns>
    public static ParallelStream<ParallelResult<TResult>> MapUnordered<TItem, TResult, TFunc>(
        IEnumerable<TItem> items, TFunc func, ParallelDefaults defaults, ParallelizeOptions? options = null, CancellationToken cancellationToken = default)
        where TFunc : struct, IParallelFunc<TItem, TResult> =>
        Stream<TItem, TResult, ParallelResult<TResult>, MapWindow<TItem, TResult, TFunc>>(items, new(func), ordered: false, defaults, options, cancellationToken);

    /// <summary>
    /// Calls <paramref name="action"/> for every item in parallel and hands out the index of each finished item: in
    /// input order (<paramref name="ordered"/>, as soon as it and all before it are done) or in completion order.
    /// </summary>
    /// <typeparam name="TItem">The item type.</typeparam>
    /// <typeparam name="TAction">The body.</typeparam>
    /// <param name="items">The inputs, one call each (read as the workers need them; may be endless).</param>
    /// <param name="action">The body.</param>
    /// <param name="ordered">Input order (<see langword="true"/>) or completion order.</param>
    /// <param name="defaults">The <see cref="ParallelizeAttribute"/> values.</param>
    /// <param name="options">Per-call overrides (<see cref="ParallelizeOptions.PreDispatch"/>), or <see langword="null"/>.</param>
    /// <param name="cancellationToken">Stops the call: no further items start, and the stream throws <see cref="OperationCanceledException"/>.</param>
    /// <returns>The indices of the finished items.</returns>
    public static ParallelStream<long> ForEachStream<TItem, TAction>(
        IEnumerable<TItem> items, TAction action, bool ordered, ParallelDefaults defaults, ParallelizeOptions? options = null, CancellationToken cancellationToken = default)
        where TAction : struct, IParallelAction<TItem> =>
        Stream<TItem, byte, long, ForEachWindow<TItem, TAction>>(items, new(action), ordered, defaults, options, cancellationToken);

    /// <summary>
    /// <see cref="MapStream{TItem, TResult, TFunc}"/> for an asynchronous body: at most <c>Jobs</c> calls in flight,
    /// each result as soon as it and all before it are done.
    /// </summary>
    /// <typeparam name="TItem">The item type.</typeparam>
    /// <typeparam name="TResult">The result type.</typeparam>
    /// <typeparam name="TFunc">The body.</typeparam>
    /// <param name="items">The inputs, one call each (read as the workers need them; may be endless).</param>
    /// <param name="func">The body.</param>
    /// <param name="defaults">The <see cref="ParallelizeAttribute"/> values.</param>
    /// <param name="options">Per-call overrides (<see cref="ParallelizeOptions.PreDispatch"/>), or <see langword="null"/>.</param>
    /// <param name="cancellationToken">Stops the call and cancels the token the running calls received.</param>
    /// <returns>The results in input order, as they are done.</returns>
    public static ParallelStream<TResult> MapAwaitStream<TItem, TResult, TFunc>(
        IEnumerable<TItem> items, TFunc func, ParallelDefaults defaults, ParallelizeOptions? options = null, CancellationToken cancellationToken = default)
        where TFunc : struct, IAsyncParallelFunc<TItem, TResult> =>
        Stream<TItem, TResult, TResult, AsyncMapWindow<TItem, TResult, TFunc>>(items, new(func), ordered: true, defaults, options, cancellationToken);

    /// <summary><see cref="MapUnordered{TItem, TResult, TFunc}"/> for an asynchronous body.</summary>
    /// <typeparam name="TItem">The item type.</typeparam>
    /// <typeparam name="TResult">The result type.</typeparam>
    /// <typeparam name="TFunc">The body.</typeparam>
    /// <param name="items">The inputs, one call each (read as the workers need them; may be endless).</param>
    /// <param name="func">The body.</param>
    /// <param name="defaults">The <see cref="ParallelizeAttribute"/> values.</param>
    /// <param name="options">Per-call overrides (<see cref="ParallelizeOptions.PreDispatch"/>), or <see langword="null"/>.</param>
    /// <param name="cancellationToken">Stops the call and cancels the token the running calls received.</param>
    /// <returns>The results with their input index, in completion order.</returns>
    public static ParallelStream<ParallelResult<TResult>> MapAwaitUnordered<TItem, TResult, TFunc>(
        IEnumerable<TItem> items, TFunc func, ParallelDefaults defaults, ParallelizeOptions? options = null, CancellationToken cancellationToken = default)
        where TFunc : struct, IAsyncParallelFunc<TItem, TResult> =>
        Stream<TItem, TResult, ParallelResult<TResult>, AsyncMapWindow<TItem, TResult, TFunc>>(items, new(func), ordered: false, defaults, options, cancellationToken);

    /// <summary><see cref="ForEachStream{TItem, TAction}"/> for an asynchronous body.</summary>
    /// <typeparam name="TItem">The item type.</typeparam>
    /// <typeparam name="TAction">The body.</typeparam>
    /// <param name="items">The inputs, one call each (read as the workers need them; may be endless).</param>
    /// <param name="action">The body.</param>
    /// <param name="ordered">Input order (<see langword="true"/>) or completion order.</param>
    /// <param name="defaults">The <see cref="ParallelizeAttribute"/> values.</param>
    /// <param name="options">Per-call overrides (<see cref="ParallelizeOptions.PreDispatch"/>), or <see langword="null"/>.</param>
    /// <param name="cancellationToken">Stops the call and cancels the token the running calls received.</param>
    /// <returns>The indices of the finished items.</returns>
    public static ParallelStream<long> ForEachAwaitStream<TItem, TAction>(
        IEnumerable<TItem> items, TAction action, bool ordered, ParallelDefaults defaults, ParallelizeOptions? options = null, CancellationToken cancellationToken = default)
        where TAction : struct, IAsyncParallelAction<TItem> =>
        Stream<TItem, byte, long, AsyncForEachWindow<TItem, TAction>>(items, new(action), ordered, defaults, options, cancellationToken);

    /// <summary>
    /// The stream core: validates the arguments and applies the <see cref="ParallelConfig"/> scope now (where the call is
    /// made), and starts the run when the stream is enumerated.
    /// </summary>
    private static ParallelStream<TOut> Stream<TItem, TResult, TOut, TRunner>(
        IEnumerable<TItem> items, TRunner runner, bool ordered, ParallelDefaults defaults, ParallelizeOptions? options, CancellationToken cancellationToken)
        where TRunner : struct, IWindowRunner<TItem, TResult, TOut>
    {
        ArgumentNullException.ThrowIfNull(items);
        options = ParallelConfig.Apply(defaults, options);
        RunSettings settings = RunSettings.Resolve(defaults, options);
        if (options?.PreDispatch is <= 0)
        {
            throw new ArgumentOutOfRangeException(
                nameof(ParallelizeOptions.PreDispatch), options.PreDispatch, "PreDispatch must be a positive number of items (or null for 2 * workers batches).");
        }

        bool nested = ParallelContext.IsInParallelBody;
        IParallelBackend backend = BackendFor(settings);
        RemoteMethod? remote = RemoteOf(runner.UserBody);
        string? methodName = Diagnostics.Telemetry.Source.HasListeners() ? MethodNameOf(runner.UserBody.GetType()) : null;
        return new ParallelStream<TOut>(enumeratorToken =>
            new StreamEngine<TItem, TResult, TOut, TRunner>(
                items, runner, ordered, backend, settings, options, nested, remote, methodName, cancellationToken, enumeratorToken));
    }

    private readonly struct MapWindow<TItem, TResult, TFunc>(TFunc func) :
        IWindowRunner<TItem, TResult, TResult>, IWindowRunner<TItem, TResult, ParallelResult<TResult>>
        where TFunc : struct, IParallelFunc<TItem, TResult>
    {
        public bool HasResults => true;

        public object UserBody => func;

        public Task Run(IParallelBackend backend, ParallelCall<TItem, TResult> call, TItem[] items, TResult[]? results, StreamWindow window) =>
            backend.RunAsync(call, new StreamBody<MapBody<TItem, TResult, TFunc, WindowSource<TItem>>>(new(new(items, window.Offset), results!, func), window));

        TResult IWindowRunner<TItem, TResult, TResult>.Project(long index, TResult result) => result;

        ParallelResult<TResult> IWindowRunner<TItem, TResult, ParallelResult<TResult>>.Project(long index, TResult result) => new(index, result);
    }

    private readonly struct AsyncMapWindow<TItem, TResult, TFunc>(TFunc func) :
        IWindowRunner<TItem, TResult, TResult>, IWindowRunner<TItem, TResult, ParallelResult<TResult>>
        where TFunc : struct, IAsyncParallelFunc<TItem, TResult>
    {
        public bool HasResults => true;

        public object UserBody => func;

        public Task Run(IParallelBackend backend, ParallelCall<TItem, TResult> call, TItem[] items, TResult[]? results, StreamWindow window) =>
            backend.RunAsync(call, new StreamBody<AsyncMapBody<TItem, TResult, TFunc, WindowSource<TItem>>>(new(new(items, window.Offset), results!, func), window));

        TResult IWindowRunner<TItem, TResult, TResult>.Project(long index, TResult result) => result;

        ParallelResult<TResult> IWindowRunner<TItem, TResult, ParallelResult<TResult>>.Project(long index, TResult result) => new(index, result);
    }

    private readonly struct ForEachWindow<TItem, TAction>(TAction action) : IWindowRunner<TItem, byte, long>
        where TAction : struct, IParallelAction<TItem>
    {
        public bool HasResults => false;

        public object UserBody => action;

        public Task Run(IParallelBackend backend, ParallelCall<TItem, byte> call, TItem[] items, byte[]? results, StreamWindow window) =>
            backend.RunAsync(call, new StreamBody<ForEachBody<TItem, TAction, WindowSource<TItem>>>(new(new(items, window.Offset), action), window));

        public long Project(long index, byte result) => index;
    }

    private readonly struct AsyncForEachWindow<TItem, TAction>(TAction action) : IWindowRunner<TItem, byte, long>
        where TAction : struct, IAsyncParallelAction<TItem>
    {
        public bool HasResults => false;

        public object UserBody => action;

        public Task Run(IParallelBackend backend, ParallelCall<TItem, byte> call, TItem[] items, byte[]? results, StreamWindow window) =>
            backend.RunAsync(call, new StreamBody<AsyncForEachBody<TItem, TAction, WindowSource<TItem>>>(new(new(items, window.Offset), action), window));

        public long Project(long index, byte result) => index;
    }
}
