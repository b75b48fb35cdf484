using System;
using System.Collections.Frozen;
using System.Collections.Generic;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using System.Threading;
using System.Threading.Tasks;
using MessagePack;
using MessagePack.Formatters;
using MessagePack.Resolvers;

namespace ParallelGen.Remote;

/// <summary>
/// How arguments and results cross between processes: MessagePack, through the formatters the generator wrote for the
/// method's types (registered with the method, <see cref="FormattersOf{TItem, TResult}"/>). Only a method without
/// them (its types failed PG0006) and the types the generator leaves to MessagePack (docs/processes.md, "What
/// crosses") use this resolver: built-in formatters first, the contractless resolver for the rest. Types are never
/// named in the data (no typeless/polymorphic resolver), and the untrusted-data security settings bound the depth and
/// hash-flooding of what is read.
/// </summary>
internal static class RemoteSerializer
{
    // The untrusted-data settings, without drawing MessagePack's SipHash key until a dictionary or set is read (the
    // key's random source loads OpenSSL: milliseconds on every process's start path; see KeylessOptions).
    internal static readonly MessagePackSerializerOptions Options = KeylessOptions.Create(ProcessResolver.Instance);

    /// <summary>
    /// The formatters a call of <paramref name="methodId"/> writes its items and reads its results with: the generated
    /// ones registered with the method when their types match, the resolver's otherwise (then resolved in the
    /// background, see <see cref="Prewarm{T}"/>).
    /// </summary>
    internal static (IMessagePackFormatter<TItem> Items, IMessagePackFormatter<TResult> Results) FormattersOf<TItem, TResult>(string methodId)
    {
        IMessagePackFormatter<TItem>? items = null;
        IMessagePackFormatter<TResult>? results = null;
        if (RemoteMethodRegistry.TryGet(methodId, out IBatchInvoker invoker, out _))
        {
            items = invoker.ItemFormatter as IMessagePackFormatter<TItem>;
            results = invoker.ResultFormatter as IMessagePackFormatter<TResult>;
        }

        if (items is null)
        {
            Prewarm<TItem>();
        }

        if (results is null)
        {
            Prewarm<TResult>();
        }

        return (items ?? new LazyFormatter<TItem>(), results ?? new LazyFormatter<TResult>());
    }

    /// <summary>Makes <paramref name="formatter"/> the one <see cref="Options"/> resolves for <typeparamref name="T"/>.</summary>
    internal static void Register<T>(IMessagePackFormatter<T> formatter) => Registered<T>.Formatter ??= formatter;

    private static class Registered<T>
    {
        internal static IMessagePackFormatter<T>? Formatter;
    }

    /// <summary>The resolver's formatter, looked up at first use (not when a call starts).</summary>
    private sealed class LazyFormatter<T> : IMessagePackFormatter<T>
    {
        public void Serialize(ref MessagePackWriter writer, T value, MessagePackSerializerOptions options) =>
            options.Resolver.GetFormatterWithVerify<T>().Serialize(ref writer, value, options);

        public T Deserialize(ref MessagePackReader reader, MessagePackSerializerOptions options) =>
            options.Resolver.GetFormatterWithVerify<T>().Deserialize(ref reader, options);
    }

    /// <summary>
    /// Resolves the resolver's formatter of a type in the background (while a worker starts, say), once per type:
    /// later calls find it resolved.
    /// </summary>
    internal static void Prewarm<T>()
    {
        if (Interlocked.Exchange(ref Prewarmed<T>.Started, 1) == 0)
        {
            _ = Task.Run(static () => ProcessResolver.Instance.GetFormatter<T>());
        }
    }

    private static class Prewarmed<T>
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

        // A generated formatter registered for the type wins, whenever it was registered.
        public IMessagePackFormatter<T>? GetFormatter<T>() => Registered<T>.Formatter ?? Cache<T>.Formatter;

        private static class Cache<T>
        {
            internal static readonly IMessagePackFormatter<T>? Formatter =
                (IMessagePackFormatter<T>?)WideIntegerFormatter.For(typeof(T))
                ?? (IMessagePackFormatter<T>?)EnvelopeFormatter.For(typeof(T))
                ?? (RuntimeFeature.IsDynamicCodeSupported ? MadeAtRunTime() : null) // constant false in Native AOT: ILC drops the call
                ?? BuiltinResolver.Instance.GetFormatter<T>()
                ?? (RuntimeFeature.IsDynamicCodeSupported ? DynamicIfEnabled() : null);

            // Frozen collections, SharedArray<T> handles and large primitive arrays (shared memory): formatter types
            // closed over T at run time (MakeGenericType). Not in Native AOT: there large arrays are copied.
            [UnconditionalSuppressMessage("Trimming", "IL2026", Justification = "The formatter types are ParallelGen's own, closed over the call's types; Native AOT never reaches it.")]
            [UnconditionalSuppressMessage("AOT", "IL3050", Justification = "Called only when RuntimeFeature.IsDynamicCodeSupported.")]
            private static IMessagePackFormatter<T>? MadeAtRunTime() =>
                (IMessagePackFormatter<T>?)(FrozenCollectionFormatter.For(typeof(T)) ?? SharedMemory.SharedMemoryFormatters.For(typeof(T)));

            [UnconditionalSuppressMessage("Trimming", "IL2026", Justification =
                "A trimmed JIT application that keeps the switch on gets MessagePack's own trim warnings (IL2104) for this path, " +
                "and can turn it off with the feature switch; Native AOT never reaches it.")]
            [UnconditionalSuppressMessage("AOT", "IL3050", Justification = "Called only when RuntimeFeature.IsDynamicCodeSupported.")]
            private static IMessagePackFormatter<T>? DynamicIfEnabled() => DynamicSerialization.IsSupported ? Dynamic() : null;

            [RequiresUnreferencedCode(DynamicSerialization.Why)]
            [RequiresDynamicCode(DynamicSerialization.Why)]
            private static IMessagePackFormatter<T>? Dynamic() => ContractlessStandardResolver.Instance.GetFormatter<T>();
        }
    }
}

/// <summary>
/// The serializer's one path that needs run-time code generation and reflection over the user's types: MessagePack's
/// contractless resolver (records, classes, tuples, collections) and the frozen-collection formatters made with
/// <c>MakeGenericType</c>. It is off in a Native AOT program (dynamic code is not supported there; the trimmer and
/// ILC then drop it, so a published program gets no trim or AOT warning from ParallelGen) and when the feature
/// switch <c>ParallelGen.DynamicSerialization.IsSupported</c> is false (a trimmed application:
/// <c>&lt;RuntimeHostConfigurationOption Include="ParallelGen.DynamicSerialization.IsSupported" Value="false" Trim="true" /&gt;</c>).
/// Without it only the built-in formatters are used: primitives, strings, arrays and lists of them.
/// </summary>
internal static class DynamicSerialization
{
    internal const string Why =
        "MessagePack's contractless resolver generates code for the user's types at run time; in Native AOT only the built-in " +
        "formatters are used (primitives, strings and arrays of them).";

    private const string Switch = "ParallelGen.DynamicSerialization.IsSupported";

    /// <summary>Whether the contractless resolver and the frozen-collection formatters may be used.</summary>
    [FeatureSwitchDefinition(Switch)]
    internal static bool IsSupported =>
        RuntimeFeature.IsDynamicCodeSupported && (!AppContext.TryGetSwitch(Switch, out bool enabled) || enabled);
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
    [RequiresUnreferencedCode(DynamicSerialization.Why)]
    [RequiresDynamicCode(DynamicSerialization.Why)]
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
