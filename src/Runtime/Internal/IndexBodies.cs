using System.Threading;
using System.Threading.Tasks;

namespace ParallelGen.Internal;

/// <summary>What the engines run: the work for one position of the input.</summary>
internal interface IIndexBody
{
    void Execute(int index, CancellationToken cancellationToken);
}

/// <summary>What the async engine runs: the work for one position of the input.</summary>
internal interface IAsyncIndexBody
{
    ValueTask ExecuteAsync(int index, CancellationToken cancellationToken);
}

// The user's body is a mutable field on purpose: a readonly field would make the JIT copy the struct per call.
#pragma warning disable IDE0044

internal struct MapBody<TItem, TResult, TFunc>(TItem[] items, TResult[] results, TFunc func) : IIndexBody
    where TFunc : struct, IParallelFunc<TItem, TResult>
{
    private TFunc _func = func;

    public void Execute(int index, CancellationToken cancellationToken) =>
        results[index] = _func.Invoke(items[index], cancellationToken);
}

internal struct ForEachBody<TItem, TAction>(TItem[] items, TAction action) : IIndexBody
    where TAction : struct, IParallelAction<TItem>
{
    private TAction _action = action;

    public void Execute(int index, CancellationToken cancellationToken) =>
        _action.Invoke(items[index], cancellationToken);
}

internal struct AsyncMapBody<TItem, TResult, TFunc>(TItem[] items, TResult[] results, TFunc func) : IAsyncIndexBody
    where TFunc : struct, IAsyncParallelFunc<TItem, TResult>
{
    private TFunc _func = func;

    public async ValueTask ExecuteAsync(int index, CancellationToken cancellationToken) =>
        results[index] = await _func.InvokeAsync(items[index], cancellationToken).ConfigureAwait(false);
}

internal struct AsyncForEachBody<TItem, TAction>(TItem[] items, TAction action) : IAsyncIndexBody
    where TAction : struct, IAsyncParallelAction<TItem>
{
    private TAction _action = action;

    public ValueTask ExecuteAsync(int index, CancellationToken cancellationToken) =>
        _action.InvokeAsync(items[index], cancellationToken);
}
#pragma warning restore IDE0044
