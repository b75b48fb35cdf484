using System.Collections.Immutable;
using System.Composition;
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
/// PG0002: replaces <c>new Random(seed)</c> with <c>ParallelRandom.For(seed, index)</c>, where the index is the task
/// index of the code around it (<see cref="RandomCodeFixProvider.FindIndex"/>: <c>Parallel.For</c>'s <c>i</c>, a
/// <c>[Parallelize]</c> method's <c>ParallelContext.ItemIndex</c>). Offered only when there is one and the project
/// references ParallelGen's runtime.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(UseParallelRandomCodeFixProvider))]
[Shared]
public sealed class UseParallelRandomCodeFixProvider : RandomCodeFixProvider
{
    /// <inheritdoc/>
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create("PG0002");

    /// <inheritdoc/>
    protected override void RegisterFixes(CodeFixContext context, Diagnostic diagnostic, SyntaxNode node, SemanticModel model)
    {
        if (model.Compilation.GetTypeByMetadataName("ParallelGen.ParallelRandom") is not { } parallelRandom ||
            node is not BaseObjectCreationExpressionSyntax { ArgumentList.Arguments: { Count: 1 } arguments } creation ||
            FindIndex(creation, model, context.CancellationToken, out _) is not { } index)
        {
            return;
        }

        context.RegisterCodeFix(
            CodeAction.Create(
                $"Use ParallelRandom.For(seed, {index.Title})",
                ct => ReplaceAsync(context.Document, creation, arguments[0].Expression, index, parallelRandom, ct),
                equivalenceKey: nameof(UseParallelRandomCodeFixProvider)),
            diagnostic);
    }

    private static async Task<Document> ReplaceAsync(
        Document document, BaseObjectCreationExpressionSyntax creation, ExpressionSyntax seed, TaskIndex index,
        INamedTypeSymbol parallelRandom, CancellationToken cancellationToken)
    {
        DocumentEditor editor = await DocumentEditor.CreateAsync(document, cancellationToken).ConfigureAwait(false);
        SyntaxGenerator generator = editor.Generator;
        SyntaxNode call = generator.InvocationExpression(
                generator.MemberAccessExpression(CodeFixHelpers.TypeReference(generator, parallelRandom), "For"),
                seed.WithoutTrivia(),
                index.Expression(generator))
            .WithTriviaFrom(creation)
            .WithAdditionalAnnotations(Formatter.Annotation);
        editor.ReplaceNode(creation, call);
        return await CodeFixHelpers.FinishAsync(editor.GetChangedDocument(), cancellationToken).ConfigureAwait(false);
    }
}
