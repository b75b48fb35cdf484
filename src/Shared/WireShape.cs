using Microsoft.CodeAnalysis;

namespace ParallelGen.Shared;

/// <summary>How a type PG0006 accepts (<see cref="Serializability"/>) crosses to a worker: what the generated formatter does with it.</summary>
internal enum WireKind
{
    /// <summary>bool, char, the integers, float, double, string: one MessagePack value, written inline.</summary>
    Primitive,

    /// <summary>An enum: its underlying integer, written inline.</summary>
    Enum,

    /// <summary><c>T?</c> of a value type: nil or the value.</summary>
    Nullable,

    /// <summary>A one-dimensional array of a primitive whose every bit pattern is a value: one binary block of its raw bytes.</summary>
    BlittableArray,

    /// <summary>Any other one-dimensional array: an array of its elements.</summary>
    Array,

    /// <summary><c>List&lt;T&gt;</c> and the list interfaces (read back as a <c>List&lt;T&gt;</c>): an array.</summary>
    List,

    /// <summary><c>HashSet&lt;T&gt;</c>, <c>ISet&lt;T&gt;</c>, <c>IReadOnlySet&lt;T&gt;</c> (read back as a <c>HashSet&lt;T&gt;</c>): an array.</summary>
    Set,

    /// <summary><c>Dictionary&lt;K, V&gt;</c> and the dictionary interfaces (read back as a <c>Dictionary&lt;K, V&gt;</c>): a map.</summary>
    Dictionary,

    /// <summary>A value tuple (any arity), <c>Tuple&lt;…&gt;</c> or <c>KeyValuePair&lt;K, V&gt;</c>: an array of its elements.</summary>
    Tuple,

    /// <summary>A record, class or struct of the user's: an array of its public members, in declaration order.</summary>
    Object,

    /// <summary>
    /// Everything else PG0006 accepts (decimal, DateTime, Guid, TimeSpan, BigInteger, Uri, immutable, frozen, sorted and
    /// concurrent collections, multi-dimensional arrays...): MessagePack's resolver. See docs/processes.md.
    /// </summary>
    Resolver,
}

/// <summary>
/// The one place that says how each accepted type crosses (the generator writes formatters from it; PG0006's
/// <see cref="Serializability"/> decides what is accepted at all, and its framework lists are the ones here).
/// </summary>
internal static class WireShape
{
    /// <summary>The kind of <paramref name="type"/>, which <see cref="Serializability"/> accepted.</summary>
    public static WireKind Classify(ITypeSymbol type)
    {
        if (PrimitiveName(type) is not null)
        {
            return WireKind.Primitive;
        }

        switch (type)
        {
            case IArrayTypeSymbol array:
                return !array.IsSZArray ? WireKind.Resolver
                    : IsBlittable(array.ElementType) ? WireKind.BlittableArray
                    : WireKind.Array;
            case INamedTypeSymbol { TypeKind: TypeKind.Enum }:
                return WireKind.Enum;
            case INamedTypeSymbol named:
                if (named.OriginalDefinition.SpecialType == SpecialType.System_Nullable_T)
                {
                    return WireKind.Nullable;
                }

                if (named.IsTupleType)
                {
                    return WireKind.Tuple;
                }

                string ns = named.ContainingNamespace?.ToDisplayString() ?? string.Empty;
                if (ns == "System" && named.MetadataName is "ValueTuple`1" or "Tuple`1" or "Tuple`2" or "Tuple`3" or "Tuple`4" or
                        "Tuple`5" or "Tuple`6" or "Tuple`7")
                {
                    return WireKind.Tuple;
                }

                if (ns == "System.Collections.Generic")
                {
                    switch (named.MetadataName)
                    {
                        case "List`1" or "IEnumerable`1" or "IReadOnlyList`1" or "IReadOnlyCollection`1" or "IList`1" or "ICollection`1":
                            return WireKind.List;
                        case "HashSet`1" or "ISet`1" or "IReadOnlySet`1":
                            return WireKind.Set;
                        case "Dictionary`2" or "IDictionary`2" or "IReadOnlyDictionary`2":
                            return WireKind.Dictionary;
                        case "KeyValuePair`2":
                            return WireKind.Tuple;
                    }
                }

                // ParallelGen's SharedArray<T> (a handle to a memory-mapped file) has the runtime's own formatter.
                if (ns == "System" || ns.StartsWith("System.", System.StringComparison.Ordinal) || ns.StartsWith("Microsoft.", System.StringComparison.Ordinal) ||
                    (ns == "ParallelGen" && named.MetadataName == "SharedArray`1"))
                {
                    return WireKind.Resolver;
                }

                return WireKind.Object;
            default:
                return WireKind.Resolver;
        }
    }

    /// <summary>The MessagePackReader method suffix (<c>Int32</c> for <c>ReadInt32</c>) of a primitive, or null.</summary>
    public static string? PrimitiveName(ITypeSymbol type) => type.SpecialType switch
    {
        SpecialType.System_Boolean => "Boolean",
        SpecialType.System_Char => "Char",
        SpecialType.System_SByte => "SByte",
        SpecialType.System_Byte => "Byte",
        SpecialType.System_Int16 => "Int16",
        SpecialType.System_UInt16 => "UInt16",
        SpecialType.System_Int32 => "Int32",
        SpecialType.System_UInt32 => "UInt32",
        SpecialType.System_Int64 => "Int64",
        SpecialType.System_UInt64 => "UInt64",
        SpecialType.System_Single => "Single",
        SpecialType.System_Double => "Double",
        SpecialType.System_String => "String",
        _ => null,
    };

    /// <summary>
    /// Whether an array of <paramref name="element"/> crosses as its raw bytes: a primitive every bit pattern of which is a
    /// value (not bool, whose other bytes are not true or false). Both ends are little-endian .NET processes.
    /// </summary>
    public static bool IsBlittable(ITypeSymbol element) => element.SpecialType is
        SpecialType.System_Char or SpecialType.System_SByte or SpecialType.System_Byte or SpecialType.System_Int16 or
        SpecialType.System_UInt16 or SpecialType.System_Int32 or SpecialType.System_UInt32 or SpecialType.System_Int64 or
        SpecialType.System_UInt64 or SpecialType.System_Single or SpecialType.System_Double;

    /// <summary>
    /// The constructor a generated reader calls: the public one with the most parameters, each of which names (ignoring
    /// case) a public instance field or property of the same type; every other member is set afterwards. Null when
    /// there is none (a struct always has its parameterless one).
    /// </summary>
    public static IMethodSymbol? ChooseConstructor(INamedTypeSymbol type)
    {
        IMethodSymbol? best = null;
        foreach (IMethodSymbol constructor in type.InstanceConstructors)
        {
            if (constructor.DeclaredAccessibility != Accessibility.Public ||
                (best is not null && constructor.Parameters.Length <= best.Parameters.Length))
            {
                continue;
            }

            bool allMatch = true;
            foreach (IParameterSymbol parameter in constructor.Parameters)
            {
                allMatch &= parameter.RefKind == RefKind.None && HasMember(type, parameter);
            }

            if (allMatch)
            {
                best = constructor;
            }
        }

        return best;
    }

    private static bool HasMember(INamedTypeSymbol type, IParameterSymbol parameter)
    {
        for (INamedTypeSymbol? t = type; t is not null; t = t.BaseType)
        {
            foreach (ISymbol member in t.GetMembers())
            {
                if (member.IsStatic || member.DeclaredAccessibility != Accessibility.Public || member.IsImplicitlyDeclared ||
                    !string.Equals(member.Name, parameter.Name, System.StringComparison.OrdinalIgnoreCase))
                {
                    continue;
                }

                ITypeSymbol? memberType = member switch
                {
                    IFieldSymbol field => field.Type,
                    IPropertySymbol { IsIndexer: false, RefKind: RefKind.None, GetMethod.DeclaredAccessibility: Accessibility.Public } property => property.Type,
                    _ => null,
                };
                if (memberType is not null && SymbolEqualityComparer.Default.Equals(memberType, parameter.Type))
                {
                    return true;
                }
            }
        }

        return false;
    }
}
