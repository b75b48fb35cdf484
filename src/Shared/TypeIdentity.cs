using System.Linq;
using Microsoft.CodeAnalysis;

namespace ParallelGen.Shared;

/// <summary>When two types are the same for overload resolution (used to tell whether generated overloads would clash).</summary>
internal static class TypeIdentity
{
    /// <summary>Type identity as overload resolution sees it: nullable annotations and tuple element names do not count.</summary>
    public static bool SameType(ITypeSymbol a, ITypeSymbol b)
    {
        if (SymbolEqualityComparer.Default.Equals(a, b))
        {
            return true;
        }

        return a is INamedTypeSymbol { IsTupleType: true } ta
            && b is INamedTypeSymbol { IsTupleType: true } tb
            && ta.TupleElements.Length == tb.TupleElements.Length
            && ta.TupleElements.Select(e => e.Type).Zip(tb.TupleElements.Select(e => e.Type), SameType).All(same => same);
    }
}
