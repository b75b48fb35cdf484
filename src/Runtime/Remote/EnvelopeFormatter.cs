using System.Buffers;
using MessagePack;
using MessagePack.Formatters;

namespace ParallelGen.Remote;

/// <summary>
/// The items of the runtime's own envelopes (<see cref="InterceptedCallBody"/>: method id and one-item batch;
/// <see cref="InitializedCallBody"/>: initializer, its arguments or nil, executor, method id and batch), written by hand: MessagePack's tuple
/// formatters are generic types made at run time, which a Native AOT program cannot do. An array of the elements, as
/// MessagePack writes a tuple.
/// </summary>
internal sealed class EnvelopeFormatter :
    IMessagePackFormatter<(string MethodId, byte[] Batch)>,
    IMessagePackFormatter<(string Initializer, byte[]? Arguments, string Executor, string MethodId, byte[] Batch)>
{
    private static readonly EnvelopeFormatter s_instance = new();

    internal static object? For(System.Type type) =>
        type == typeof((string, byte[])) || type == typeof((string, byte[]?, string, string, byte[])) ? s_instance : null;

    public void Serialize(ref MessagePackWriter writer, (string MethodId, byte[] Batch) value, MessagePackSerializerOptions options)
    {
        writer.WriteArrayHeader(2);
        writer.Write(value.MethodId);
        writer.Write(value.Batch);
    }

    public (string MethodId, byte[] Batch) Deserialize(ref MessagePackReader reader, MessagePackSerializerOptions options)
    {
        Expect(ref reader, 2);
        return (ReadString(ref reader), ReadBytes(ref reader));
    }

    public void Serialize(ref MessagePackWriter writer, (string Initializer, byte[]? Arguments, string Executor, string MethodId, byte[] Batch) value, MessagePackSerializerOptions options)
    {
        writer.WriteArrayHeader(5);
        writer.Write(value.Initializer);
        if (value.Arguments is null)
        {
            writer.WriteNil();
        }
        else
        {
            writer.Write(value.Arguments);
        }

        writer.Write(value.Executor);
        writer.Write(value.MethodId);
        writer.Write(value.Batch);
    }

    (string Initializer, byte[]? Arguments, string Executor, string MethodId, byte[] Batch) IMessagePackFormatter<(string Initializer, byte[]? Arguments, string Executor, string MethodId, byte[] Batch)>.Deserialize(
        ref MessagePackReader reader, MessagePackSerializerOptions options)
    {
        Expect(ref reader, 5);
        string initializer = ReadString(ref reader);
        byte[]? arguments = reader.TryReadNil() ? null : ReadBytes(ref reader);
        return (initializer, arguments, ReadString(ref reader), ReadString(ref reader), ReadBytes(ref reader));
    }

    private static void Expect(ref MessagePackReader reader, int count)
    {
        if (reader.ReadArrayHeader() != count)
        {
            throw new MessagePackSerializationException($"A ParallelGen call envelope has {count} elements.");
        }
    }

    private static string ReadString(ref MessagePackReader reader) =>
        reader.ReadString() ?? throw new MessagePackSerializationException("A ParallelGen call envelope's id is missing.");

    private static byte[] ReadBytes(ref MessagePackReader reader) =>
        reader.ReadBytes()?.ToArray() ?? throw new MessagePackSerializationException("A ParallelGen call envelope's batch is missing.");
}
