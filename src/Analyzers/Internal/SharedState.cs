using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace ParallelGen.Analyzers.Internal;

/// <summary>How a storage location relates to the iterations of a parallel body.</summary>
internal enum Sharing
{
    /// <summary>Per iteration (a local or parameter of the body, an object created in it) or unknown.</summary>
    NotShared,

    /// <summary>The same location for every iteration: a static, or a local or parameter captured from outside.</summary>
    Shared,

    /// <summary>
    /// Shared because it is (reached through) a field of <c>this</c>. Inside a parallel body <c>this</c> is the same
    /// object for every iteration; inside a method called from parallel code it depends on the call's receiver.
    /// </summary>
    SharedViaThis,
}

/// <summary>Decides whether a reference denotes state shared by all the iterations of a parallel body.</summary>
internal static class SharedState
{
    /// <summary>
    /// Classifies the storage <paramref name="reference"/> denotes, as seen from the parallel body whose symbol is
    /// <paramref name="root"/> (a lambda, a method group's method, a [Parallelize] method or a called method).
    /// </summary>
    /// <param name="reference">A field, property, local, parameter or <c>this</c> reference.</param>
    /// <param name="root">The symbol of the parallel body: locals and parameters declared within it are per-iteration.</param>
    /// <param name="known">The compilation's well-known types.</param>
    /// <param name="symbol">The field, property, local or parameter the shared state is named after.</param>
    public static Sharing Classify(IOperation? reference, ISymbol root, KnownSymbols known, out ISymbol? symbol)
    {
        symbol = null;
        while (true)
        {
            switch (reference)
            {
                case IConversionOperation conversion:
                    reference = conversion.Operand;
                    continue;

                case ILocalReferenceOperation local:
                    if (local.Local.IsRef || IsDeclaredWithin(local.Local, root))
                    {
                        return Sharing.NotShared;
                    }

                    symbol = local.Local;
                    return Sharing.Shared;

                case IParameterReferenceOperation parameter:
                    if (parameter.Parameter.RefKind != RefKind.None || IsDeclaredWithin(parameter.Parameter, root))
                    {
                        return Sharing.NotShared;
                    }

                    symbol = parameter.Parameter;
                    return Sharing.Shared;

                case IInstanceReferenceOperation { ReferenceKind: InstanceReferenceKind.ContainingTypeInstance }:
                    return Sharing.SharedViaThis;

                case IFieldReferenceOperation field:
                    if (field.Field.IsConst)
                    {
                        return Sharing.NotShared;
                    }

                    if (field.Field.IsStatic)
                    {
                        if (IsThreadStatic(field.Field, known))
                        {
                            return Sharing.NotShared;
                        }

                        symbol = field.Field;
                        return Sharing.Shared;
                    }

                    return ThroughInstance(field.Instance, field.Field, root, known, out symbol);

                case IPropertyReferenceOperation property:
                    IPropertySymbol p = property.Property;
                    if (IsPerThreadContainer(p.ContainingType, known) ||
                        (p.IsStatic && p.Name == "Shared" && SymbolEqualityComparer.Default.Equals(p.ContainingType, known.Random)))
                    {
                        return Sharing.NotShared;
                    }

                    if (known.IsInThisAssembly(p) && !IsAutoProperty(p))
                    {
                        // A computed property may return a new object per call: unknown, not reported.
                        return Sharing.NotShared;
                    }

                    if (p.IsStatic)
                    {
                        symbol = p;
                        return Sharing.Shared;
                    }

                    if (p.IsIndexer)
                    {
                        // list[i], map[key]: which element is unknown (arrays and indexers are per-item by convention).
                        return Sharing.NotShared;
                    }

                    return ThroughInstance(property.Instance, p, root, known, out symbol);

                default:
                    // Invocation results, new objects, array elements, ...: per-call or unknown, never reported.
                    return Sharing.NotShared;
            }
        }
    }

    /// <summary>Whether <paramref name="symbol"/> (a local, parameter or local function) is declared within <paramref name="root"/>.</summary>
    public static bool IsDeclaredWithin(ISymbol symbol, ISymbol root)
    {
        for (ISymbol? s = symbol.ContainingSymbol; s is not null; s = s.ContainingSymbol)
        {
            if (SymbolEqualityComparer.Default.Equals(s, root))
            {
                return true;
            }

            if (s.Kind is SymbolKind.NamedType or SymbolKind.Namespace)
            {
                return false;
            }
        }

        return false;
    }

    /// <summary>Whether the field is <c>[ThreadStatic]</c>.</summary>
    public static bool IsThreadStatic(IFieldSymbol field, KnownSymbols known)
    {
        if (known.ThreadStaticAttribute is null)
        {
            return false;
        }

        foreach (AttributeData attribute in field.GetAttributes())
        {
            if (SymbolEqualityComparer.Default.Equals(attribute.AttributeClass, known.ThreadStaticAttribute))
            {
                return true;
            }
        }

        return false;
    }

    private static bool IsAutoProperty(IPropertySymbol property)
    {
        foreach (ISymbol member in property.ContainingType.GetMembers())
        {
            if (member is IFieldSymbol { IsImplicitlyDeclared: true } field &&
                SymbolEqualityComparer.Default.Equals(field.AssociatedSymbol, property))
            {
                return true;
            }
        }

        return false;
    }

    private static Sharing ThroughInstance(IOperation? instance, ISymbol member, ISymbol root, KnownSymbols known, out ISymbol? symbol)
    {
        Sharing sharing = Classify(instance, root, known, out _);
        symbol = sharing == Sharing.NotShared ? null : member;
        return sharing;
    }

    private static bool IsPerThreadContainer(INamedTypeSymbol? type, KnownSymbols known)
    {
        INamedTypeSymbol? definition = type?.OriginalDefinition;
        return definition is not null &&
            (SymbolEqualityComparer.Default.Equals(definition, known.ThreadLocal) ||
             SymbolEqualityComparer.Default.Equals(definition, known.AsyncLocal));
    }
}
