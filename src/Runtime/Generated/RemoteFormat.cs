using System;
using System.Buffers;
using System.ComponentModel;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using MessagePack;
using MessagePack.Formatters;
using ParallelGen.Remote;

namespace ParallelGen.Generated;

/// <summary>
/// What the MessagePack formatters the generator writes for a remote method's types call (docs/processes.md, "What
/// crosses"): an object is an array of its members, a blittable array is one binary block. No reflection, no
/// run-time code generation: trimming- and Native-AOT-safe.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class RemoteFormat
{
    /// <summary>Reads an array header that must announce exactly <paramref name="expected"/> values.</summary>
    /// <param name="reader">The reader.</param>
    /// <param name="expected">How many values the generated formatter wrote.</param>
    /// <param name="type">The type being read, for the error message.</param>
    /// <exception cref="MessagePackSerializationException">The data has another number of values.</exception>
    public static void ReadArrayHeader(ref MessagePackReader reader, int expected, string type)
    {
        int count = reader.ReadArrayHeader();
        if (count != expected)
        {
            throw new MessagePackSerializationException(
                $"A {type} is written as {expected} values, but the data holds {count}: the two processes run different builds of the type.");
        }
    }

    /// <summary>
    /// Writes an array of a blittable primitive as one MessagePack binary block (its raw bytes), or nil; a large one in
    /// a process-backend call that shares arrays as a handle to its shared-memory file instead.
    /// </summary>
    /// <typeparam name="T">The element type: a primitive whose every bit pattern is a value.</typeparam>
    /// <param name="writer">The writer.</param>
    /// <param name="value">The array, or <see langword="null"/>.</param>
    public static void WriteBlittable<T>(ref MessagePackWriter writer, T[]? value)
        where T : unmanaged
    {
        if (value is null)
        {
            writer.WriteNil();
            return;
        }

        // A large array in a process-backend call that shares arrays goes to shared memory (docs/processes.md).
        if (!SharedMemory.AutoSharedArrayFormatter<T>.TryWriteShared(ref writer, value))
        {
            writer.Write(MemoryMarshal.AsBytes(value.AsSpan()));
        }
    }

    /// <summary>Reads an array written by <see cref="WriteBlittable{T}"/>.</summary>
    /// <typeparam name="T">The element type.</typeparam>
    /// <param name="reader">The reader.</param>
    /// <returns>The array, or <see langword="null"/> for nil.</returns>
    /// <exception cref="MessagePackSerializationException">The block's length is not a whole number of elements.</exception>
    public static T[]? ReadBlittable<T>(ref MessagePackReader reader)
        where T : unmanaged
    {
        if (reader.TryReadNil())
        {
            return null;
        }

        if (reader.NextMessagePackType == MessagePackType.Extension)
        {
            return SharedMemory.AutoSharedArrayFormatter<T>.ReadShared(ref reader);
        }

        ReadOnlySequence<byte> bytes = reader.ReadBytes() ?? default;
        int size = Unsafe.SizeOf<T>();
        if (bytes.Length % size != 0)
        {
            throw new MessagePackSerializationException($"A {typeof(T).Name}[] block of {bytes.Length} bytes is not a whole number of {size}-byte elements.");
        }

        T[] array = GC.AllocateUninitializedArray<T>((int)(bytes.Length / size));
        bytes.CopyTo(MemoryMarshal.AsBytes(array.AsSpan()));
        return array;
    }

    /// <summary>
    /// Makes a generated formatter the one MessagePack's resolver returns for <typeparamref name="T"/>, for the types the
    /// generator leaves to the resolver (say <c>ImmutableArray&lt;Point&gt;</c>) whose elements it wrote a formatter for.
    /// </summary>
    /// <typeparam name="T">The type.</typeparam>
    /// <param name="formatter">Its generated formatter.</param>
    public static void Register<T>(IMessagePackFormatter<T> formatter) => RemoteSerializer.Register(formatter);

    // Packed objects: a record, class or struct whose members are all fixed-size primitives, enums and strings crosses
    // as one binary block: the members in order, raw little-endian, a string as its length (-1 for null) and its UTF-16
    // code units. One MessagePack value per object instead of one per member.

    /// <summary>Starts a packed object of <paramref name="size"/> bytes; fill the span, then <see cref="EndPacked(ref MessagePackWriter, int)"/>.</summary>
    /// <param name="writer">The writer.</param>
    /// <param name="size">The block's size in bytes.</param>
    /// <returns>Where the members go.</returns>
    public static Span<byte> BeginPacked(ref MessagePackWriter writer, int size)
    {
        writer.WriteBinHeader(size);
        return writer.GetSpan(size).Slice(0, size);
    }

    /// <summary>Ends a packed object begun with <see cref="BeginPacked"/>.</summary>
    /// <param name="writer">The writer.</param>
    /// <param name="size">The block's size in bytes.</param>
    public static void EndPacked(ref MessagePackWriter writer, int size) => writer.Advance(size);

    /// <summary>The bytes a string takes in a packed object.</summary>
    /// <param name="value">The string, or <see langword="null"/>.</param>
    /// <returns>Its size.</returns>
    public static int PackedSize(string? value) => sizeof(int) + (value is null ? 0 : checked(value.Length * sizeof(char)));

    /// <summary>Puts a fixed-size value into a packed object.</summary>
    /// <typeparam name="T">A primitive.</typeparam>
    /// <param name="packed">The block.</param>
    /// <param name="at">Where; moved past the value.</param>
    /// <param name="value">The value.</param>
    public static void Put<T>(Span<byte> packed, ref int at, T value)
        where T : unmanaged
    {
        MemoryMarshal.Write(packed.Slice(at), in value);
        at += Unsafe.SizeOf<T>();
    }

    /// <summary>Puts a string into a packed object.</summary>
    /// <param name="packed">The block.</param>
    /// <param name="at">Where; moved past the string.</param>
    /// <param name="value">The string, or <see langword="null"/>.</param>
    public static void Put(Span<byte> packed, ref int at, string? value)
    {
        Put(packed, ref at, value?.Length ?? -1);
        if (value is not null)
        {
            MemoryMarshal.AsBytes(value.AsSpan()).CopyTo(packed.Slice(at));
            at += value.Length * sizeof(char);
        }
    }

    /// <summary>Reads a packed object's block.</summary>
    /// <param name="reader">The reader.</param>
    /// <returns>The block.</returns>
    /// <exception cref="MessagePackSerializationException">The value is not a binary block.</exception>
    public static ReadOnlySpan<byte> ReadPacked(ref MessagePackReader reader)
    {
        ReadOnlySequence<byte> bytes = reader.ReadBytes() ?? throw new MessagePackSerializationException("A packed object is a binary block, not nil.");
        return bytes.IsSingleSegment ? bytes.FirstSpan : bytes.ToArray();
    }

    /// <summary>Gets a fixed-size value from a packed object.</summary>
    /// <typeparam name="T">A primitive.</typeparam>
    /// <param name="packed">The block.</param>
    /// <param name="at">Where; moved past the value.</param>
    /// <returns>The value.</returns>
    /// <exception cref="MessagePackSerializationException">The block ends first.</exception>
    public static T Get<T>(ReadOnlySpan<byte> packed, ref int at)
        where T : unmanaged
    {
        int size = Unsafe.SizeOf<T>();
        if ((uint)at + (uint)size > (uint)packed.Length)
        {
            throw Truncated();
        }

        T value = MemoryMarshal.Read<T>(packed.Slice(at));
        at += size;
        return value;
    }

    /// <summary>Gets a bool (any non-zero byte is true) from a packed object.</summary>
    /// <param name="packed">The block.</param>
    /// <param name="at">Where; moved past the value.</param>
    /// <returns>The value.</returns>
    public static bool GetBoolean(ReadOnlySpan<byte> packed, ref int at) => Get<byte>(packed, ref at) != 0;

    /// <summary>Gets a string from a packed object.</summary>
    /// <param name="packed">The block.</param>
    /// <param name="at">Where; moved past the string.</param>
    /// <returns>The string, or <see langword="null"/>.</returns>
    /// <exception cref="MessagePackSerializationException">The block ends first.</exception>
    public static string? GetString(ReadOnlySpan<byte> packed, ref int at)
    {
        int length = Get<int>(packed, ref at);
        if (length == -1)
        {
            return null;
        }

        if (length < 0 || (long)length * sizeof(char) > packed.Length - at)
        {
            throw Truncated();
        }

        string value = new(MemoryMarshal.Cast<byte, char>(packed.Slice(at, length * sizeof(char))));
        at += length * sizeof(char);
        return value;
    }

    /// <summary>Checks that a packed object was read to its end.</summary>
    /// <param name="packed">The block.</param>
    /// <param name="at">Where reading ended.</param>
    /// <param name="type">The type read, for the error message.</param>
    /// <exception cref="MessagePackSerializationException">Bytes are left.</exception>
    public static void EndPacked(ReadOnlySpan<byte> packed, int at, string type)
    {
        if (at != packed.Length)
        {
            throw new MessagePackSerializationException(
                $"A packed {type} has {packed.Length - at} bytes more than its members: the two processes run different builds of the type.");
        }
    }

    private static MessagePackSerializationException Truncated() =>
        new("A packed object ends before its members do: the two processes run different builds of the type, or the data is corrupt.");
}
