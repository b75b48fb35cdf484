using System.Collections.Generic;
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
/// PG0001: a shared <c>Random</c> used as the receiver of a call. Two fixes: <c>Random.Shared</c> (thread-safe, not
/// reproducible), and — when the shared instance was created with a constant seed, the parallel body is a block and
/// has a task index (<see cref="RandomCodeFixProvider.FindIndex"/>) — one generator per task,
/// <c>var random = ParallelRandom.For(seed, index);</c> at the body's start, used instead of the shared instance
/// everywhere in the body (reproducible for any Jobs, batch size or backend).
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(UseRandomSharedCodeFixProvider))]
[Shared]
public sealed class UseRandomSharedCodeFixProvider : RandomCodeFixProvider
{
    private const string Title = "Use Random.Shared";

    /// <inheritdoc/>
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create("PG0001");

    /// <inheritdoc/>
    protected override void RegisterFixes(CodeFixContext context, Diagnostic diagnostic, SyntaxNode node, SemanticModel model)
    {
        if (node is not ExpressionSyntax receiver ||
            receiver.Parent is not MemberAccessExpressionSyntax { Parent: InvocationExpressionSyntax } access ||
            access.Expression != receiver)
        {
            return;
        }

        // Only an exact System.Random: a subclass may override Next with behaviour Random.Shared lacks.
        INamedTypeSymbol? random = model.Compilation.GetTypeByMetadataName("System.Random");
        if (random is null ||
            !SymbolEqualityComparer.Default.Equals(model.GetTypeInfo(receiver, context.CancellationToken).Type, random))
        {
            return;
        }

        if (random.GetMembers("Shared").OfType<IPropertySymbol>().Any(p => p.IsStatic))
        {
            context.RegisterCodeFix(
                CodeAction.Create(Title, ct => ReplaceWithSharedAsync(context.Document, receiver, random, ct), equivalenceKey: Title),
                diagnostic);
        }

        if (PerTaskFix(receiver, model, context.CancellationToken) is { } fix)
        {
            string title = $"Use ParallelRandom.For({fix.Seed}, {fix.Index.Title}) per task";
            context.RegisterCodeFix(
                CodeAction.Create(title, ct => ReplaceWithPerTaskAsync(context.Document, fix, ct), equivalenceKey: nameof(PerTaskFix)),
                diagnostic);
        }
    }

    private static async Task<Document> ReplaceWithSharedAsync(Document document, ExpressionSyntax receiver, INamedTypeSymbol random, CancellationToken cancellationToken)
    {
        DocumentEditor editor = await DocumentEditor.CreateAsync(document, cancellationToken).ConfigureAwait(false);
        SyntaxGenerator generator = editor.Generator;
        SyntaxNode shared = generator.MemberAccessExpression(CodeFixHelpers.TypeReference(generator, random), "Shared")
            .WithTriviaFrom(receiver)
            .WithAdditionalAnnotations(Formatter.Annotation);
        editor.ReplaceNode(receiver, shared);
        return await CodeFixHelpers.FinishAsync(editor.GetChangedDocument(), cancellationToken).ConfigureAwait(false);
    }

    private sealed record PerTask(BlockSyntax Block, object Seed, TaskIndex Index, List<ExpressionSyntax> Uses, string Name, INamedTypeSymbol ParallelRandom);

    /// <summary>What the per-task fix needs, or null when it does not apply.</summary>
    private static PerTask? PerTaskFix(ExpressionSyntax receiver, SemanticModel model, CancellationToken cancellationToken)
    {
        if (model.Compilation.GetTypeByMetadataName("ParallelGen.ParallelRandom") is not { } parallelRandom ||
            model.GetSymbolInfo(receiver, cancellationToken).Symbol is not { } shared ||
            FindIndex(receiver, model, cancellationToken, out SyntaxNode? body) is not { } index)
        {
            return null;
        }

        BlockSyntax? block = body switch
        {
            AnonymousFunctionExpressionSyntax f => f.Block,
            LocalFunctionStatementSyntax f => f.Body,
            BaseMethodDeclarationSyntax m => m.Body,
            _ => null,
        };
        if (block is null || SeedOf(shared, model.Compilation, cancellationToken) is not { } seed)
        {
            return null;
        }

        // Every use of the shared instance in the body (Rng, C.Rng, this._rng).
        var uses = new List<ExpressionSyntax>();
        foreach (IdentifierNameSyntax name in block.DescendantNodes().OfType<IdentifierNameSyntax>())
        {
            if (name.Identifier.ValueText == shared.Name &&
                SymbolEqualityComparer.Default.Equals(model.GetSymbolInfo(name, cancellationToken).Symbol, shared))
            {
                uses.Add(name.Parent is MemberAccessExpressionSyntax m && m.Name == name ? m : name);
            }
        }

        string local = "random";
        for (int n = 2; model.LookupSymbols(block.SpanStart + 1, name: local).Any() || DeclaresLocal(block, local); n++)
        {
            local = "random" + n;
        }

        return new PerTask(block, seed, index, uses, local, parallelRandom);
    }

    private static bool DeclaresLocal(BlockSyntax block, string name) =>
        block.DescendantNodes().Any(n => n is VariableDeclaratorSyntax v && v.Identifier.ValueText == name
            || n is ParameterSyntax p && p.Identifier.ValueText == name);

    /// <summary>The constant seed the shared instance was created with (<c>new Random(42)</c>), or null.</summary>
    private static object? SeedOf(ISymbol shared, Compilation compilation, CancellationToken cancellationToken)
    {
        foreach (SyntaxReference reference in shared.DeclaringSyntaxReferences)
        {
            if (reference.GetSyntax(cancellationToken) is VariableDeclaratorSyntax
                {
                    Initializer.Value: BaseObjectCreationExpressionSyntax { ArgumentList.Arguments: { Count: 1 } arguments },
                } declarator &&
                compilation.GetSemanticModel(declarator.SyntaxTree).GetConstantValue(arguments[0].Expression, cancellationToken) is { HasValue: true, Value: int or long } constant)
            {
                return constant.Value;
            }
        }

        return null;
    }

    private static async Task<Document> ReplaceWithPerTaskAsync(Document document, PerTask fix, CancellationToken cancellationToken)
    {
        DocumentEditor editor = await DocumentEditor.CreateAsync(document, cancellationToken).ConfigureAwait(false);
        SyntaxGenerator generator = editor.Generator;
        foreach (ExpressionSyntax use in fix.Uses)
        {
            editor.ReplaceNode(use, generator.IdentifierName(fix.Name).WithTriviaFrom(use));
        }

        SyntaxNode declaration = generator.LocalDeclarationStatement(
                fix.Name,
                generator.InvocationExpression(
                    generator.MemberAccessExpression(CodeFixHelpers.TypeReference(generator, fix.ParallelRandom), "For"),
                    generator.LiteralExpression(fix.Seed),
                    fix.Index.Expression(generator)))
            .WithAdditionalAnnotations(Formatter.Annotation);
        if (fix.Block.Statements.Count > 0)
        {
            editor.InsertBefore(fix.Block.Statements[0], declaration);
        }
        else
        {
            editor.ReplaceNode(fix.Block, fix.Block.AddStatements((StatementSyntax)declaration));
        }

        return await CodeFixHelpers.FinishAsync(editor.GetChangedDocument(), cancellationToken).ConfigureAwait(false);
    }
}
