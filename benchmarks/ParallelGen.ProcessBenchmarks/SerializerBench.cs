using System;
using System.Buffers;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using System.Text.Json;
using MemoryPack;
using MessagePack;
using MessagePack.Resolvers;

namespace ParallelGen.ProcessBenchmarks;

/// <summary>One serializer: serialize into a reused buffer, deserialize from it.</summary>
internal interface ISerializer
{
    string Name { get; }

    void Serialize<T>(ArrayBufferWriter<byte> buffer, T value);

    T Deserialize<T>(ReadOnlyMemory<byte> data);
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

internal sealed record SerializerRow(string Serializer, string Payload, double NsPerOp, int Bytes, double FirstUseUs);

internal static class SerializerBench
{
    internal const string FirstUseSwitch = "--serializer-first-use";

    internal static readonly ISerializer[] All = [new MessagePackContractless(), new SystemTextJson(), new MemoryPackSerializerAdapter()];

    private static readonly double[] s_doubles = [.. Enumerable.Range(0, 1000).Select(i => i * 1.000001)];

    /// <summary>The payloads: name, and a round trip that returns the serialized size.</summary>
    private static IEnumerable<(string Name, Func<ISerializer, ArrayBufferWriter<byte>, int> RoundTrip)> Payloads()
    {
        var small = new SmallRecord(42, "forty-two", 3.14159, true);
        var bag = Bag.Create();
        (int, string, double) tuple = (7, "seven", 7.5);
        yield return ("int", (s, b) => RoundTrip(s, b, 123456));
        yield return ("small record", (s, b) => RoundTrip(s, b, small));
        yield return ("double[1000]", (s, b) => RoundTrip(s, b, s_doubles));
        yield return ("class with List<int>(100) + Dictionary<string,int>(20)", (s, b) => RoundTrip(s, b, bag));
        yield return ("(int, string, double) tuple", (s, b) => RoundTrip(s, b, tuple));
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

                    ns.Add(Stopwatch.GetElapsedTime(t).TotalNanoseconds / iterations);
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
