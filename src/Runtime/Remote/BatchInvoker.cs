using System.Threading;
using MessagePack;
using MessagePack.Formatters;

namespace ParallelGen.Remote;

/// <summary>Runs one batch inside a worker: reads the items, calls the method for each, writes the results.</summary>
internal interface IBatchInvoker
{
    /// <summary>
    /// Runs the batch. <paramref name="index"/> is the position in the batch of the item being processed, so that an
    /// exception can name it. <paramref name="cancellationToken"/> is the call's, for methods that take one: once it
    /// is cancelled, the batch's remaining items do not start.
    /// </summary>
    void InvokeBatch(ref MessagePackReader reader, ref MessagePackWriter writer, ref int index, CancellationToken cancellationToken);

    /// <summary>The items' generated <c>IMessagePackFormatter&lt;TItem&gt;</c>, or null when the resolver's is used.</summary>
    object? ItemFormatter { get; }

    /// <summary>The results' generated <c>IMessagePackFormatter&lt;TResult&gt;</c>, or null when the resolver's is used.</summary>
    object? ResultFormatter { get; }
}

/// <summary>
/// The one batch loop of a worker. Void and async methods come through the adapters below: a void method's result
/// is <see cref="Nil"/> (which the parent skips), and an async method is awaited synchronously — a worker process runs
/// one call at a time, so waiting there blocks nobody else. The formatters are the generated ones the method was
/// registered with, or null for the resolver's (looked up at the first batch).
/// </summary>
internal sealed class BatchInvoker<TItem, TResult, TFunc>(
    TFunc func, IMessagePackFormatter<TItem>? itemFormatter = null, IMessagePackFormatter<TResult>? resultFormatter = null) : IBatchInvoker
    where TFunc : struct, IParallelFunc<TItem, TResult>
{
    private TFunc _func = func;

    public object? ItemFormatter => itemFormatter;

    public object? ResultFormatter => resultFormatter;

    public void InvokeBatch(ref MessagePackReader reader, ref MessagePackWriter writer, ref int index, CancellationToken cancellationToken)
    {
        MessagePackSerializerOptions options = RemoteSerializer.Options;
        IMessagePackFormatter<TItem> items = itemFormatter ?? options.Resolver.GetFormatterWithVerify<TItem>();
        IMessagePackFormatter<TResult> results = resultFormatter ?? options.Resolver.GetFormatterWithVerify<TResult>();
        int count = reader.ReadArrayHeader();
        writer.WriteArrayHeader(count);
        int start = RemoteBatch.Start;
        using SharedMemory.SharedViews.BatchScope views = SharedMemory.SharedViews.BeginBatch(); // shared arrays mapped for this batch
        for (index = 0; index < count; index++)
        {
            if (start >= 0)
            {
                RemoteBatch.SetItemIndex(start + index);
            }

            TItem item = items.Deserialize(ref reader, options);
            cancellationToken.ThrowIfCancellationRequested();
            results.Serialize(ref writer, _func.Invoke(item, cancellationToken), options);
        }
    }
}

internal struct ActionAdapter<TItem, TAction>(TAction action) : IParallelFunc<TItem, Nil>
    where TAction : struct, IParallelAction<TItem>
{
    private TAction _action = action;

    public Nil Invoke(TItem item, CancellationToken cancellationToken)
    {
        _action.Invoke(item, cancellationToken);
        return Nil.Default;
    }
}

internal struct AwaitedFuncAdapter<TItem, TResult, TFunc>(TFunc func) : IParallelFunc<TItem, TResult>
    where TFunc : struct, IAsyncParallelFunc<TItem, TResult>
{
    private TFunc _func = func;

    public TResult Invoke(TItem item, CancellationToken cancellationToken)
    {
        RemoteBatch.FlowItemIndex();
        return _func.InvokeAsync(item, cancellationToken).AsTask().GetAwaiter().GetResult();
    }
}

internal struct AwaitedActionAdapter<TItem, TAction>(TAction action) : IParallelFunc<TItem, Nil>
    where TAction : struct, IAsyncParallelAction<TItem>
{
    private TAction _action = action;

    public Nil Invoke(TItem item, CancellationToken cancellationToken)
    {
        RemoteBatch.FlowItemIndex();
        _action.InvokeAsync(item, cancellationToken).AsTask().GetAwaiter().GetResult();
        return Nil.Default;
    }
}
