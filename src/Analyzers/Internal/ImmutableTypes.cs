using System.Collections.Generic;
using Microsoft.CodeAnalysis;

namespace ParallelGen.Analyzers.Internal;

/// <summary>Types whose instances cannot change (for "static readonly of an immutable type is not mutable state").</summary>
internal static class ImmutableTypes
{
    public static bool IsImmutable(ITypeSymbol type) =>
        IsImmutable(type, depth: 0, new Dictionary<(ITypeSymbol, int), bool>(TypeAtDepthComparer.Instance));

    // The answers are remembered per call: a struct with many fields of a struct with many fields ... would otherwise
    // be walked once per path, which grows exponentially with the (bounded) depth. Keyed by depth too, so the answer
    // is exactly the one the plain walk would give.
    private static bool IsImmutable(ITypeSymbol type, int depth, Dictionary<(ITypeSymbol, int), bool> known)
    {
        if (depth > 4)
        {
            return false;
        }

        if (known.TryGetValue((type, depth), out bool answer))
        {
            return answer;
        }

        answer = Compute(type, depth, known);
        known[(type, depth)] = answer;
        return answer;
    }

    private static bool Compute(ITypeSymbol type, int depth, Dictionary<(ITypeSymbol, int), bool> known)
    {

        switch (type.SpecialType)
        {
            case SpecialType.System_Boolean or SpecialType.System_Char or SpecialType.System_SByte or SpecialType.System_Byte or
                SpecialType.System_Int16 or SpecialType.System_UInt16 or SpecialType.System_Int32 or SpecialType.System_UInt32 or
                SpecialType.System_Int64 or SpecialType.System_UInt64 or SpecialType.System_Single or SpecialType.System_Double or
                SpecialType.System_Decimal or SpecialType.System_String or SpecialType.System_DateTime or SpecialType.System_IntPtr or
                SpecialType.System_UIntPtr:
                return true;
            case SpecialType.System_Object:
                return true; // a plain object has no state (the usual lock object)
        }

        if (type.TypeKind is TypeKind.Enum or TypeKind.Delegate)
        {
            return true;
        }

        if (type is not INamedTypeSymbol named)
        {
            return false; // arrays and pointers are mutable
        }

        string ns = named.ContainingNamespace?.ToDisplayString() ?? string.Empty;
        if (ns is "System.Collections.Immutable" or "System.Collections.Frozen")
        {
            return true;
        }

        if (ns == "System" && named.MetadataName is "TimeSpan" or "DateTimeOffset" or "Guid" or "DateOnly" or "TimeOnly" or "Uri" or
                "Version" or "Type" or "Half" or "Int128" or "UInt128")
        {
            return true;
        }

        if (ns == "System.Text.RegularExpressions" && named.MetadataName == "Regex")
        {
            return true;
        }

        if (named.IsValueType)
        {
            // A struct behind a readonly field cannot be changed; only objects its fields reference can.
            foreach (ISymbol member in named.GetMembers())
            {
                if (member is IFieldSymbol { IsStatic: false } field && !IsImmutable(field.Type, depth + 1, known))
                {
                    return false;
                }
            }

            return true;
        }

        return false;
    }

    private sealed class TypeAtDepthComparer : IEqualityComparer<(ITypeSymbol Type, int Depth)>
    {
        public static readonly TypeAtDepthComparer Instance = new();

        public bool Equals((ITypeSymbol Type, int Depth) x, (ITypeSymbol Type, int Depth) y) =>
            x.Depth == y.Depth && SymbolEqualityComparer.Default.Equals(x.Type, y.Type);

        public int GetHashCode((ITypeSymbol Type, int Depth) obj) =>
            (SymbolEqualityComparer.Default.GetHashCode(obj.Type) * 31) + obj.Depth;
    }
}
