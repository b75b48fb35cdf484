using System.Collections.Generic;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace ParallelGen.Analyzers.Internal;

/// <summary>
/// What is written to a local, found in the operation tree of the body that declares it. Used to follow a delegate
/// stored in a local before it is passed to a parallel API, and a local that aliases shared state.
/// </summary>
internal static class LocalAssignments
{
    /// <summary>
    /// The operation whose subtree holds every use of <paramref name="local"/>: the lambda or local function that
    /// declares it, otherwise the root of <paramref name="use"/>'s operation tree (the member body).
    /// </summary>
    public static IOperation FindDeclaringBody(IOperation use, ILocalSymbol local) => FindBody(use, local.ContainingSymbol);

    /// <summary>
    /// The walk-up target for a parallel body whose symbol is <paramref name="root"/>: the lambda or local function
    /// operation of that symbol, otherwise the root of the tree (a method body).
    /// </summary>
    public static IOperation FindBody(IOperation operation, ISymbol? root)
    {
        IOperation current = operation;
        while (current.Parent is { } parent)
        {
            if (IsBodyOf(current, root))
            {
                return current;
            }

            current = parent;
        }

        return current;
    }

    /// <summary>
    /// Collects into <paramref name="values"/> every value assigned to <paramref name="local"/> within
    /// <paramref name="scope"/>: its declaration's initializer and the right-hand sides of plain assignments.
    /// </summary>
    /// <returns>
    /// False when the values are not all known: the local is not declared by an ordinary declaration statement in
    /// <paramref name="scope"/> (a parameter, a foreach or pattern variable, an out variable, ...), or it is also
    /// written in any other way (compound assignment, <c>??=</c>, <c>ref</c>/<c>out</c> argument, deconstruction, ref
    /// alias, address taken).
    /// </returns>
    public static bool TryGetAssignedValues(ILocalSymbol local, IOperation scope, List<IOperation> values)
    {
        if (local.IsRef || local.IsConst)
        {
            return false;
        }

        bool declared = false;
        foreach (IOperation operation in scope.DescendantsAndSelf())
        {
            switch (operation)
            {
                case IVariableDeclaratorOperation declarator when SymbolEqualityComparer.Default.Equals(declarator.Symbol, local):
                    if (declarator.Parent is not IVariableDeclarationOperation { Parent: IVariableDeclarationGroupOperation })
                    {
                        return false;
                    }

                    declared = true;
                    if (declarator.GetVariableInitializer() is { Value: { } initial })
                    {
                        values.Add(initial);
                    }

                    break;

                case ILocalReferenceOperation reference when SymbolEqualityComparer.Default.Equals(reference.Local, local):
                    if (reference.Parent is ISimpleAssignmentOperation { IsRef: false } assignment && assignment.Target == reference)
                    {
                        values.Add(assignment.Value);
                    }
                    else if (IsWriteOrAlias(reference))
                    {
                        return false;
                    }

                    break;
            }
        }

        return declared;
    }

    /// <summary>
    /// Whether <paramref name="symbol"/> (a local, parameter, field or property) is written, passed by <c>ref</c>/<c>out</c>
    /// or aliased by reference anywhere in <paramref name="scope"/>.
    /// </summary>
    public static bool IsWrittenWithin(ISymbol symbol, IOperation scope)
    {
        foreach (IOperation operation in scope.DescendantsAndSelf())
        {
            ISymbol? referenced = operation switch
            {
                ILocalReferenceOperation local => local.Local,
                IParameterReferenceOperation parameter => parameter.Parameter,
                IFieldReferenceOperation field => field.Field,
                IPropertyReferenceOperation property => property.Property,
                _ => null,
            };
            if (referenced is not null &&
                SymbolEqualityComparer.Default.Equals(referenced.OriginalDefinition, symbol.OriginalDefinition) &&
                IsWriteOrAlias(operation))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Whether the variable <paramref name="reference"/> denotes is written or its storage aliased there.</summary>
    public static bool IsWriteOrAlias(IOperation reference)
    {
        if (reference.Syntax.Parent is RefExpressionSyntax)
        {
            return true; // ref var alias = ref x; return ref x; c ? ref x : ref y; r = ref x;
        }

        return reference.Parent switch
        {
            IAssignmentOperation assignment => assignment.Target == reference,
            IIncrementOrDecrementOperation or IAddressOfOperation or IDeclarationExpressionOperation => true,
            ITupleOperation => true, // possibly the target of a deconstruction: not followed
            IArgumentOperation argument => argument.Parameter is null || argument.Parameter.RefKind is RefKind.Ref or RefKind.Out,
            _ => false,
        };
    }

    private static bool IsBodyOf(IOperation operation, ISymbol? symbol) =>
        symbol is not null &&
        operation switch
        {
            IAnonymousFunctionOperation lambda => SymbolEqualityComparer.Default.Equals(lambda.Symbol, symbol),
            ILocalFunctionOperation function => SymbolEqualityComparer.Default.Equals(function.Symbol, symbol),
            _ => false,
        };
}
