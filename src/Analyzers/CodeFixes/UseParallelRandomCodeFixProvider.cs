using System.Collections.Immutable;
using System.Composition;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Editing;
using Microsoft.CodeAnalysis.Formatting;

namespace ParallelGen.CodeFixes;

/// <summary>
/// PG0002: replaces <c>new Random(seed)</c> with <c>ParallelRandom.For(seed, index)</c>, where the index is the first
/// integer parameter of the enclosing lambda or method (<c>Parallel.For</c>'s <c>i</c>, a <c>[Parallelize]</c> method's
/// chunk number). Offered only when that parameter exists and the project references ParallelGen's runtime.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(UseParallelRandomCodeFixProvider))]
[Shared]
public sealed class UseParallelRandomCodeFixProvider : CodeFixProvider
{
    /// <inheritdoc/>
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create("PG0002");

    /// <inheritdoc/>
    public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

    /// <inheritdoc/>
    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        SyntaxNode? root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        SemanticModel? model = await context.Document.GetSemanticModelAsync(context.CancellationToken).ConfigureAwait(false);
        INamedTypeSymbol? parallelRandom = model?.Compilation.GetTypeByMetadataName("ParallelGen.ParallelRandom");
        if (root is null || model is null || parallelRandom is null)
        {
            return;
        }

        foreach (Diagnostic diagnostic in context.Diagnostics)
        {
            if (diagnostic.Properties.ContainsKey(CodeFixHelpers.CalleeProperty) ||
                root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true) is not BaseObjectCreationExpressionSyntax
                {
                    ArgumentList.Arguments: { Count: 1 } arguments,
                } creation ||
                IndexParameter(creation, model, context.CancellationToken) is not { } index)
            {
                continue;
            }

            string title = $"Use ParallelRandom.For(seed, {index})";
            context.RegisterCodeFix(
                CodeAction.Create(
                    title,
                    ct => ReplaceAsync(context.Document, creation, arguments[0].Expression, index, parallelRandom, ct),
                    equivalenceKey: nameof(UseParallelRandomCodeFixProvider)),
                diagnostic);
        }
    }

    /// <summary>The first int or long parameter of the innermost lambda or method around <paramref name="node"/>.</summary>
    private static string? IndexParameter(SyntaxNode node, SemanticModel model, CancellationToken cancellationToken)
    {
        foreach (SyntaxNode ancestor in node.Ancestors())
        {
            if (ancestor is AnonymousFunctionExpressionSyntax or LocalFunctionStatementSyntax or BaseMethodDeclarationSyntax)
            {
                ISymbol? symbol = ancestor is AnonymousFunctionExpressionSyntax
                    ? model.GetSymbolInfo(ancestor, cancellationToken).Symbol
                    : model.GetDeclaredSymbol(ancestor, cancellationToken);
                IParameterSymbol? index = (symbol as IMethodSymbol)?.Parameters.FirstOrDefault(
                    p => p.Type.SpecialType is SpecialType.System_Int32 or SpecialType.System_Int64);
                if (index is not null && !string.IsNullOrEmpty(index.Name) && index.Name != "_")
                {
                    return index.Name;
                }

                if (ancestor is BaseMethodDeclarationSyntax)
                {
                    return null;
                }
            }
        }

        return null;
    }

    private static async Task<Document> ReplaceAsync(
        Document document, BaseObjectCreationExpressionSyntax creation, ExpressionSyntax seed, string index,
        INamedTypeSymbol parallelRandom, CancellationToken cancellationToken)
    {
        DocumentEditor editor = await DocumentEditor.CreateAsync(document, cancellationToken).ConfigureAwait(false);
        SyntaxGenerator generator = editor.Generator;
        SyntaxNode call = generator.InvocationExpression(
                generator.MemberAccessExpression(CodeFixHelpers.TypeReference(generator, parallelRandom), "For"),
                seed.WithoutTrivia(),
                generator.IdentifierName(index))
            .WithTriviaFrom(creation)
            .WithAdditionalAnnotations(Formatter.Annotation);
        editor.ReplaceNode(creation, call);
        return await CodeFixHelpers.FinishAsync(editor.GetChangedDocument(), cancellationToken).ConfigureAwait(false);
    }
}
