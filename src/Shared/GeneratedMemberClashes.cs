using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;

namespace ParallelGen.Shared;

/// <summary>
/// Whether a method's generated members would collide with another <c>[Parallelize]</c> method's or with a member the user
/// already wrote (PG0005 instead of a compile error in generated code).
/// </summary>
internal static class GeneratedMemberClashes
{
    /// <summary>
    /// Another <c>[Parallelize]</c> method of <paramref name="containing"/> whose generated methods would have the same
    /// name and items parameter as <paramref name="method"/>'s (CS0111 in generated code), as a message, or null.
    /// </summary>
    public static string? WithSibling(IMethodSymbol method, INamedTypeSymbol containing)
    {
        foreach (IMethodSymbol sibling in containing.GetMembers().OfType<IMethodSymbol>())
        {
            if (!SymbolEqualityComparer.Default.Equals(sibling, method)
                && sibling.MethodKind == MethodKind.Ordinary
                && sibling.GetAttributes().Any(a => a.AttributeClass is { Name: "ParallelizeAttribute" } type && type.ToDisplayString() == ParallelizeTargetRules.AttributeMetadataName)
                && ClashingName(method, sibling) is { } clash)
            {
                return $"the generated method '{clash}' would have the same signature as the one generated for '{sibling.ToDisplayString(SymbolDisplayFormat.CSharpShortErrorMessageFormat)}'; rename one of the two methods";
            }
        }

        return null;
    }

    /// <summary>
    /// A member the type already declares (in code the user wrote) that a generated method would duplicate: a method with
    /// a generated method's name and parameter types (CS0111), or a property, field, event or nested type with a
    /// generated method's name (CS0102). Members this generator produced are skipped: the PG0005 analyzer sees them in
    /// the compilation, the generator does not, and both must agree.
    /// </summary>
    public static string? WithExistingMember(IMethodSymbol method, INamedTypeSymbol containing)
    {
        foreach (string name in GeneratedMemberNames.For(method))
        {
            foreach (ISymbol member in containing.GetMembers(name))
            {
                if (IsGeneratedByParallelGen(member))
                {
                    continue;
                }

                if (member is IMethodSymbol existing)
                {
                    if (existing.MethodKind == MethodKind.Ordinary && existing.Arity == 0 && DuplicatesAGeneratedSignature(method, existing))
                    {
                        return $"'{containing.Name}' already declares '{existing.ToDisplayString(SymbolDisplayFormat.CSharpShortErrorMessageFormat)}', which has the signature of a generated method; rename or remove that method, or rename the [Parallelize] method";
                    }
                }
                else
                {
                    string kind = member switch
                    {
                        IPropertySymbol => "property",
                        IFieldSymbol => "field",
                        IEventSymbol => "event",
                        INamedTypeSymbol => "nested type",
                        _ => "member",
                    };
                    return $"'{containing.Name}' already has a {kind} named '{name}', the name of a generated method; rename the {kind}, or rename the [Parallelize] method";
                }
            }
        }

        return null;
    }

    /// <summary>A name both methods' generated versions share with the same items parameter, or null.</summary>
    private static string? ClashingName(IMethodSymbol method, IMethodSymbol sibling)
    {
        string? name = GeneratedMemberNames.For(method).Intersect(GeneratedMemberNames.For(sibling)).FirstOrDefault();
        return name is not null && ItemSignature(method) == ItemSignature(sibling) ? name : null;
    }

    private static bool IsGeneratedByParallelGen(ISymbol member) =>
        member.GetAttributes().Any(a =>
            a.AttributeClass is { Name: "GeneratedCodeAttribute" }
            && a.ConstructorArguments.Length > 0
            && a.ConstructorArguments[0].Value is GeneratedMemberNames.GeneratorToolName);

    /// <summary>
    /// Whether <paramref name="existing"/>'s parameters are those of a generated overload:
    /// <c>(IEnumerable&lt;Item&gt;, CancellationToken)</c> or <c>(IEnumerable&lt;Item&gt;, ParallelizeOptions?, CancellationToken)</c>
    /// (<c>int count</c> instead of the items for a method without parameters).
    /// </summary>
    private static bool DuplicatesAGeneratedSignature(IMethodSymbol method, IMethodSymbol existing)
    {
        var parameters = existing.Parameters;
        if (parameters.Length is not (2 or 3)
            || parameters.Any(p => p.RefKind != RefKind.None)
            || !TargetShape.IsCancellationToken(parameters[parameters.Length - 1].Type))
        {
            return false;
        }

        if (parameters.Length == 3
            && parameters[1].Type is not INamedTypeSymbol { Name: "ParallelizeOptions", ContainingNamespace: { Name: "ParallelGen", ContainingNamespace.IsGlobalNamespace: true } })
        {
            return false;
        }

        List<ITypeSymbol> itemTypes = ItemTypes(method);
        ITypeSymbol first = parameters[0].Type;
        if (itemTypes.Count == 0)
        {
            return first.SpecialType == SpecialType.System_Int32;
        }

        if (first is not INamedTypeSymbol { Name: "IEnumerable", TypeArguments.Length: 1 } enumerable
            || enumerable.ContainingNamespace.ToDisplayString() != "System.Collections.Generic")
        {
            return false;
        }

        ITypeSymbol item = enumerable.TypeArguments[0];
        if (itemTypes.Count == 1)
        {
            return TypeIdentity.SameType(item, itemTypes[0]);
        }

        return item is INamedTypeSymbol { IsTupleType: true } tuple
            && tuple.TupleElements.Length == itemTypes.Count
            && tuple.TupleElements.Select(e => e.Type).Zip(itemTypes, TypeIdentity.SameType).All(same => same);
    }

    /// <summary>The types that make up an item (a trailing CancellationToken is not part of it).</summary>
    private static string ItemSignature(IMethodSymbol method)
    {
        List<ITypeSymbol> types = ItemTypes(method);
        return types.Count == 0 ? "count" : string.Join(",", types.Select(t => t.ToDisplayString()));
    }

    /// <summary>The parameter types that make up an item: all of them but a trailing CancellationToken.</summary>
    private static List<ITypeSymbol> ItemTypes(IMethodSymbol method) =>
        TargetShape.ItemParameters(method).Select(p => p.Type).ToList();
}
