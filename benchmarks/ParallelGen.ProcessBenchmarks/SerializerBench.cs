using System;
using System.Buffers;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using System.Text.Json;
using MemoryPack;
using MessagePack;
using MessagePack.Formatters;
using MessagePack.Resolvers;

namespace ParallelGen.ProcessBenchmarks;

/// <summary>One serializer: serialize into a reused buffer, deserialize from it.</summary>
internal interface ISerializer
{
    string Name { get; }

    void Serialize<T>(ArrayBufferWriter<byte> buffer, T value);

    T Deserialize<T>(ReadOnlyMemory<byte> data);

    /// <summary>A batch of items, as the backend sends a batch: by default the serializer's own array of them.</summary>
    void SerializeBatch<T>(ArrayBufferWriter<byte> buffer, T[] values) => Serialize(buffer, values);

    T[] DeserializeBatch<T>(ReadOnlyMemory<byte> data) => Deserialize<T[]>(data);
}

internal sealed class MessagePackContractless : ISerializer
{
    // Exactly the backend's options (src/Runtime/Remote/RemoteSerializer.cs).
    private static readonly MessagePackSerializerOptions s_options = MessagePackSerializerOptions.Standard
        .WithResolver(ContractlessStandardResolver.Instance)
        .WithSecurity(MessagePackSecurity.UntrustedData);

    public string Name => "MessagePack 2.5.307 contractless";

    public void Serialize<T>(ArrayBufferWriter<byte> buffer, T value) => MessagePackSerializer.Serialize(buffer, value, s_options);

    public T Deserialize<T>(ReadOnlyMemory<byte> data) => MessagePackSerializer.Deserialize<T>(data, s_options);
}

internal sealed class SystemTextJson : ISerializer
{
    private static readonly JsonSerializerOptions s_options = new() { IncludeFields = true };

    public string Name => "System.Text.Json (reflection, IncludeFields)";

    public void Serialize<T>(ArrayBufferWriter<byte> buffer, T value)
    {
        using var writer = new Utf8JsonWriter(buffer);
        JsonSerializer.Serialize(writer, value, s_options);
    }

    public T Deserialize<T>(ReadOnlyMemory<byte> data) => JsonSerializer.Deserialize<T>(data.Span, s_options)!;
}

internal sealed class MemoryPackSerializerAdapter : ISerializer
{
    public string Name => "MemoryPack 1.21.4 ([MemoryPackable])";

    public void Serialize<T>(ArrayBufferWriter<byte> buffer, T value) => MemoryPackSerializer.Serialize(buffer, value);

    public T Deserialize<T>(ReadOnlyMemory<byte> data) => MemoryPackSerializer.Deserialize<T>(data.Span)!;
}

/// <summary>
/// The formatters the generator wrote for the benchmark's remote methods (Targets.cs), through a MessagePackWriter and
/// MessagePackReader with the backend's options: exactly what WireMessages does per item.
/// </summary>
internal sealed class GeneratedFormatters : ISerializer
{
    private static readonly Dictionary<Type, object> s_formatters = Find();

    public string Name => "ParallelGen generated (MessagePack)";

    public void Serialize<T>(ArrayBufferWriter<byte> buffer, T value)
    {
        var writer = new MessagePackWriter(buffer);
        Cache<T>.Formatter.Serialize(ref writer, value, ParallelGen.Remote.RemoteSerializer.Options);
        writer.Flush();
    }

    public T Deserialize<T>(ReadOnlyMemory<byte> data)
    {
        var reader = new MessagePackReader(data);
        return Cache<T>.Formatter.Deserialize(ref reader, ParallelGen.Remote.RemoteSerializer.Options);
    }

    /// <summary>Exactly WireMessages.WriteCall and the worker's batch loop: an array header, then each item's formatter.</summary>
    public void SerializeBatch<T>(ArrayBufferWriter<byte> buffer, T[] values)
    {
        var writer = new MessagePackWriter(buffer);
        IMessagePackFormatter<T> formatter = Cache<T>.Formatter;
        writer.WriteArrayHeader(values.Length);
        foreach (T value in values)
        {
            formatter.Serialize(ref writer, value, ParallelGen.Remote.RemoteSerializer.Options);
        }

        writer.Flush();
    }

    public T[] DeserializeBatch<T>(ReadOnlyMemory<byte> data)
    {
        var reader = new MessagePackReader(data);
        IMessagePackFormatter<T> formatter = Cache<T>.Formatter;
        var values = new T[reader.ReadArrayHeader()];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = formatter.Deserialize(ref reader, ParallelGen.Remote.RemoteSerializer.Options);
        }

        return values;
    }

    private static class Cache<T>
    {
        internal static readonly IMessagePackFormatter<T> Formatter = (IMessagePackFormatter<T>)s_formatters[typeof(T)];
    }

    /// <summary>The item formatter of every remote method of <see cref="Remote"/>, by type (reflection: benchmark set-up only).</summary>
    private static Dictionary<Type, object> Find()
    {
        var found = new Dictionary<Type, object>();
        foreach (Type body in typeof(Remote).GetNestedTypes(System.Reflection.BindingFlags.NonPublic))
        {
            if (!typeof(ParallelGen.Generated.IRemoteBody).IsAssignableFrom(body))
            {
                continue;
            }

            string id = ((ParallelGen.Generated.IRemoteBody)Activator.CreateInstance(body)!).MethodId;
            if (ParallelGen.Remote.RemoteMethodRegistry.TryGet(id, out ParallelGen.Remote.IBatchInvoker invoker, out _) && invoker.ItemFormatter is { } formatter)
            {
                Type t = formatter.GetType().GetInterfaces()
                    .First(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IMessagePackFormatter<>)).GetGenericArguments()[0];
                found[t] = formatter;
            }
        }

        return found;
    }
}

internal sealed record SerializerRow(string Serializer, string Payload, double NsPerOp, int Bytes, double FirstUseUs);

internal static class SerializerBench
{
    internal const string FirstUseSwitch = "--serializer-first-use";

    internal static readonly ISerializer[] All = [new MessagePackContractless(), new SystemTextJson(), new MemoryPackSerializerAdapter(), new GeneratedFormatters()];

    private static readonly double[] s_doubles = [.. Enumerable.Range(0, 1000).Select(i => i * 1.000001)];

    /// <summary>The payloads: name, and a round trip that returns the serialized size.</summary>
    /// <summary>How many items the batch payloads hold (their ns/op and bytes are per item).</summary>
    internal const int Batch = 100;

    private static IEnumerable<(string Name, Func<ISerializer, ArrayBufferWriter<byte>, int> RoundTrip)> Payloads()
    {
        SmallRecord[] smallBatch = [.. Enumerable.Range(0, Batch).Select(i => new SmallRecord(i, "item " + i, i * 0.5, i % 2 == 0))];
        double[][] doublesBatch = [.. Enumerable.Range(0, Batch / 10).Select(_ => s_doubles)];
        var small = new SmallRecord(42, "forty-two", 3.14159, true);
        var bag = Bag.Create();
        (int, string, double) tuple = (7, "seven", 7.5);
        yield return ("int", (s, b) => RoundTrip(s, b, 123456));
        yield return ("small record", (s, b) => RoundTrip(s, b, small));
        yield return ("double[1000]", (s, b) => RoundTrip(s, b, s_doubles));
        yield return ("class with List<int>(100) + Dictionary<string,int>(20)", (s, b) => RoundTrip(s, b, bag));
        yield return ("(int, string, double) tuple", (s, b) => RoundTrip(s, b, tuple));
        yield return ($"small record, per item of a batch of {Batch}", (s, b) => RoundTripBatch(s, b, smallBatch));
        yield return ($"double[1000], per item of a batch of {Batch / 10}", (s, b) => RoundTripBatch(s, b, doublesBatch));
    }

    /// <summary>A batch there and back; returns the bytes per item (the run divides the time by the count too).</summary>
    private static int RoundTripBatch<T>(ISerializer serializer, ArrayBufferWriter<byte> buffer, T[] values)
    {
        buffer.ResetWrittenCount();
        serializer.SerializeBatch(buffer, values);
        T[] back = serializer.DeserializeBatch<T>(buffer.WrittenMemory);
        if (back.Length != values.Length)
        {
            throw new InvalidOperationException("count");
        }

        return -(buffer.WrittenCount / values.Length); // negative: a batch payload, per item
    }

    private static int RoundTrip<T>(ISerializer serializer, ArrayBufferWriter<byte> buffer, T value)
    {
        buffer.ResetWrittenCount();
        serializer.Serialize(buffer, value);
        T back = serializer.Deserialize<T>(buffer.WrittenMemory);
        if (back is null)
        {
            throw new InvalidOperationException("null");
        }

        return buffer.WrittenCount;
    }

    /// <summary>In a fresh process: the first round trip of each payload (type set-up, code generation, JIT).</summary>
    internal static int FirstUse(string serializerIndex)
    {
        ISerializer s = All[int.Parse(serializerIndex, CultureInfo.InvariantCulture)];
        var buffer = new ArrayBufferWriter<byte>();
        var firsts = new List<string>();
        foreach ((string _, Func<ISerializer, ArrayBufferWriter<byte>, int> roundTrip) in Payloads())
        {
            long t = Stopwatch.GetTimestamp();
            roundTrip(s, buffer);
            firsts.Add(Stopwatch.GetElapsedTime(t).TotalMicroseconds.ToString("R", CultureInfo.InvariantCulture));
        }

        Console.WriteLine(string.Join(' ', firsts));
        return 0;
    }

    internal static List<SerializerRow> Run(Options o)
    {
        var rows = new List<SerializerRow>();
        var payloads = Payloads().ToList();
        for (int si = 0; si < All.Length; si++)
        {
            ISerializer s = All[si];
            double[] firsts = [.. ProcessBench.RunSelf(FirstUseSwitch, si.ToString(CultureInfo.InvariantCulture))
                .Split(' ').Select(x => double.Parse(x, CultureInfo.InvariantCulture))];
            var buffer = new ArrayBufferWriter<byte>();
            for (int pi = 0; pi < payloads.Count; pi++)
            {
                (string name, Func<ISerializer, ArrayBufferWriter<byte>, int> roundTrip) = payloads[pi];
                int bytes = roundTrip(s, buffer);
                int perOp = 1;
                if (bytes < 0)
                {
                    bytes = -bytes;
                    perOp = name.Contains("double", StringComparison.Ordinal) ? Batch / 10 : Batch;
                }

                // Calibrate to ~20 ms per measurement, then take the median of several.
                int iterations = 1;
                while (true)
                {
                    long t = Stopwatch.GetTimestamp();
                    for (int i = 0; i < iterations; i++)
                    {
                        roundTrip(s, buffer);
                    }

                    if (Stopwatch.GetElapsedTime(t).TotalMilliseconds > 20 || iterations > 1 << 24)
                    {
                        break;
                    }

                    iterations *= 2;
                }

                var ns = new List<double>();
                for (int m = 0; m < o.Repeats(9); m++)
                {
                    long t = Stopwatch.GetTimestamp();
                    for (int i = 0; i < iterations; i++)
                    {
                        roundTrip(s, buffer);
                    }

                    ns.Add(Stopwatch.GetElapsedTime(t).TotalNanoseconds / iterations / perOp);
                }

                // The best of the repeats: on a shared machine, the minimum is the least disturbed estimate.
                rows.Add(new SerializerRow(s.Name, name, new Sample(ns).Min, bytes, firsts[pi]));
            }
        }

        return rows;
    }

    internal static void Print(List<SerializerRow> rows)
    {
        Console.WriteLine();
        Console.WriteLine("Serializers: serialize + deserialize per op (best of 9 runs of ~20 ms), bytes, first use in a fresh process (payloads in this order)");
        Console.WriteLine($"  {"payload",-56} {"serializer",-46} {"ns/op",10} {"bytes",7} {"first use",10} {"vs MessagePack",15}");
        foreach (IGrouping<string, SerializerRow> g in rows.GroupBy(r => r.Payload))
        {
            double mp = g.First().NsPerOp;
            foreach (SerializerRow r in g)
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"  {r.Payload,-56} {r.Serializer,-46} {r.NsPerOp,10:0} {r.Bytes,7} {Fmt.Us(r.FirstUseUs),10} {r.NsPerOp / mp,14:0.00}×"));
            }
        }
    }
}
