using System;
using System.Buffers;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Threading;
using MessagePack;
using ParallelGen.Remote;

namespace ParallelGen.Orleans;

/// <summary>
/// What a slot grain does with a batch, inside a silo: finds the method by id in the remote layer's registry (loading
/// its assembly by name on first use, which runs the generated registration), runs the batch through its
/// <see cref="IBatchInvoker"/>, and writes a <see cref="SlotReply"/>.
/// </summary>
internal static class SiloExecutor
{
    private static readonly object s_loadLock = new();

    internal static byte[] Run(string methodId, string assemblyName, int start, ReadOnlySequence<byte> items, CancellationToken cancellationToken)
    {
        // The reply's size is not the items' (a 10 MB argument whose length comes back): a pooled buffer, not a new
        // array as large as the items (see PooledBuffer).
        var buffer = new PooledBuffer();
        RemoteBatch.Start = start; // ParallelContext.ItemIndex = start + the item's position in the batch
        try
        {
            return Run(methodId, assemblyName, items, buffer, cancellationToken);
        }
        finally
        {
            RemoteBatch.Start = -1; // a thread-pool thread: the next work it runs is not this batch's
            buffer.Return();
            SiloJitProfile.BatchRan();
        }
    }

    private static byte[] Run(string methodId, string assemblyName, ReadOnlySequence<byte> items, PooledBuffer buffer, CancellationToken cancellationToken)
    {
        int index = -1;
        try
        {
            IBatchInvoker invoker = Find(methodId, assemblyName);
            var writer = new MessagePackWriter(buffer);
            writer.Write(SlotReply.Results);
            writer.Write(Environment.ProcessId);
            var reader = new MessagePackReader(items);
            using (ParallelContext.EnterBody())
            {
                invoker.InvokeBatch(ref reader, ref writer, ref index, cancellationToken);
            }

            writer.Flush();
            return buffer.WrittenSpan.ToArray();
        }
        catch (Exception ex)
        {
            buffer.Clear();
            var writer = new MessagePackWriter(buffer);
            writer.Write(SlotReply.Error);
            writer.Write(Environment.ProcessId);
            writer.Write(index);
            ExceptionCodec.Write(ref writer, ex);
            writer.Flush();
            return buffer.WrittenSpan.ToArray();
        }
    }

    private static IBatchInvoker Find(string methodId, string assemblyName)
    {
        if (RemoteMethodRegistry.TryGet(methodId, out IBatchInvoker invoker, out _))
        {
            return invoker;
        }

        lock (s_loadLock)
        {
            try
            {
                Assembly assembly = Assembly.Load(new AssemblyName(assemblyName));
                RuntimeHelpers.RunModuleConstructor(assembly.ManifestModule.ModuleHandle);
            }
            catch (Exception ex) when (ex is System.IO.FileNotFoundException or System.IO.FileLoadException or BadImageFormatException)
            {
                throw new MissingRemoteMethodException(
                    $"The silo {SiloHost.Describe()} cannot load the assembly '{assemblyName}' that declares '{methodId}': {ex.Message} " +
                    "Silos must run the same application build as the driver.");
            }
        }

        return RemoteMethodRegistry.TryGet(methodId, out invoker, out _)
            ? invoker
            : throw new MissingRemoteMethodException(
                $"The silo {SiloHost.Describe()} has no method '{methodId}' in '{assemblyName}'. Silos must run the same application build as the driver.");
    }
}

/// <summary>The layout of a slot grain's reply: a status, the silo's process id, then the results or the error.</summary>
internal static class SlotReply
{
    /// <summary>Then the results array (<see cref="IBatchInvoker"/>'s output).</summary>
    internal const int Results = 0;

    /// <summary>Then the position in the batch of the item that threw (-1: none), then <see cref="ExceptionCodec"/>'s exception.</summary>
    internal const int Error = 1;
}
