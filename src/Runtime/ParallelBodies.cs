using System.Threading;
using System.Threading.Tasks;

namespace ParallelGen;

// The generator emits a small struct implementing one of these for each [Parallelize] method. Because the runner is
// generic over the struct type, the JIT specializes the loop for it and can inline the call: there is no delegate
// and no allocation per item. They are public so that hand-written code can use ParallelRunner the same way.

/// <summary>A loop body that maps an item to a result. Implement it on a <see langword="struct"/>.</summary>
/// <typeparam name="TItem">The item type.</typeparam>
/// <typeparam name="TResult">The result type.</typeparam>
public interface IParallelFunc<TItem, TResult>
{
    /// <summary>Computes the result for one item.</summary>
    /// <param name="item">The item.</param>
    /// <param name="cancellationToken">Cancelled when the call is cancelled, times out or another item failed.</param>
    /// <returns>The item's result.</returns>
    TResult Invoke(TItem item, CancellationToken cancellationToken);
}

/// <summary>A loop body that consumes an item. Implement it on a <see langword="struct"/>.</summary>
/// <typeparam name="TItem">The item type.</typeparam>
public interface IParallelAction<TItem>
{
    /// <summary>Processes one item.</summary>
    /// <param name="item">The item.</param>
    /// <param name="cancellationToken">Cancelled when the call is cancelled, times out or another item failed.</param>
    void Invoke(TItem item, CancellationToken cancellationToken);
}

/// <summary>An asynchronous loop body that maps an item to a result.</summary>
/// <typeparam name="TItem">The item type.</typeparam>
/// <typeparam name="TResult">The result type.</typeparam>
public interface IAsyncParallelFunc<TItem, TResult>
{
    /// <summary>Starts computing the result for one item.</summary>
    /// <param name="item">The item.</param>
    /// <param name="cancellationToken">Cancelled when the call is cancelled, times out or another item failed.</param>
    /// <returns>The item's result.</returns>
    ValueTask<TResult> InvokeAsync(TItem item, CancellationToken cancellationToken);
}

/// <summary>An asynchronous loop body that consumes an item.</summary>
/// <typeparam name="TItem">The item type.</typeparam>
public interface IAsyncParallelAction<TItem>
{
    /// <summary>Starts processing one item.</summary>
    /// <param name="item">The item.</param>
    /// <param name="cancellationToken">Cancelled when the call is cancelled, times out or another item failed.</param>
    /// <returns>A task that completes when the item is processed.</returns>
    ValueTask InvokeAsync(TItem item, CancellationToken cancellationToken);
}
