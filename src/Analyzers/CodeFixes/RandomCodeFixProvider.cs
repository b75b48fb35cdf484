using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Editing;

namespace ParallelGen.CodeFixes;

/// <summary>
/// The scaffolding the fixes of PG0001 and PG0002 (a <c>Random</c> in parallel code) share: fetch the syntax root and
/// the semantic model once, skip diagnostics reported at a call for a problem inside the callee (nothing to rewrite
/// here), and hand each diagnostic's node to <see cref="RegisterFixes"/>. Also where the task index of the code
/// around a node comes from, for <c>ParallelRandom.For(seed, index)</c>.
/// </summary>
public abstract class RandomCodeFixProvider : CodeFixProvider
{
    /// <inheritdoc/>
    public sealed override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

    /// <inheritdoc/>
    public sealed override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        SyntaxNode? root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        SemanticModel? model = await context.Document.GetSemanticModelAsync(context.CancellationToken).ConfigureAwait(false);
        if (root is null || model is null)
        {
            return;
        }

        foreach (Diagnostic diagnostic in context.Diagnostics)
        {
            if (!diagnostic.Properties.ContainsKey(CodeFixHelpers.CalleeProperty))
            {
                RegisterFixes(context, diagnostic, root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true), model);
            }
        }
    }

    /// <summary>Registers the fixes for one diagnostic reported at <paramref name="node"/>.</summary>
    /// <param name="context">The fix context.</param>
    /// <param name="diagnostic">The diagnostic.</param>
    /// <param name="node">The node at the diagnostic's location.</param>
    /// <param name="model">The document's semantic model.</param>
    protected abstract void RegisterFixes(CodeFixContext context, Diagnostic diagnostic, SyntaxNode node, SemanticModel model);

    /// <summary>
    /// The task index of the code around <paramref name="node"/>: in a lambda or local function, its first int or long
    /// parameter (<c>Parallel.For</c>'s <c>i</c>); in a <c>[Parallelize]</c> method, <c>ParallelContext.ItemIndex</c>
    /// (the item's position, whatever the parameters are); in another method, its first int or long parameter. Null
    /// when there is none. <paramref name="body"/> is the lambda or method it belongs to.
    /// </summary>
    internal static TaskIndex? FindIndex(SyntaxNode node, SemanticModel model, CancellationToken cancellationToken, out SyntaxNode? body)
    {
        body = null;
        foreach (SyntaxNode ancestor in node.Ancestors())
        {
            if (ancestor is not (AnonymousFunctionExpressionSyntax or LocalFunctionStatementSyntax or BaseMethodDeclarationSyntax))
            {
                continue;
            }

            body = ancestor;
            ISymbol? symbol = ancestor is AnonymousFunctionExpressionSyntax
                ? model.GetSymbolInfo(ancestor, cancellationToken).Symbol
                : model.GetDeclaredSymbol(ancestor, cancellationToken);
            var method = symbol as IMethodSymbol;
            if (ancestor is BaseMethodDeclarationSyntax && method is not null && IsParallelize(method)
                && model.Compilation.GetTypeByMetadataName("ParallelGen.ParallelContext") is { } context
                && context.GetMembers("ItemIndex").OfType<IPropertySymbol>().Any())
            {
                return new TaskIndex("ParallelContext.ItemIndex", null, context);
            }

            IParameterSymbol? index = method?.Parameters.FirstOrDefault(
                p => p.Type.SpecialType is SpecialType.System_Int32 or SpecialType.System_Int64);
            if (index is not null && !string.IsNullOrEmpty(index.Name) && index.Name != "_")
            {
                return new TaskIndex(index.Name, index.Name, null);
            }

            if (ancestor is BaseMethodDeclarationSyntax)
            {
                return null;
            }
        }

        return null;
    }

    private static bool IsParallelize(IMethodSymbol method) =>
        method.GetAttributes().Any(a => a.AttributeClass is { Name: "ParallelizeAttribute" } c && c.ContainingNamespace?.ToDisplayString() == "ParallelGen");

    /// <summary>An index expression: a parameter's name, or <c>ParallelContext.ItemIndex</c>.</summary>
    internal sealed class TaskIndex(string title, string? parameter, INamedTypeSymbol? parallelContext)
    {
        /// <summary>How the fix's title shows it.</summary>
        public string Title { get; } = title;

        /// <summary>The expression, for <paramref name="generator"/>.</summary>
        public SyntaxNode Expression(SyntaxGenerator generator) =>
            parameter is not null
                ? generator.IdentifierName(parameter)
                : generator.MemberAccessExpression(CodeFixHelpers.TypeReference(generator, parallelContext!), "ItemIndex");
    }
}
