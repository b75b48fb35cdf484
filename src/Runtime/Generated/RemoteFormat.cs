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

    /// <summary>Writes an array of a blittable primitive as one MessagePack binary block (its raw bytes), or nil.</summary>
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

        writer.Write(MemoryMarshal.AsBytes(value.AsSpan()));
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
}
