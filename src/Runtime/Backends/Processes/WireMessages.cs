using System;
using System.IO;
using MessagePack;
using MessagePack.Formatters;
using ParallelGen.Remote;

namespace ParallelGen.Backends.Processes;

/// <summary>What a <see cref="FrameType.Call"/> says before its items.</summary>
/// <param name="MethodId">The method's stable id (<see cref="RemoteMethodRegistry"/>).</param>
/// <param name="MeasureMemory">Whether the worker reports its working set after the batch (a memory ceiling is set).</param>
/// <param name="Spin">Whether the worker polls briefly for the next call (the parent says cores are free).</param>
/// <param name="TraceParent">The W3C traceparent of the parent's batch activity, so the worker's activity is its child; null when nobody traces.</param>
/// <param name="Start">The batch's first item index in the call's input (<see cref="ParallelContext.ItemIndex"/>); -1 when not known.</param>
/// <param name="Workers">How many workers the parent's call runs (nested calls in the worker get cpus / workers); 0 when not known.</param>
internal readonly record struct CallHeader(string MethodId, bool MeasureMemory, bool Spin, string? TraceParent = null, int Start = -1, int Workers = 0);

/// <summary>
/// Every message between a parent and a worker process, each written and read here, side by side (like CPython's
/// <c>_CallItem</c>/<c>_ResultItem</c>): the payload of each <see cref="FrameType"/>, in MessagePack. A frame is begun with
/// <see cref="FrameChannel.BeginFrame"/>; the write methods fill its payload, the read methods take the payload
/// <see cref="FrameChannel.TryRead"/> returned.
/// </summary>
internal static class WireMessages
{
    /// <summary><see cref="FrameType.Hello"/>, worker → parent once: the token it was started with and its process id.</summary>
    internal static void WriteHello(FrameBuffer frame, string token, int processId)
    {
        FrameChannel.BeginFrame(frame);
        var writer = new MessagePackWriter(frame);
        writer.Write(token);
        writer.Write(processId);
        writer.Flush();
    }

    internal static (string? Token, int ProcessId) ReadHello(ReadOnlyMemory<byte> payload)
    {
        var reader = new MessagePackReader(payload);
        string? token = reader.ReadString();
        return (token, reader.ReadInt32());
    }

    /// <summary><see cref="FrameType.Call"/>, parent → worker: the header, then the batch's items as an array.</summary>
    internal static void WriteCall<TItem>(FrameBuffer frame, in CallHeader header, System.Collections.Generic.IReadOnlyList<TItem> items, int start, int count, IMessagePackFormatter<TItem> formatter)
    {
        MessagePackSerializerOptions options = RemoteSerializer.Options;
        FrameChannel.BeginFrame(frame);
        var writer = new MessagePackWriter(frame);
        writer.Write(header.MethodId);
        writer.Write(header.MeasureMemory);
        writer.Write(header.Spin);
        writer.Write(header.TraceParent); // W3C traceparent of the batch's activity, or nil when nobody traces
        writer.Write(header.Start);
        writer.Write(header.Workers);
        writer.WriteArrayHeader(count);
        for (int i = start; i < start + count; i++)
        {
            formatter.Serialize(ref writer, items[i], options);
        }

        writer.Flush();
    }

    /// <summary>Reads a call's header; the items array follows, read by the method's <see cref="IBatchInvoker"/>.</summary>
    internal static CallHeader ReadCallHeader(ref MessagePackReader reader)
    {
        string methodId = reader.ReadString() ?? "";
        bool measureMemory = reader.ReadBoolean();
        bool spin = reader.ReadBoolean();
        string? traceParent = reader.TryReadNil() ? null : reader.ReadString();
        int start = reader.ReadInt32();
        int workers = reader.ReadInt32();
        return new CallHeader(methodId, measureMemory, spin, traceParent, start, workers);
    }

    /// <summary>
    /// <see cref="FrameType.Result"/>, worker → parent: the results array (written by the <see cref="IBatchInvoker"/> as
    /// it runs the items), then this trailer: the working set after the batch, or -1 when not measured.
    /// </summary>
    internal static void WriteResultTrailer(ref MessagePackWriter writer, long workingSet) => writer.Write(workingSet);

    /// <summary>
    /// Reads a result: stores the <paramref name="count"/> results at <paramref name="start"/> in
    /// <paramref name="results"/> (skips them when it is <see langword="null"/>) and returns the working set.
    /// </summary>
    internal static long ReadResults<TResult>(ReadOnlyMemory<byte> payload, TResult[]? results, int start, int count, IMessagePackFormatter<TResult> formatter)
    {
        MessagePackSerializerOptions options = RemoteSerializer.Options;
        var reader = new MessagePackReader(payload);
        int n = reader.ReadArrayHeader();
        if (n != count)
        {
            throw new InvalidDataException($"A ParallelGen worker returned {n} results for {count} items.");
        }

        if (results is null)
        {
            for (int i = 0; i < count; i++)
            {
                reader.Skip();
            }
        }
        else
        {
            for (int i = 0; i < count; i++)
            {
                results[start + i] = formatter.Deserialize(ref reader, options);
            }
        }

        return reader.ReadInt64();
    }

    /// <summary>
    /// <see cref="FrameType.Error"/>, worker → parent: the position in the batch of the item that threw (-1 when no item
    /// is to blame), then the exception (<see cref="ExceptionCodec"/>).
    /// </summary>
    internal static void WriteError(FrameBuffer frame, int index, Exception exception)
    {
        FrameChannel.BeginFrame(frame);
        var writer = new MessagePackWriter(frame);
        writer.Write(index);
        ExceptionCodec.Write(ref writer, exception);
        writer.Flush();
    }

    internal static (int Index, Exception Error) ReadError(ReadOnlyMemory<byte> payload, int processId)
    {
        var reader = new MessagePackReader(payload);
        int index = reader.ReadInt32();
        return (index, ExceptionCodec.Read(ref reader, processId));
    }

    /// <summary><see cref="FrameType.Output"/>, worker → parent: one line the worker wrote to its console.</summary>
    internal static void WriteOutput(FrameBuffer frame, string line)
    {
        FrameChannel.BeginFrame(frame);
        var writer = new MessagePackWriter(frame);
        writer.Write(line);
        writer.Flush();
    }

    internal static string ReadOutput(ReadOnlyMemory<byte> payload)
    {
        var reader = new MessagePackReader(payload);
        return reader.ReadString() ?? "";
    }
}
