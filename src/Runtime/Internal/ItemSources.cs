using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;

namespace ParallelGen.Internal;

/// <summary>
/// Where a call body reads item <c>i</c>: the caller's input in place. A struct per kind of input, so that the JIT
/// compiles the loop per kind and an array or <see cref="List{T}"/> read is a plain indexed load, not an interface call.
/// </summary>
internal interface IItemSource<TItem>
{
    TItem this[int index] { get; }

    /// <summary>Where index 0 of this source is in the caller's input (<see cref="ParallelContext.ItemIndex"/>): 0 but for a stream's window.</summary>
    int IndexOffset { get; }
}

internal readonly struct ArraySource<TItem>(TItem[] items) : IItemSource<TItem>
{
    public TItem this[int index] => items[index];

    public int IndexOffset => 0;
}

/// <summary>One window of a stream: its items, and the position of the first one in the input.</summary>
internal readonly struct WindowSource<TItem>(TItem[] items, long offset) : IItemSource<TItem>
{
    public TItem this[int index] => items[index];

    public int IndexOffset => (int)System.Math.Min(offset, int.MaxValue);
}

internal readonly struct ListOfTSource<TItem>(List<TItem> items) : IItemSource<TItem>
{
    public TItem this[int index] => items[index];

    public int IndexOffset => 0;
}

internal readonly struct ReadOnlyListSource<TItem>(IReadOnlyList<TItem> items) : IItemSource<TItem>
{
    public TItem this[int index] => items[index];

    public int IndexOffset => 0;
}

/// <summary>
/// <c>Enumerable.Range(start, count)</c> (and a generated count-only method's indices): item <c>i</c> is
/// <c>start + i</c>, computed rather than read. Only ever instantiated with <typeparamref name="TItem"/> = <see cref="int"/>,
/// where the JIT removes the box/unbox pair.
/// </summary>
internal readonly struct RangeSource<TItem>(int start) : IItemSource<TItem>
{
    public TItem this[int index] => (TItem)(object)(start + index);

    public int IndexOffset => 0;
}

/// <summary>How the dispatch core reads an input: in place when it can be indexed, otherwise buffered once.</summary>
internal static class ItemSources
{
    private static readonly Type s_rangeType = Enumerable.Range(0, 2).GetType();

    /// <summary>The kinds of input <see cref="Classify{TItem}"/> tells apart.</summary>
    internal enum Kind
    {
        Array,
        ListOfT,
        Range,
        ReadOnlyList,
    }

    /// <summary>
    /// The input as an indexable list read in place (an array, a <see cref="List{T}"/>, an <see cref="IReadOnlyList{T}"/>
    /// such as <c>Enumerable.Range</c>'s result, or an <see cref="IList{T}"/> seen through a wrapper), or the sequence
    /// buffered into an array when it cannot be indexed. The sequence is enumerated at most once, on the calling thread.
    /// </summary>
    internal static IReadOnlyList<TItem> Classify<TItem>(IEnumerable<TItem> items, out Kind kind)
    {
        switch (items)
        {
            case TItem[] array:
                kind = Kind.Array;
                return array;
            case List<TItem> list:
                kind = Kind.ListOfT;
                return list;
            case IReadOnlyList<TItem> readOnly when typeof(TItem) == typeof(int) && items.GetType() == s_rangeType:
                kind = Kind.Range;
                return readOnly;
            case IReadOnlyList<TItem> readOnly:
                kind = Kind.ReadOnlyList;
                return readOnly;
            case IList<TItem> list:
                kind = Kind.ReadOnlyList;
                return new ListAdapter<TItem>(list);
            default:
                kind = Kind.Array;
                return items.ToArray();
        }
    }

    /// <summary>An <see cref="IList{T}"/> that is not an <see cref="IReadOnlyList{T}"/>, read in place through this view.</summary>
    private sealed class ListAdapter<TItem>(IList<TItem> list) : IReadOnlyList<TItem>
    {
        public TItem this[int index] => list[index];

        public int Count => list.Count;

        public IEnumerator<TItem> GetEnumerator() => list.GetEnumerator();

        IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
    }
}
