using System;
using System.Collections.Immutable;
using Microsoft.CodeAnalysis;

namespace ParallelGen.Analyzers.Internal;

/// <summary>
/// Where a piece of shared state lives, as a variable followed by the fields and properties read through it:
/// <c>stats.Inner.Count</c> is <c>[stats, Inner, Count]</c>, <c>this._left</c> is <c>[_left]</c>, and an element of an
/// array or collection is the collection itself (<c>items[i].X</c> is <c>[items]</c>). Two paths overlap when one is a
/// prefix of the other: <c>[r, Min]</c> and <c>[r, Max]</c> are different storage, <c>[r]</c> covers both.
/// </summary>
internal readonly struct AccessPath : IEquatable<AccessPath>
{
    public AccessPath(ImmutableArray<ISymbol> symbols) => Symbols = symbols;

    /// <summary>The variable first (by original definition), then the members.</summary>
    public ImmutableArray<ISymbol> Symbols { get; }

    /// <summary>Whether the two paths may denote the same storage (one is a prefix of the other).</summary>
    public bool Overlaps(AccessPath other)
    {
        int length = Math.Min(Symbols.Length, other.Symbols.Length);
        for (int i = 0; i < length; i++)
        {
            if (!SymbolEqualityComparer.Default.Equals(Symbols[i], other.Symbols[i]))
            {
                return false;
            }
        }

        return true;
    }

    public bool Equals(AccessPath other) => Symbols.Length == other.Symbols.Length && Overlaps(other);

    public override bool Equals(object? obj) => obj is AccessPath other && Equals(other);

    public override int GetHashCode()
    {
        int hash = Symbols.Length;
        foreach (ISymbol symbol in Symbols)
        {
            hash = unchecked((hash * 31) + SymbolEqualityComparer.Default.GetHashCode(symbol));
        }

        return hash;
    }

    public override string ToString() => string.Join(".", Symbols);
}
