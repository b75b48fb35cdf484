using System;
using System.Buffers;
using MessagePack;
using MessagePack.Formatters;
using MessagePack.Resolvers;

namespace ParallelGen.SharedMemory;

/// <summary>
/// The remote serializer's hook for shared memory (one line in <see cref="Remote.RemoteSerializer"/>): the formatter
/// of <see cref="SharedArray{T}"/> (a handle: the file's name and the length) and of arrays of primitives, which
/// write a large array as a handle to a shared file while a process-backend call shares arrays
/// (<see cref="ArraySharing"/>) and exactly as MessagePack's own formatter otherwise.
/// </summary>
internal static class SharedMemoryFormatters
{
    /// <summary>The MessagePack extension type code of an array written to a shared file.</summary>
    internal const sbyte SharedArrayExtension = 0x50;

    private static readonly Type[] s_primitives =
    [
        typeof(byte), typeof(sbyte), typeof(short), typeof(ushort), typeof(int), typeof(uint), typeof(long), typeof(ulong),
        typeof(float), typeof(double), typeof(char), typeof(bool),
    ];

    /// <summary>The formatter for <paramref name="type"/>, or null when shared memory has nothing to do with it.</summary>
    [System.Diagnostics.CodeAnalysis.RequiresUnreferencedCode(ParallelGen.Remote.DynamicSerialization.Why)]
    [System.Diagnostics.CodeAnalysis.RequiresDynamicCode(ParallelGen.Remote.DynamicSerialization.Why)]
    internal static object? For(Type type)
    {
        if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(SharedArray<>))
        {
            return Activator.CreateInstance(typeof(SharedArrayFormatter<>).MakeGenericType(type.GetGenericArguments()));
        }

        if (type.IsArray && type.GetArrayRank() == 1 && type.GetElementType() is { } element && Array.IndexOf(s_primitives, element) >= 0)
        {
            return Activator.CreateInstance(typeof(AutoSharedArrayFormatter<>).MakeGenericType(element));
        }

        return null;
    }
}

/// <summary><see cref="SharedArray{T}"/> as <c>[file, length, element size]</c>; read back as a view of the file.</summary>
internal sealed class SharedArrayFormatter<T> : IMessagePackFormatter<SharedArray<T>?>
    where T : unmanaged
{
    public void Serialize(ref MessagePackWriter writer, SharedArray<T>? value, MessagePackSerializerOptions options)
    {
        if (value is null)
        {
            writer.WriteNil();
            return;
        }

        ObjectDisposedException.ThrowIf(value.IsDisposed, value);
        writer.WriteArrayHeader(3);
        writer.Write(value.FilePath);
        writer.Write(value.Length);
        writer.Write(System.Runtime.CompilerServices.Unsafe.SizeOf<T>());
    }

    public SharedArray<T>? Deserialize(ref MessagePackReader reader, MessagePackSerializerOptions options)
    {
        if (reader.TryReadNil())
        {
            return null;
        }

        if (reader.ReadArrayHeader() != 3)
        {
            throw new MessagePackSerializationException("A shared array is written as [file, length, element size].");
        }

        string path = reader.ReadString() ?? throw new MessagePackSerializationException("A shared array has no file.");
        int length = reader.ReadInt32();
        int size = reader.ReadInt32();
        if (size != System.Runtime.CompilerServices.Unsafe.SizeOf<T>() || length < 0)
        {
            throw new MessagePackSerializationException($"A shared array of {length} elements of {size} bytes cannot be read as {typeof(T).Name}.");
        }

        return SharedArray<T>.OpenView(path, length);
    }
}

/// <summary>
/// An array of primitives: while a process-backend call shares arrays and this one is large enough, an extension
/// (<see cref="SharedMemoryFormatters.SharedArrayExtension"/>) holding the shared file's name and the length; otherwise
/// MessagePack's own encoding. The reader copies a shared array out of the mapped file (one memory copy, no decoding),
/// so the method gets its own array, as with the plain encoding.
/// </summary>
internal sealed class AutoSharedArrayFormatter<T> : IMessagePackFormatter<T[]?>
    where T : unmanaged
{
    private readonly IMessagePackFormatter<T[]?> _plain =
        BuiltinResolver.Instance.GetFormatter<T[]?>() ?? throw new InvalidOperationException($"MessagePack has no formatter for {typeof(T).Name}[].");

    public void Serialize(ref MessagePackWriter writer, T[]? value, MessagePackSerializerOptions options)
    {
        if (!TryWriteShared(ref writer, value))
        {
            _plain.Serialize(ref writer, value, options);
        }
    }

    public T[]? Deserialize(ref MessagePackReader reader, MessagePackSerializerOptions options) =>
        reader.NextMessagePackType != MessagePackType.Extension ? _plain.Deserialize(ref reader, options) : ReadShared(ref reader);

    /// <summary>
    /// Writes <paramref name="value"/> as a handle to a shared file when a process-backend call shares arrays and this one
    /// is large enough; false (nothing written) otherwise. Also used by the generated formatters' raw-bytes arrays.
    /// </summary>
    internal static bool TryWriteShared(ref MessagePackWriter writer, T[]? value)
    {
        if (value is not null && ArraySharing.Current is { } sharing && sharing.TryShare(value, out string path))
        {
            var payload = new ArrayBufferWriter<byte>(path.Length + 16);
            var inner = new MessagePackWriter(payload);
            inner.Write(path);
            inner.Write(value.Length);
            inner.Flush();
            writer.WriteExtensionFormatHeader(new ExtensionHeader(SharedMemoryFormatters.SharedArrayExtension, payload.WrittenCount));
            writer.WriteRaw(payload.WrittenSpan);
            return true;
        }

        return false;
    }

    /// <summary>Reads an array written by <see cref="TryWriteShared"/> (the next value is an extension).</summary>
    internal static unsafe T[] ReadShared(ref MessagePackReader reader)
    {
        ExtensionResult extension = reader.ReadExtensionFormat();
        if (extension.TypeCode != SharedMemoryFormatters.SharedArrayExtension)
        {
            throw new MessagePackSerializationException($"Unexpected extension {extension.TypeCode} where an array of {typeof(T).Name} was expected.");
        }

        var inner = new MessagePackReader(extension.Data);
        string path = inner.ReadString() ?? throw new MessagePackSerializationException("A shared array has no file.");
        int length = inner.ReadInt32();
        if (length < 0)
        {
            throw new MessagePackSerializationException("A shared array has a negative length.");
        }

        MappedFile mapping = SharedViews.Open(path, out bool owned);
        try
        {
            long bytes = (long)length * sizeof(T);
            if (mapping.Length < bytes)
            {
                throw new MessagePackSerializationException($"The shared array file '{path}' holds {mapping.Length} bytes, fewer than {length} elements of {typeof(T).Name}.");
            }

            T[] array = GC.AllocateUninitializedArray<T>(length);
            if (length > 0)
            {
                new ReadOnlySpan<T>(mapping.Pointer, length).CopyTo(array);
            }

            return array;
        }
        finally
        {
            if (owned)
            {
                mapping.Dispose();
            }
        }
    }
}
