using System.Collections.Generic;
using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
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
    /// <param name="asReceiver">
    /// The reference is the object a member is used on (not a variable being assigned): then a local of the body that
    /// is only ever given shared state (<c>var list = _shared;</c>, <c>list = _shared;</c>) is an alias of that shared
    /// object.
    /// </param>
    public static Sharing Classify(IOperation? reference, ISymbol root, KnownSymbols known, out ISymbol? symbol, bool asReceiver = false) =>
        Classify(reference, root, known, out symbol, asReceiver ? MaxAliasDepth : NotFollowing);

    // How many "var alias = ..." initializers may still be followed. NotFollowing: none for this reference itself
    // (it is being assigned), but the object a member is accessed on may start following. The budget only ever
    // decreases once following has started, so even an erroneous self-referencing initializer terminates.
    private const int MaxAliasDepth = 3;
    private const int NotFollowing = -1;

    private static Sharing Classify(IOperation? reference, ISymbol root, KnownSymbols known, out ISymbol? symbol, int aliasDepth)
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
                    if (local.Local.IsRef)
                    {
                        return Sharing.NotShared;
                    }

                    if (IsDeclaredWithin(local.Local, root))
                    {
                        return aliasDepth > 0 && local.Local.Type?.IsReferenceType == true
                            ? ClassifyAlias(local, root, known, out symbol, aliasDepth - 1)
                            : Sharing.NotShared;
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

                    return ThroughInstance(field.Instance, field.Field, root, known, out symbol, aliasDepth);

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

                    return ThroughInstance(property.Instance, p, root, known, out symbol, aliasDepth);

                default:
                    // Invocation results, new objects, array elements, ...: per-call or unknown, never reported.
                    return Sharing.NotShared;
            }
        }
    }

    /// <summary>
    /// Where the shared state denoted by <paramref name="reference"/> lives (see <see cref="AccessPath"/>), as seen from
    /// the parallel body <paramref name="root"/>: from the captured local or parameter, the static, or the field of
    /// <c>this</c> at the start of the access chain, through the values of a body local that aliases shared state
    /// (<c>var s = _stats; s.Count++;</c> is <c>[_stats, Count]</c>). Empty when none is known.
    /// </summary>
    public static ImmutableArray<AccessPath> Paths(IOperation reference, ISymbol root)
    {
        var paths = ImmutableArray.CreateBuilder<AccessPath>();
        AddPaths(reference, root, ImmutableArray<ISymbol>.Empty, paths, MaxAliasDepth);
        return paths.ToImmutable();
    }

    /// <summary>
    /// Adds to <paramref name="touched"/> the storage <paramref name="body"/> reads or writes that is not its own: the
    /// <see cref="AccessPath"/> of every outermost variable, field, property or element access that starts from a
    /// local or parameter declared outside <paramref name="root"/>, a static, or a field of <c>this</c> (constants
    /// are left out).
    /// </summary>
    public static void AddTouched(IOperation body, ISymbol root, ImmutableArray<AccessPath>.Builder touched)
    {
        foreach (IOperation operation in body.DescendantsAndSelf())
        {
            if (operation.Kind is not (OperationKind.LocalReference or OperationKind.ParameterReference or OperationKind.FieldReference or
                                       OperationKind.PropertyReference or OperationKind.ArrayElementReference) ||
                operation is IFieldReferenceOperation { Field.IsConst: true } ||
                ExtendsAccess(operation))
            {
                continue;
            }

            // Not through aliases: a body local's initializer is visited as an access of its own.
            AddPaths(operation, root, ImmutableArray<ISymbol>.Empty, touched, aliasDepth: 0);
        }
    }

    /// <summary>Whether the access is the instance of a longer field, property or element access (not the outermost one).</summary>
    private static bool ExtendsAccess(IOperation operation)
    {
        IOperation current = operation;
        while (current.Parent is IConversionOperation conversion)
        {
            current = conversion;
        }

        return current.Parent switch
        {
            IFieldReferenceOperation field => field.Instance == current,
            IPropertyReferenceOperation property => property.Instance == current,
            IArrayElementReferenceOperation element => element.ArrayReference == current,
            _ => false,
        };
    }

    private static void AddPaths(IOperation? reference, ISymbol root, ImmutableArray<ISymbol> members, ImmutableArray<AccessPath>.Builder paths, int aliasDepth)
    {
        while (true)
        {
            switch (reference)
            {
                case IConversionOperation conversion:
                    reference = conversion.Operand;
                    continue;

                case ILocalReferenceOperation local:
                    if (!IsDeclaredWithin(local.Local, root))
                    {
                        paths.Add(new AccessPath(members.Insert(0, local.Local)));
                    }
                    else if (aliasDepth > 0)
                    {
                        // var s = _stats; s.Count++; is reached from _stats.
                        var values = new List<IOperation>();
                        if (LocalAssignments.TryGetAssignedValues(local.Local, LocalAssignments.FindDeclaringBody(local, local.Local), values))
                        {
                            foreach (IOperation value in values)
                            {
                                AddPaths(value, root, members, paths, aliasDepth - 1);
                            }
                        }
                    }

                    return;

                case IParameterReferenceOperation parameter:
                    if (!IsDeclaredWithin(parameter.Parameter, root))
                    {
                        paths.Add(new AccessPath(members.Insert(0, parameter.Parameter)));
                    }

                    return;

                case IPropertyReferenceOperation { Property.IsIndexer: true } indexer:
                    // list[i], map[key]: some element of the collection, so the collection as a whole.
                    members = ImmutableArray<ISymbol>.Empty;
                    reference = indexer.Instance;
                    continue;

                case IMemberReferenceOperation { Member: IFieldSymbol or IPropertySymbol } access:
                    // A field or (non-indexer) property: one more step of the path, up to a static member or 'this'.
                    members = members.Insert(0, access.Member.OriginalDefinition);
                    if (access.Member.IsStatic || access.Instance is null or IInstanceReferenceOperation)
                    {
                        paths.Add(new AccessPath(members));
                        return;
                    }

                    reference = access.Instance;
                    continue;

                case IArrayElementReferenceOperation element:
                    members = ImmutableArray<ISymbol>.Empty;
                    reference = element.ArrayReference;
                    continue;

                default:
                    return;
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

    /// <summary>
    /// <c>var alias = shared;</c> or <c>List&lt;int&gt; alias; alias = shared;</c>: the local is an alias of shared state
    /// when every value it is given in the body (its initializer and plain assignments) is shared. A local written in
    /// any other way (<c>ref</c>/<c>out</c>, <c>??=</c>, deconstruction) is not followed.
    /// </summary>
    private static Sharing ClassifyAlias(ILocalReferenceOperation local, ISymbol root, KnownSymbols known, out ISymbol? symbol, int aliasDepth)
    {
        symbol = null;
        if (local.Local.DeclaringSyntaxReferences.Length != 1 ||
            local.Local.DeclaringSyntaxReferences[0].GetSyntax() is not VariableDeclaratorSyntax declarator)
        {
            return Sharing.NotShared;
        }

        // Most body locals are initialized with a new object: that settles it without looking for other assignments.
        if (declarator.Initializer is { Value: { } value } &&
            (local.SemanticModel is not { } model ||
             value.SyntaxTree != model.SyntaxTree ||
             model.GetOperation(StripSyntaxOnlyWrappers(value)) is not { } initializer ||
             Classify(initializer, root, known, out _, aliasDepth) == Sharing.NotShared))
        {
            return Sharing.NotShared;
        }

        var values = new List<IOperation>();
        if (!LocalAssignments.TryGetAssignedValues(local.Local, LocalAssignments.FindDeclaringBody(local, local.Local), values) ||
            values.Count == 0)
        {
            return Sharing.NotShared;
        }

        Sharing sharing = Sharing.SharedViaThis;
        foreach (IOperation assigned in values)
        {
            switch (Classify(assigned, root, known, out _, aliasDepth))
            {
                case Sharing.NotShared:
                    return Sharing.NotShared;
                case Sharing.Shared:
                    sharing = Sharing.Shared;
                    break;
            }
        }

        symbol = local.Local;
        return sharing;
    }

    /// <summary>(x) and x! have no operation of their own.</summary>
    private static ExpressionSyntax StripSyntaxOnlyWrappers(ExpressionSyntax expression)
    {
        while (true)
        {
            switch (expression)
            {
                case ParenthesizedExpressionSyntax parenthesized:
                    expression = parenthesized.Expression;
                    break;
                case PostfixUnaryExpressionSyntax postfix when postfix.IsKind(Microsoft.CodeAnalysis.CSharp.SyntaxKind.SuppressNullableWarningExpression):
                    expression = postfix.Operand;
                    break;
                default:
                    return expression;
            }
        }
    }

    /// <summary>Whether <paramref name="property"/> has a compiler-generated backing field (a plain variable underneath).</summary>
    public static bool IsAutoProperty(IPropertySymbol property)
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

    private static Sharing ThroughInstance(IOperation? instance, ISymbol member, ISymbol root, KnownSymbols known, out ISymbol? symbol, int aliasDepth)
    {
        Sharing sharing = Classify(instance, root, known, out _, aliasDepth == NotFollowing ? MaxAliasDepth : aliasDepth);
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
