using System.Collections.Immutable;
using Microsoft.CodeAnalysis;

namespace ParallelGen.Shared;

/// <summary>
/// The one classification of a <c>[Parallelize]</c> method's shape, used by the parser, the target rules and the
/// analyzers alike: which parameters make up an item (all but a trailing <see cref="System.Threading.CancellationToken"/>)
/// and whether the method returns an awaitable the generated code awaits (<c>Task</c>, <c>ValueTask</c>, and their
/// generic forms).
/// </summary>
internal static class TargetShape
{
    /// <summary>
    /// <see cref="System.Threading.CancellationToken"/>: as the last parameter it is not part of an item, and each call
    /// receives the parallel call's token.
    /// </summary>
    public static bool IsCancellationToken(ITypeSymbol type) =>
        type is INamedTypeSymbol { Name: "CancellationToken", ContainingNamespace: { Name: "Threading", ContainingNamespace: { Name: "System", ContainingNamespace.IsGlobalNamespace: true } } };

    /// <summary>Whether the last parameter is a <see cref="System.Threading.CancellationToken"/> (passed the call's token).</summary>
    public static bool TakesTrailingToken(IMethodSymbol method) =>
        method.Parameters.Length > 0 && IsCancellationToken(method.Parameters[method.Parameters.Length - 1].Type);

    /// <summary>The parameters that make up an item: all of them but a trailing cancellation token.</summary>
    public static ImmutableArray<IParameterSymbol> ItemParameters(IMethodSymbol method) =>
        TakesTrailingToken(method) ? method.Parameters.RemoveAt(method.Parameters.Length - 1) : method.Parameters;

    /// <summary>
    /// Whether <paramref name="returnType"/> is <c>Task</c>, <c>ValueTask</c>, <c>Task&lt;T&gt;</c> or
    /// <c>ValueTask&lt;T&gt;</c> of <c>System.Threading.Tasks</c>: the generated code awaits it, and <c>T</c> (if any) is
    /// the result.
    /// </summary>
    public static bool IsAwaitable(ITypeSymbol returnType, out INamedTypeSymbol task)
    {
        if (returnType is INamedTypeSymbol
            {
                Name: "Task" or "ValueTask",
                TypeArguments.Length: <= 1,
                ContainingNamespace: { Name: "Tasks", ContainingNamespace: { Name: "Threading", ContainingNamespace: { Name: "System", ContainingNamespace.IsGlobalNamespace: true } } },
            } named)
        {
            task = named;
            return true;
        }

        task = null!;
        return false;
    }
}
