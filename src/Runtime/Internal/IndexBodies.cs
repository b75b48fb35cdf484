using System.Threading;
using System.Threading.Tasks;
using ParallelGen.Backends;

namespace ParallelGen.Internal;

// The call bodies ParallelRunner hands to backends: each runs the user's generated struct on items[index] (read from
// the caller's input in place through TSource) and stores the result. The user's body is a mutable field on purpose: a readonly field would make the JIT copy the struct per call.
#pragma warning disable IDE0044

internal struct MapBody<TItem, TResult, TFunc, TSource>(TSource items, TResult[] results, TFunc func) : IParallelCallBody, IIndexReportingBody
    where TFunc : struct, IParallelFunc<TItem, TResult>
    where TSource : struct, IItemSource<TItem>
{
    private TFunc _func = func;

    public readonly bool IsAsync => false;

    public readonly bool ReportsItemIndex => true;

    public readonly int IndexOffset => items.IndexOffset;

    public void Execute(int index, CancellationToken cancellationToken)
    {
        ParallelContext.SetItemIndex(items.IndexOffset + index);
        results[index] = _func.Invoke(items[index], cancellationToken);
    }

    public ValueTask ExecuteAsync(int index, CancellationToken cancellationToken)
    {
        Execute(index, cancellationToken);
        return default;
    }
}

internal struct ForEachBody<TItem, TAction, TSource>(TSource items, TAction action) : IParallelCallBody, IIndexReportingBody
    where TAction : struct, IParallelAction<TItem>
    where TSource : struct, IItemSource<TItem>
{
    private TAction _action = action;

    public readonly bool IsAsync => false;

    public readonly bool ReportsItemIndex => true;

    public readonly int IndexOffset => items.IndexOffset;

    public void Execute(int index, CancellationToken cancellationToken)
    {
        ParallelContext.SetItemIndex(items.IndexOffset + index);
        _action.Invoke(items[index], cancellationToken);
    }

    public ValueTask ExecuteAsync(int index, CancellationToken cancellationToken)
    {
        Execute(index, cancellationToken);
        return default;
    }
}

internal struct AsyncMapBody<TItem, TResult, TFunc, TSource>(TSource items, TResult[] results, TFunc func) : IParallelCallBody
    where TFunc : struct, IAsyncParallelFunc<TItem, TResult>
    where TSource : struct, IItemSource<TItem>
{
    private TFunc _func = func;

    public readonly bool IsAsync => true;

    public void Execute(int index, CancellationToken cancellationToken) =>
        ExecuteAsync(index, cancellationToken).AsTask().GetAwaiter().GetResult();

    public async ValueTask ExecuteAsync(int index, CancellationToken cancellationToken)
    {
        ParallelContext.SetAsyncItemIndex(items.IndexOffset + index); // scoped to this async method: flows into the body's awaits
        results[index] = await _func.InvokeAsync(items[index], cancellationToken).ConfigureAwait(false);
    }
}

internal struct AsyncForEachBody<TItem, TAction, TSource>(TSource items, TAction action) : IParallelCallBody
    where TAction : struct, IAsyncParallelAction<TItem>
    where TSource : struct, IItemSource<TItem>
{
    private TAction _action = action;

    public readonly bool IsAsync => true;

    public void Execute(int index, CancellationToken cancellationToken) =>
        ExecuteAsync(index, cancellationToken).AsTask().GetAwaiter().GetResult();

    public async ValueTask ExecuteAsync(int index, CancellationToken cancellationToken)
    {
        ParallelContext.SetAsyncItemIndex(items.IndexOffset + index); // scoped to this async method: flows into the body's awaits
        await _action.InvokeAsync(items[index], cancellationToken).ConfigureAwait(false);
    }
}
#pragma warning restore IDE0044

/// <summary>
/// A body whose <see cref="IParallelCallBody.Execute"/> first sets <see cref="ParallelContext.ItemIndex"/> on the
/// current thread (to <see cref="IndexOffset"/> + the index it runs), so that a loop learns a failed item's index from
/// there instead of tracking it with a store of its own per item (two stores per item besides the result's made the
/// tiny-body loop store-bound: docs/benchmarks/threads.md).
/// </summary>
internal interface IIndexReportingBody
{
    /// <summary>Whether <see cref="IParallelCallBody.Execute"/> sets the thread's item index (a constant per type).</summary>
    bool ReportsItemIndex { get; }

    /// <summary>What the body adds to a call-relative index to get <see cref="ParallelContext.ItemIndex"/>.</summary>
    int IndexOffset { get; }
}
