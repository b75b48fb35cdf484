using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using System.Diagnostics.CodeAnalysis;
using ParallelGen.Backends.Processes;
using ParallelGen.Backends.Threads;
using ParallelGen.Internal;

namespace ParallelGen;

/// <summary>
/// The engine behind generated parallel methods. Each method runs a struct body once per item on the requested
/// number of workers and keeps joblib's promises: results in input order; the first exception stops dispatch and
/// is rethrown with its original type (its item index in <see cref="ParallelExceptionExtensions.GetParallelItemIndex"/>);
/// cancellation stops promptly with <see cref="OperationCanceledException"/>; a call made from inside a parallel body
/// runs sequentially.
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
        TItem[] array = Prepare(items, defaults, options, cancellationToken, out RunSettings settings);
        if (array.Length == 0)
        {
            return [];
        }

        var results = new TResult[array.Length];
        if (UseProcesses(settings, func, out string? methodId))
        {
            CreateProcessRun<TItem, TResult, TFunc>(array, results, methodId, settings, options, cancellationToken).Run();
            return results;
        }

        CreateRun(new MapBody<TItem, TResult, TFunc>(array, results, func), array.Length, settings, options, cancellationToken).Run();
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
        TItem[] array = Prepare(items, defaults, options, cancellationToken, out RunSettings settings);
        if (array.Length == 0)
        {
            return;
        }

        if (UseProcesses(settings, action, out string? methodId))
        {
            CreateProcessRun<TItem, byte, TAction>(array, null, methodId, settings, options, cancellationToken).Run();
            return;
        }

        CreateRun(new ForEachBody<TItem, TAction>(array, action), array.Length, settings, options, cancellationToken).Run();
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
        if (!TryPrepare(items, defaults, options, cancellationToken, out TItem[] array, out RunSettings settings))
        {
            return Task.FromCanceled<TResult[]>(cancellationToken);
        }

        if (array.Length == 0)
        {
            return Task.FromResult<TResult[]>([]);
        }

        var results = new TResult[array.Length];
        Task run = UseProcesses(settings, func, out string? methodId)
            ? CreateProcessRun<TItem, TResult, TFunc>(array, results, methodId, settings, options, cancellationToken).RunDetached()
            : CreateRun(new MapBody<TItem, TResult, TFunc>(array, results, func), array.Length, settings, options, cancellationToken).RunDetached();
        return WithResult(run, results);
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
        if (!TryPrepare(items, defaults, options, cancellationToken, out TItem[] array, out RunSettings settings))
        {
            return Task.FromCanceled(cancellationToken);
        }

        if (array.Length == 0)
        {
            return Task.CompletedTask;
        }

        return UseProcesses(settings, action, out string? methodId)
            ? CreateProcessRun<TItem, byte, TAction>(array, null, methodId, settings, options, cancellationToken).RunDetached()
            : CreateRun(new ForEachBody<TItem, TAction>(array, action), array.Length, settings, options, cancellationToken).RunDetached();
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
        if (!TryPrepare(items, defaults, options, cancellationToken, out TItem[] array, out RunSettings settings))
        {
            return Task.FromCanceled<TResult[]>(cancellationToken);
        }

        if (array.Length == 0)
        {
            return Task.FromResult<TResult[]>([]);
        }

        var results = new TResult[array.Length];
        Task run = UseProcesses(settings, func, out string? methodId)
            ? CreateProcessRun<TItem, TResult, TFunc>(array, results, methodId, settings, options, cancellationToken).RunDetached()
            : RunAsync(new AsyncMapBody<TItem, TResult, TFunc>(array, results, func), array.Length, settings, options, cancellationToken);
        return WithResult(run, results);
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
        if (!TryPrepare(items, defaults, options, cancellationToken, out TItem[] array, out RunSettings settings))
        {
            return Task.FromCanceled(cancellationToken);
        }

        if (array.Length == 0)
        {
            return Task.CompletedTask;
        }

        return UseProcesses(settings, action, out string? methodId)
            ? CreateProcessRun<TItem, byte, TAction>(array, null, methodId, settings, options, cancellationToken).RunDetached()
            : RunAsync(new AsyncForEachBody<TItem, TAction>(array, action), array.Length, settings, options, cancellationToken);
    }

    /// <summary>
    /// How many workers a call with these values would use for <paramref name="itemCount"/> items right here (1 inside
    /// a parallel body).
    /// </summary>
    /// <param name="defaults">The <see cref="ParallelizeAttribute"/> values.</param>
    /// <param name="options">Per-call overrides, or <see langword="null"/>.</param>
    /// <param name="itemCount">The number of items.</param>
    /// <returns>The number of concurrent workers.</returns>
    public static int GetWorkerCount(ParallelDefaults defaults, ParallelizeOptions? options, int itemCount) =>
        WorkerCount(RunSettings.Resolve(defaults, options), itemCount);

    private static TItem[] Prepare<TItem>(
        IEnumerable<TItem> items, ParallelDefaults defaults, ParallelizeOptions? options, CancellationToken cancellationToken, out RunSettings settings)
    {
        if (!TryPrepare(items, defaults, options, cancellationToken, out TItem[] array, out settings))
        {
            throw new OperationCanceledException(cancellationToken);
        }

        return array;
    }

    /// <summary>Validates the arguments and buffers the items; false when the token is already cancelled.</summary>
    private static bool TryPrepare<TItem>(
        IEnumerable<TItem> items, ParallelDefaults defaults, ParallelizeOptions? options, CancellationToken cancellationToken, out TItem[] array, out RunSettings settings)
    {
        ArgumentNullException.ThrowIfNull(items);
        settings = RunSettings.Resolve(defaults, options);
        if (cancellationToken.IsCancellationRequested)
        {
            array = [];
            return false;
        }

        array = items as TItem[] ?? items.ToArray();
        return true;
    }

    private static Task RunAsync<TBody>(TBody body, int count, RunSettings settings, ParallelizeOptions? options, CancellationToken cancellationToken)
        where TBody : struct, IAsyncIndexBody
    {
        int workers = WorkerCount(settings, count);
        return AsyncRun.RunAsync(body, count, workers, settings, ProgressTracker.Create(options, count, workers), cancellationToken);
    }

    private static int WorkerCount(RunSettings settings, int itemCount) =>
        ParallelContext.IsInParallelBody ? 1 : Math.Max(1, Math.Min(settings.Jobs, itemCount));

    private static ThreadRun<TBody> CreateRun<TBody>(
        TBody body, int count, RunSettings settings, ParallelizeOptions? options, CancellationToken cancellationToken)
        where TBody : struct, IIndexBody
    {
        int workers = WorkerCount(settings, count);
        return new ThreadRun<TBody>(body, count, workers, settings, ProgressTracker.Create(options, count, workers), cancellationToken);
    }

    /// <summary>
    /// Whether this call goes to worker processes: Backend.Processes and not already inside a parallel body (in a
    /// worker, or nested), where calls run in-process and sequentially so that nothing respawns. Jobs = 1 means one
    /// worker process here (isolation is the point of the backend), not inline execution.
    /// </summary>
    private static bool UseProcesses<TBody>(RunSettings settings, TBody body, [NotNullWhen(true)] out string? methodId)
    {
        methodId = null;
        if (settings.Backend != Backend.Processes || ParallelContext.IsInParallelBody)
        {
            return false;
        }

        if (body is IProcessBody processBody)
        {
            methodId = processBody.MethodId;
            return true;
        }

        throw new NotSupportedException(
            "Backend.Processes was requested for a method that was not declared with [Parallelize(Backend = Backend.Processes)], " +
            "so worker processes have no entry point for it. Declare it with that attribute value (static methods only).");
    }

    private static ProcessRun<TItem, TResult> CreateProcessRun<TItem, TResult, TBody>(
        TItem[] items, TResult[]? results, string methodId, RunSettings settings, ParallelizeOptions? options, CancellationToken cancellationToken)
    {
        int workers = WorkerCount(settings, items.Length);
        return new ProcessRun<TItem, TResult>(
            items, results, methodId, typeof(TBody).Assembly, workers, settings, options,
            ProgressTracker.Create(options, items.Length, workers), cancellationToken);
    }

    private static async Task<TResult[]> WithResult<TResult>(Task run, TResult[] results)
    {
        await run.ConfigureAwait(false);
        return results;
    }
}
