using System.Collections.Immutable;
using System.Composition;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Editing;
using Microsoft.CodeAnalysis.Formatting;
using Microsoft.CodeAnalysis.Simplification;
using static Microsoft.CodeAnalysis.CSharp.SyntaxFactory;

namespace ParallelGen.CodeFixes;

/// <summary>
/// PG0003: turns <c>x++</c>, <c>x--</c>, <c>++x</c>, <c>--x</c>, <c>x += e</c> and <c>x -= e</c> on an int, long, uint or
/// ulong field or captured local into the matching <c>Interlocked</c> call. Offered only where the result is equivalent:
/// not for properties, not for a postfix increment whose old value is used, not for <c>-=</c> on unsigned types.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(UseInterlockedCodeFixProvider))]
[Shared]
public sealed class UseInterlockedCodeFixProvider : CodeFixProvider
{
    private const string Title = "Use Interlocked";

    /// <inheritdoc/>
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create("PG0003");

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

        INamedTypeSymbol? interlocked = model.Compilation.GetTypeByMetadataName("System.Threading.Interlocked");
        if (interlocked is null)
        {
            return;
        }

        foreach (Diagnostic diagnostic in context.Diagnostics)
        {
            if (diagnostic.Properties.ContainsKey(CodeFixHelpers.CalleeProperty) ||
                root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true) is not ExpressionSyntax write ||
                !TryPlan(write, model, interlocked, context.CancellationToken, out Plan plan))
            {
                continue;
            }

            context.RegisterCodeFix(
                CodeAction.Create(Title, ct => ApplyAsync(context.Document, write, plan, interlocked, ct), equivalenceKey: Title),
                diagnostic);
        }
    }

    private static bool TryPlan(ExpressionSyntax write, SemanticModel model, INamedTypeSymbol interlocked, CancellationToken cancellationToken, out Plan plan)
    {
        plan = default;
        ExpressionSyntax target;
        ExpressionSyntax? amount = null;
        string method;
        bool negate = false;
        switch (write)
        {
            case PostfixUnaryExpressionSyntax postfix when IsValueDiscarded(postfix, model, cancellationToken):
                // x++ as a statement; as a value it is the old value, which Increment does not return.
                target = postfix.Operand;
                method = postfix.IsKind(SyntaxKind.PostIncrementExpression) ? "Increment" : "Decrement";
                break;
            case PrefixUnaryExpressionSyntax prefix when prefix.IsKind(SyntaxKind.PreIncrementExpression) || prefix.IsKind(SyntaxKind.PreDecrementExpression):
                // ++x is the new value, exactly what Increment returns.
                target = prefix.Operand;
                method = prefix.IsKind(SyntaxKind.PreIncrementExpression) ? "Increment" : "Decrement";
                break;
            case AssignmentExpressionSyntax assignment when assignment.IsKind(SyntaxKind.AddAssignmentExpression) || assignment.IsKind(SyntaxKind.SubtractAssignmentExpression):
                // x += e is the new value, exactly what Add returns.
                target = assignment.Left;
                amount = assignment.Right;
                method = "Add";
                negate = assignment.IsKind(SyntaxKind.SubtractAssignmentExpression);
                break;
            default:
                return false;
        }

        ISymbol? symbol = model.GetSymbolInfo(target, cancellationToken).Symbol;
        ITypeSymbol? type = symbol switch
        {
            IFieldSymbol { IsReadOnly: false, IsConst: false } field => field.Type,
            ILocalSymbol { IsRef: false, IsConst: false } local => local.Type,
            IParameterSymbol { RefKind: RefKind.None } parameter => parameter.Type,
            _ => null,
        };
        if (type?.SpecialType is not (SpecialType.System_Int32 or SpecialType.System_Int64 or SpecialType.System_UInt32 or SpecialType.System_UInt64))
        {
            return false;
        }

        bool unsigned = type.SpecialType is SpecialType.System_UInt32 or SpecialType.System_UInt64;
        if (negate && unsigned)
        {
            return false; // -(e) is not a uint/ulong
        }

        if (amount is not null && !model.ClassifyConversion(amount, type).IsImplicit)
        {
            return false; // x += someLong on an int field compiles only as a narrowing compound assignment
        }

        // The Interlocked overload must exist for this type (uint/ulong arrived in .NET 5).
        bool exists = interlocked.GetMembers(method).OfType<IMethodSymbol>().Any(m =>
            m.Parameters.Length > 0 && m.Parameters[0].RefKind == RefKind.Ref && SymbolEqualityComparer.Default.Equals(m.Parameters[0].Type, type));
        if (!exists)
        {
            return false;
        }

        plan = new Plan(target, method, amount, negate);
        return true;
    }

    private static bool IsValueDiscarded(ExpressionSyntax expression, SemanticModel model, CancellationToken cancellationToken) =>
        expression.Parent switch
        {
            ExpressionStatementSyntax => true,
            ForStatementSyntax forStatement => forStatement.Incrementors.Contains(expression),
            AnonymousFunctionExpressionSyntax lambda when lambda.ExpressionBody == expression =>
                model.GetSymbolInfo(lambda, cancellationToken).Symbol is IMethodSymbol { ReturnsVoid: true },
            _ => false,
        };

    private static async Task<Document> ApplyAsync(Document document, ExpressionSyntax write, Plan plan, INamedTypeSymbol interlocked, CancellationToken cancellationToken)
    {
        DocumentEditor editor = await DocumentEditor.CreateAsync(document, cancellationToken).ConfigureAwait(false);
        var arguments = SeparatedList(new[]
        {
            Argument(plan.Target.WithoutTrivia()).WithRefKindKeyword(Token(SyntaxKind.RefKeyword)),
        });
        if (plan.Amount is not null)
        {
            ExpressionSyntax amount = plan.Amount.WithoutTrivia();
            if (plan.Negate)
            {
                amount = PrefixUnaryExpression(SyntaxKind.UnaryMinusExpression, ParenthesizedExpression(amount).WithAdditionalAnnotations(Simplifier.Annotation));
            }

            arguments = arguments.Add(Argument(amount));
        }

        var call = InvocationExpression(
                MemberAccessExpression(
                    SyntaxKind.SimpleMemberAccessExpression,
                    (ExpressionSyntax)CodeFixHelpers.TypeReference(editor.Generator, interlocked),
                    IdentifierName(plan.Method)),
                ArgumentList(arguments))
            .WithTriviaFrom(write)
            .WithAdditionalAnnotations(Formatter.Annotation);
        editor.ReplaceNode(write, call);
        return await CodeFixHelpers.FinishAsync(editor.GetChangedDocument(), cancellationToken).ConfigureAwait(false);
    }

    private readonly struct Plan
    {
        public Plan(ExpressionSyntax target, string method, ExpressionSyntax? amount, bool negate)
        {
            Target = target;
            Method = method;
            Amount = amount;
            Negate = negate;
        }

        public ExpressionSyntax Target { get; }

        public string Method { get; }

        public ExpressionSyntax? Amount { get; }

        public bool Negate { get; }
    }
}
