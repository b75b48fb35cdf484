using System;
using System.Buffers;
using System.Reflection;
using System.Threading;
using MessagePack;
using ParallelGen.Generated;

namespace ParallelGen.Remote;

/// <summary>
/// One remote item for a batch of <see cref="DelayedCall{TResult}"/>s whose methods differ: the id of the call's
/// intercepted method (registered by the generated module initializer of its call site's assembly) and its arguments,
/// already written as a one-item batch of that method. The worker answers with the method's one-item result batch.
/// </summary>
internal readonly struct InterceptedCallBody : IParallelFunc<(string MethodId, byte[] Batch), byte[]>, IRemoteBody, IRemoteAssembly
{
    /// <summary>The envelope's own id in the remote method registry (built in, registered in every process).</summary>
    internal const string Id = "ParallelGen:InterceptedCall";

    private readonly Assembly? _assembly;

    internal InterceptedCallBody(Assembly assembly) => _assembly = assembly;

    public string MethodId => Id;

    public bool ObservesCancellation => true;

    /// <summary>The assembly whose module initializers register the intercepted methods (its workers run them).</summary>
    public Assembly? Assembly => _assembly;

    public byte[] Invoke((string MethodId, byte[] Batch) item, CancellationToken cancellationToken)
    {
        if (!RemoteMethodRegistry.TryGet(item.MethodId, out IBatchInvoker invoker, out _))
        {
            throw new InvalidOperationException(
                $"The intercepted method '{item.MethodId}' is not registered in process {Environment.ProcessId}: its call site's generated registration did not run here.");
        }

        var reader = new MessagePackReader(item.Batch);
        var buffer = new ArrayBufferWriter<byte>();
        var writer = new MessagePackWriter(buffer);
        int index = 0;
        invoker.InvokeBatch(ref reader, ref writer, ref index, cancellationToken);
        writer.Flush();
        return buffer.WrittenSpan.ToArray();
    }
}

/// <summary>
/// A remote body whose workers must load another assembly than the body type's own (the envelope above is declared in
/// ParallelGen, the methods it runs in the user's assembly).
/// </summary>
internal interface IRemoteAssembly
{
    Assembly? Assembly { get; }
}

/// <summary>
/// The descriptor an intercepted <c>Delayed.Call(F, …)</c> carries beside its local delegate: the generated body's
/// method id and the typed arguments, written for a worker only when the call actually goes to one.
/// </summary>
/// <typeparam name="TResult">The call's result type.</typeparam>
internal abstract class RemoteCallDescriptor<TResult>
{
    internal abstract string MethodId { get; }

    internal abstract Assembly Assembly { get; }

    /// <summary>The arguments as a one-item batch of the method (what its batch invoker reads).</summary>
    internal abstract byte[] WriteBatch();

    /// <summary>Reads the result from the method's one-item result batch.</summary>
    internal static TResult ReadResult(byte[] batch)
    {
        MessagePackSerializerOptions options = RemoteSerializer.Options;
        var reader = new MessagePackReader(batch);
        int count = reader.ReadArrayHeader();
        if (count != 1)
        {
            throw new InvalidOperationException($"An intercepted call's worker answered {count} results instead of 1.");
        }

        return options.Resolver.GetFormatterWithVerify<TResult>().Deserialize(ref reader, options);
    }
}

/// <inheritdoc/>
internal sealed class RemoteCallDescriptor<TArgs, TResult, TBody>(TArgs arguments) : RemoteCallDescriptor<TResult>
    where TBody : struct, IParallelFunc<TArgs, TResult>, IRemoteBody
{
    internal override string MethodId => default(TBody).MethodId;

    internal override Assembly Assembly => typeof(TBody).Assembly;

    internal override byte[] WriteBatch()
    {
        MessagePackSerializerOptions options = RemoteSerializer.Options;
        var buffer = new ArrayBufferWriter<byte>();
        var writer = new MessagePackWriter(buffer);
        writer.WriteArrayHeader(1);
        options.Resolver.GetFormatterWithVerify<TArgs>().Serialize(ref writer, arguments, options);
        writer.Flush();
        return buffer.WrittenSpan.ToArray();
    }
}
