using System;
using System.Collections.Frozen;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using MessagePack;
using MessagePack.Formatters;
using MessagePack.Resolvers;

namespace ParallelGen.Remote;

/// <summary>
/// How arguments and results cross between processes: MessagePack with the contractless resolver, so plain records,
/// classes and structs with public members, arrays, lists, dictionaries, tuples, enums and primitives need no
/// attributes. Types are never named in the data (no typeless/polymorphic resolver), and the untrusted-data security
/// settings bound the depth and hash-flooding of what is read. See docs/processes.md for the measured comparison.
/// </summary>
internal static class RemoteSerializer
{
    internal static readonly MessagePackSerializerOptions Options =
        new MessagePackSerializerOptions(ProcessResolver.Instance).WithSecurity(MessagePackSecurity.UntrustedData);

    /// <summary>
    /// Resolves the formatters of a call's types in the background (while a worker starts, say), once per pair of
    /// types: later calls find them resolved.
    /// </summary>
    internal static void Prewarm<TItem, TResult>()
    {
        if (Interlocked.Exchange(ref Prewarmed<TItem, TResult>.Started, 1) == 0)
        {
            _ = Task.Run(static () =>
            {
                _ = ProcessResolver.Instance.GetFormatter<TItem>();
                _ = ProcessResolver.Instance.GetFormatter<TResult>();
            });
        }
    }

    private static class Prewarmed<TItem, TResult>
    {
        internal static int Started;
    }

    /// <summary>
    /// The built-in formatters first, the contractless resolver only for other types: the same formatters as
    /// <see cref="ContractlessStandardResolver"/>, but a call with only primitive types never pays for setting up
    /// MessagePack's dynamic code generation (tens of milliseconds of a worker's cold start).
    /// </summary>
    private sealed class ProcessResolver : IFormatterResolver
    {
        internal static readonly ProcessResolver Instance = new();

        public IMessagePackFormatter<T>? GetFormatter<T>() => Cache<T>.Formatter;

        private static class Cache<T>
        {
            internal static readonly IMessagePackFormatter<T>? Formatter =
                (IMessagePackFormatter<T>?)(WideIntegerFormatter.For(typeof(T)) ?? FrozenCollectionFormatter.For(typeof(T))
                    ?? SharedMemory.SharedMemoryFormatters.For(typeof(T))) // hook: SharedArray<T> handles, large primitive arrays
                ?? BuiltinResolver.Instance.GetFormatter<T>() ?? Contractless();

            private static IMessagePackFormatter<T>? Contractless() =>
                ContractlessStandardResolver.Instance.GetFormatter<T>();
        }
    }
}

/// <summary>
/// <see cref="Int128"/> and <see cref="UInt128"/>, which MessagePack 2.5 has no formatter for (its contractless
/// resolver fails on them): two 64-bit halves, upper first.
/// </summary>
internal sealed class WideIntegerFormatter : IMessagePackFormatter<Int128>, IMessagePackFormatter<UInt128>
{
    private static readonly WideIntegerFormatter s_instance = new();

    internal static object? For(System.Type type) =>
        type == typeof(Int128) || type == typeof(UInt128) ? s_instance : null;

    public void Serialize(ref MessagePackWriter writer, Int128 value, MessagePackSerializerOptions options) =>
        Serialize(ref writer, (UInt128)value, options);

    Int128 IMessagePackFormatter<Int128>.Deserialize(ref MessagePackReader reader, MessagePackSerializerOptions options) =>
        (Int128)Deserialize(ref reader, options);

    public void Serialize(ref MessagePackWriter writer, UInt128 value, MessagePackSerializerOptions options)
    {
        writer.WriteArrayHeader(2);
        writer.Write((ulong)(value >> 64));
        writer.Write((ulong)value);
    }

    public UInt128 Deserialize(ref MessagePackReader reader, MessagePackSerializerOptions options)
    {
        if (reader.ReadArrayHeader() != 2)
        {
            throw new MessagePackSerializationException("A 128-bit integer is written as two 64-bit halves.");
        }

        ulong upper = reader.ReadUInt64();
        ulong lower = reader.ReadUInt64();
        return new UInt128(upper, lower);
    }
}

/// <summary>
/// <see cref="FrozenSet{T}"/> and <see cref="FrozenDictionary{TKey, TValue}"/>, which MessagePack 2.5 does not know:
/// written as an array and a map, frozen again when read.
/// </summary>
internal static class FrozenCollectionFormatter
{
    internal static object? For(Type type)
    {
        if (!type.IsGenericType)
        {
            return null;
        }

        Type definition = type.GetGenericTypeDefinition();
        Type? formatter = definition == typeof(FrozenSet<>) ? typeof(FrozenSetFormatter<>)
            : definition == typeof(FrozenDictionary<,>) ? typeof(FrozenDictionaryFormatter<,>)
            : null;
        return formatter is null ? null : Activator.CreateInstance(formatter.MakeGenericType(type.GetGenericArguments()));
    }
}

internal sealed class FrozenSetFormatter<T> : IMessagePackFormatter<FrozenSet<T>?>
{
    public void Serialize(ref MessagePackWriter writer, FrozenSet<T>? value, MessagePackSerializerOptions options)
    {
        if (value is null)
        {
            writer.WriteNil();
            return;
        }

        IMessagePackFormatter<T> element = options.Resolver.GetFormatterWithVerify<T>();
        writer.WriteArrayHeader(value.Count);
        foreach (T item in value)
        {
            element.Serialize(ref writer, item, options);
        }
    }

    public FrozenSet<T>? Deserialize(ref MessagePackReader reader, MessagePackSerializerOptions options)
    {
        if (reader.TryReadNil())
        {
            return null;
        }

        IMessagePackFormatter<T> element = options.Resolver.GetFormatterWithVerify<T>();
        int count = reader.ReadArrayHeader();
        var items = new List<T>(count);
        options.Security.DepthStep(ref reader);
        try
        {
            for (int i = 0; i < count; i++)
            {
                items.Add(element.Deserialize(ref reader, options));
            }
        }
        finally
        {
            reader.Depth--;
        }

        return items.ToFrozenSet();
    }
}

internal sealed class FrozenDictionaryFormatter<TKey, TValue> : IMessagePackFormatter<FrozenDictionary<TKey, TValue>?>
    where TKey : notnull
{
    public void Serialize(ref MessagePackWriter writer, FrozenDictionary<TKey, TValue>? value, MessagePackSerializerOptions options)
    {
        if (value is null)
        {
            writer.WriteNil();
            return;
        }

        IMessagePackFormatter<TKey> key = options.Resolver.GetFormatterWithVerify<TKey>();
        IMessagePackFormatter<TValue> item = options.Resolver.GetFormatterWithVerify<TValue>();
        writer.WriteMapHeader(value.Count);
        foreach (KeyValuePair<TKey, TValue> pair in value)
        {
            key.Serialize(ref writer, pair.Key, options);
            item.Serialize(ref writer, pair.Value, options);
        }
    }

    public FrozenDictionary<TKey, TValue>? Deserialize(ref MessagePackReader reader, MessagePackSerializerOptions options)
    {
        if (reader.TryReadNil())
        {
            return null;
        }

        IMessagePackFormatter<TKey> key = options.Resolver.GetFormatterWithVerify<TKey>();
        IMessagePackFormatter<TValue> item = options.Resolver.GetFormatterWithVerify<TValue>();
        int count = reader.ReadMapHeader();
        var pairs = new Dictionary<TKey, TValue>(count, options.Security.GetEqualityComparer<TKey>());
        options.Security.DepthStep(ref reader);
        try
        {
            for (int i = 0; i < count; i++)
            {
                TKey k = key.Deserialize(ref reader, options);
                pairs.Add(k, item.Deserialize(ref reader, options));
            }
        }
        finally
        {
            reader.Depth--;
        }

        return pairs.ToFrozenDictionary();
    }
}
