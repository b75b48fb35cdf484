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

/// <summary>PG0001: replaces a shared <c>Random</c> used as the receiver of a call with <c>Random.Shared</c>.</summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(UseRandomSharedCodeFixProvider))]
[Shared]
public sealed class UseRandomSharedCodeFixProvider : CodeFixProvider
{
    private const string Title = "Use Random.Shared";

    /// <inheritdoc/>
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create("PG0001");

    /// <inheritdoc/>
    public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

    /// <inheritdoc/>
    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        SyntaxNode? root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        SemanticModel? model = await context.Document.GetSemanticModelAsync(context.CancellationToken).ConfigureAwait(false);
        if (root is null || model is null)
        {
            return;
        }

        foreach (Diagnostic diagnostic in context.Diagnostics)
        {
            if (diagnostic.Properties.ContainsKey(CodeFixHelpers.CalleeProperty) ||
                root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true) is not ExpressionSyntax receiver ||
                receiver.Parent is not MemberAccessExpressionSyntax { Parent: InvocationExpressionSyntax } access ||
                access.Expression != receiver)
            {
                continue;
            }

            // Only an exact System.Random: a subclass may override Next with behaviour Random.Shared lacks.
            INamedTypeSymbol? random = model.Compilation.GetTypeByMetadataName("System.Random");
            if (random is null ||
                !SymbolEqualityComparer.Default.Equals(model.GetTypeInfo(receiver, context.CancellationToken).Type, random) ||
                !random.GetMembers("Shared").OfType<IPropertySymbol>().Any(p => p.IsStatic))
            {
                continue;
            }

            context.RegisterCodeFix(
                CodeAction.Create(Title, ct => ReplaceAsync(context.Document, receiver, random, ct), equivalenceKey: Title),
                diagnostic);
        }
    }

    private static async Task<Document> ReplaceAsync(Document document, ExpressionSyntax receiver, INamedTypeSymbol random, CancellationToken cancellationToken)
    {
        DocumentEditor editor = await DocumentEditor.CreateAsync(document, cancellationToken).ConfigureAwait(false);
        SyntaxGenerator generator = editor.Generator;
        SyntaxNode shared = generator.MemberAccessExpression(CodeFixHelpers.TypeReference(generator, random), "Shared")
            .WithTriviaFrom(receiver)
            .WithAdditionalAnnotations(Formatter.Annotation);
        editor.ReplaceNode(receiver, shared);
        return await CodeFixHelpers.FinishAsync(editor.GetChangedDocument(), cancellationToken).ConfigureAwait(false);
    }
}
