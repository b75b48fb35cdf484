using System.Threading;
using MessagePack;
using MessagePack.Formatters;

namespace ParallelGen.Backends.Processes;

/// <summary>Runs one batch inside a worker: reads the items, calls the method for each, writes the results.</summary>
internal interface IWorkerInvoker
{
    /// <summary>
    /// Runs the batch. <paramref name="index"/> is the position in the batch of the item being processed, so that an
    /// exception can name it.
    /// </summary>
    void InvokeBatch(ref MessagePackReader reader, ref MessagePackWriter writer, ref int index);
}

internal sealed class FuncInvoker<TItem, TResult, TFunc>(TFunc func) : IWorkerInvoker
    where TFunc : struct, IParallelFunc<TItem, TResult>
{
    private TFunc _func = func;

    public void InvokeBatch(ref MessagePackReader reader, ref MessagePackWriter writer, ref int index)
    {
        MessagePackSerializerOptions options = ProcessSerializer.Options;
        IMessagePackFormatter<TItem> items = options.Resolver.GetFormatterWithVerify<TItem>();
        IMessagePackFormatter<TResult> results = options.Resolver.GetFormatterWithVerify<TResult>();
        int count = reader.ReadArrayHeader();
        writer.WriteArrayHeader(count);
        for (index = 0; index < count; index++)
        {
            TItem item = items.Deserialize(ref reader, options);
            results.Serialize(ref writer, _func.Invoke(item, CancellationToken.None), options);
        }
    }
}

internal sealed class ActionInvoker<TItem, TAction>(TAction action) : IWorkerInvoker
    where TAction : struct, IParallelAction<TItem>
{
    private TAction _action = action;

    public void InvokeBatch(ref MessagePackReader reader, ref MessagePackWriter writer, ref int index)
    {
        MessagePackSerializerOptions options = ProcessSerializer.Options;
        IMessagePackFormatter<TItem> items = options.Resolver.GetFormatterWithVerify<TItem>();
        int count = reader.ReadArrayHeader();
        writer.WriteArrayHeader(count);
        for (index = 0; index < count; index++)
        {
            _action.Invoke(items.Deserialize(ref reader, options), CancellationToken.None);
            writer.WriteNil();
        }
    }
}

internal sealed class AsyncFuncInvoker<TItem, TResult, TFunc>(TFunc func) : IWorkerInvoker
    where TFunc : struct, IAsyncParallelFunc<TItem, TResult>
{
    private TFunc _func = func;

    public void InvokeBatch(ref MessagePackReader reader, ref MessagePackWriter writer, ref int index)
    {
        MessagePackSerializerOptions options = ProcessSerializer.Options;
        IMessagePackFormatter<TItem> items = options.Resolver.GetFormatterWithVerify<TItem>();
        IMessagePackFormatter<TResult> results = options.Resolver.GetFormatterWithVerify<TResult>();
        int count = reader.ReadArrayHeader();
        writer.WriteArrayHeader(count);
        for (index = 0; index < count; index++)
        {
            // A worker process runs one call at a time, so waiting here blocks nobody else.
            TResult result = _func.InvokeAsync(items.Deserialize(ref reader, options), CancellationToken.None).AsTask().GetAwaiter().GetResult();
            results.Serialize(ref writer, result, options);
        }
    }
}

internal sealed class AsyncActionInvoker<TItem, TAction>(TAction action) : IWorkerInvoker
    where TAction : struct, IAsyncParallelAction<TItem>
{
    private TAction _action = action;

    public void InvokeBatch(ref MessagePackReader reader, ref MessagePackWriter writer, ref int index)
    {
        MessagePackSerializerOptions options = ProcessSerializer.Options;
        IMessagePackFormatter<TItem> items = options.Resolver.GetFormatterWithVerify<TItem>();
        int count = reader.ReadArrayHeader();
        writer.WriteArrayHeader(count);
        for (index = 0; index < count; index++)
        {
            _action.InvokeAsync(items.Deserialize(ref reader, options), CancellationToken.None).AsTask().GetAwaiter().GetResult();
            writer.WriteNil();
        }
    }
}
