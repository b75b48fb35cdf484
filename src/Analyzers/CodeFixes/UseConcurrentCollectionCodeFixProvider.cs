using System.Collections.Generic;
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
using Microsoft.CodeAnalysis.Operations;
using static Microsoft.CodeAnalysis.CSharp.SyntaxFactory;

namespace ParallelGen.CodeFixes;

/// <summary>
/// PG0004: changes a private field's or a local's declared type and creation to the matching concurrent collection
/// (List → ConcurrentBag, Dictionary → ConcurrentDictionary, HashSet → ConcurrentDictionary&lt;T, byte&gt;,
/// Queue → ConcurrentQueue, Stack → ConcurrentStack) and adapts the calls that differ (Dictionary.Add → TryAdd,
/// HashSet.Add/Contains/Remove → TryAdd/ContainsKey/TryRemove). Offered only when every use of the variable in the
/// document has an equivalent on the concurrent type; otherwise (List indexer, Insert, Sort, Queue.Dequeue, ...) not.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(UseConcurrentCollectionCodeFixProvider))]
[Shared]
public sealed class UseConcurrentCollectionCodeFixProvider : CodeFixProvider
{
    private const string EquivalenceKey = "UseConcurrentCollection";

    /// <inheritdoc/>
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create("PG0004");

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
                GetReceiver(root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true)) is not { } receiver ||
                Planner.TryPlan(receiver, model, context.CancellationToken) is not { } plan)
            {
                continue;
            }

            string title = $"Use {plan.NewType.ToDisplayString(SymbolDisplayFormat.MinimallyQualifiedFormat)}";
            context.RegisterCodeFix(
                CodeAction.Create(title, ct => ApplyAsync(context.Document, plan, ct), EquivalenceKey),
                diagnostic);
        }
    }

    private static ExpressionSyntax? GetReceiver(SyntaxNode node) => node switch
    {
        InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax access } => access.Expression,
        AssignmentExpressionSyntax { Left: ElementAccessExpressionSyntax element } => element.Expression,
        PostfixUnaryExpressionSyntax { Operand: ElementAccessExpressionSyntax element } => element.Expression,
        PrefixUnaryExpressionSyntax { Operand: ElementAccessExpressionSyntax element } => element.Expression,
        _ => null,
    };

    private static async Task<Document> ApplyAsync(Document document, Plan plan, CancellationToken cancellationToken)
    {
        DocumentEditor editor = await DocumentEditor.CreateAsync(document, cancellationToken).ConfigureAwait(false);
        SyntaxGenerator generator = editor.Generator;
        TypeSyntax NewType() => (TypeSyntax)CodeFixHelpers.TypeReference(generator, plan.NewType);

        if (plan.DeclaredType is { IsVar: false } declared)
        {
            editor.ReplaceNode(declared, NewType().WithTriviaFrom(declared));
        }

        foreach (ObjectCreationExpressionSyntax creation in plan.Creations)
        {
            editor.ReplaceNode(creation.Type, NewType().WithTriviaFrom(creation.Type));
        }

        foreach (KeyValuePair<InvocationExpressionSyntax, Rewrite> call in plan.Calls)
        {
            Rewrite rewrite = call.Value;
            editor.ReplaceNode(call.Key, (current, _) =>
            {
                var invocation = (InvocationExpressionSyntax)current;
                var access = (MemberAccessExpressionSyntax)invocation.Expression;
                ArgumentListSyntax arguments = invocation.ArgumentList;
                if (rewrite.ExtraArgument is { } extra)
                {
                    arguments = arguments.AddArguments(extra);
                }

                return invocation
                    .WithExpression(access.WithName(IdentifierName(rewrite.NewName).WithTriviaFrom(access.Name)))
                    .WithArgumentList(arguments)
                    .WithAdditionalAnnotations(Formatter.Annotation);
            });
        }

        return await CodeFixHelpers.FinishAsync(editor.GetChangedDocument(), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>A call to adapt: its new name and an argument to append (<c>0</c> for the byte value, <c>out _</c>).</summary>
    private sealed class Rewrite
    {
        public Rewrite(string newName, ArgumentSyntax? extraArgument)
        {
            NewName = newName;
            ExtraArgument = extraArgument;
        }

        public string NewName { get; }

        public ArgumentSyntax? ExtraArgument { get; }
    }

    private sealed class Plan
    {
        public Plan(INamedTypeSymbol newType, TypeSyntax? declaredType, List<ObjectCreationExpressionSyntax> creations, Dictionary<InvocationExpressionSyntax, Rewrite> calls)
        {
            NewType = newType;
            DeclaredType = declaredType;
            Creations = creations;
            Calls = calls;
        }

        public INamedTypeSymbol NewType { get; }

        public TypeSyntax? DeclaredType { get; }

        public List<ObjectCreationExpressionSyntax> Creations { get; }

        public Dictionary<InvocationExpressionSyntax, Rewrite> Calls { get; }
    }

    private enum Kind
    {
        List,
        Dictionary,
        HashSet,
        Queue,
        Stack,
    }

    /// <summary>Checks every use of the variable and collects the edits; any use without an equivalent means no fix.</summary>
    private static class Planner
    {
        public static Plan? TryPlan(ExpressionSyntax receiver, SemanticModel model, CancellationToken cancellationToken)
        {
            ISymbol? symbol = model.GetSymbolInfo(receiver, cancellationToken).Symbol;
            ITypeSymbol? type = symbol switch
            {
                IFieldSymbol { DeclaredAccessibility: Accessibility.Private, IsConst: false } field => field.Type,
                ILocalSymbol { IsRef: false } local => local.Type,
                _ => null,
            };
            if (type is not INamedTypeSymbol named || Classify(named) is not { } kind ||
                NewType(named, kind, model.Compilation) is not { } newType ||
                symbol!.DeclaringSyntaxReferences.Length != 1 ||
                symbol.DeclaringSyntaxReferences[0].GetSyntax(cancellationToken) is not VariableDeclaratorSyntax declarator ||
                declarator.SyntaxTree != receiver.SyntaxTree ||
                declarator.Parent is not VariableDeclarationSyntax { Variables.Count: 1 } declaration)
            {
                return null;
            }

            // Every use must be visible: a private field's whole type, or the local's enclosing member, in this document.
            var scopes = new List<SyntaxNode>();
            if (symbol is IFieldSymbol)
            {
                foreach (SyntaxReference reference in symbol.ContainingType.DeclaringSyntaxReferences)
                {
                    if (reference.SyntaxTree != receiver.SyntaxTree)
                    {
                        return null;
                    }

                    scopes.Add(reference.GetSyntax(cancellationToken));
                }
            }
            else if (declarator.FirstAncestorOrSelf<MemberDeclarationSyntax>() is { } member)
            {
                scopes.Add(member);
            }
            else if (declarator.FirstAncestorOrSelf<CompilationUnitSyntax>() is { } unit)
            {
                scopes.Add(unit); // a top-level statement's local
            }

            var creations = new List<ObjectCreationExpressionSyntax>();
            var calls = new Dictionary<InvocationExpressionSyntax, Rewrite>();
            if (declarator.Initializer is { } initializer &&
                !TryAddCreation(model.GetOperation(initializer.Value, cancellationToken), named, kind, creations))
            {
                return null;
            }

            foreach (SyntaxNode scope in scopes)
            {
                foreach (IdentifierNameSyntax identifier in scope.DescendantNodes().OfType<IdentifierNameSyntax>())
                {
                    if (identifier.Identifier.ValueText != symbol.Name ||
                        !SymbolEqualityComparer.Default.Equals(model.GetSymbolInfo(identifier, cancellationToken).Symbol, symbol))
                    {
                        continue;
                    }

                    SyntaxNode expression = identifier.Parent is MemberAccessExpressionSyntax access && access.Name == identifier ? access : identifier;
                    if (model.GetOperation(expression, cancellationToken) is not { } reference ||
                        !IsCompatibleUse(reference, named, kind, newType, model.Compilation, creations, calls))
                    {
                        return null;
                    }
                }
            }

            return new Plan(newType, declaration.Type, creations, calls);
        }

        private static Kind? Classify(INamedTypeSymbol type)
        {
            if (type.ContainingNamespace?.ToDisplayString() != "System.Collections.Generic")
            {
                return null;
            }

            return type.MetadataName switch
            {
                "List`1" => Kind.List,
                "Dictionary`2" => Kind.Dictionary,
                "HashSet`1" => Kind.HashSet,
                "Queue`1" => Kind.Queue,
                "Stack`1" => Kind.Stack,
                _ => null,
            };
        }

        private static INamedTypeSymbol? NewType(INamedTypeSymbol type, Kind kind, Compilation compilation)
        {
            string name = kind switch
            {
                Kind.List => "System.Collections.Concurrent.ConcurrentBag`1",
                Kind.Dictionary or Kind.HashSet => "System.Collections.Concurrent.ConcurrentDictionary`2",
                Kind.Queue => "System.Collections.Concurrent.ConcurrentQueue`1",
                _ => "System.Collections.Concurrent.ConcurrentStack`1",
            };
            INamedTypeSymbol? definition = compilation.GetTypeByMetadataName(name);
            if (definition is null)
            {
                return null;
            }

            return kind == Kind.HashSet
                ? definition.Construct(type.TypeArguments[0], compilation.GetSpecialType(SpecialType.System_Byte))
                : definition.Construct(type.TypeArguments.ToArray());
        }

        private static bool IsCompatibleUse(
            IOperation reference,
            INamedTypeSymbol oldType,
            Kind kind,
            INamedTypeSymbol newType,
            Compilation compilation,
            List<ObjectCreationExpressionSyntax> creations,
            Dictionary<InvocationExpressionSyntax, Rewrite> calls)
        {
            switch (reference.Parent)
            {
                case IInvocationOperation invocation when invocation.Instance == reference:
                    if (invocation.Syntax is not InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax } syntax ||
                        MapCall(kind, invocation) is not { } rewrite)
                    {
                        return false;
                    }

                    if (rewrite.NewName != invocation.TargetMethod.Name || rewrite.ExtraArgument is not null)
                    {
                        calls[syntax] = rewrite;
                    }

                    return true;

                case IPropertyReferenceOperation property when property.Instance == reference:
                    return property.Property.Name == "Count" || (kind == Kind.Dictionary && (property.Property.IsIndexer || property.Property.Name is "Keys" or "Values"));

                case IForEachLoopOperation loop when loop.Collection == reference:
                    return kind != Kind.HashSet;

                case IConversionOperation { IsImplicit: true } conversion when conversion.Operand == reference:
                    if (conversion.Parent is IForEachLoopOperation)
                    {
                        return kind != Kind.HashSet;
                    }

                    Conversion classified = compilation.ClassifyConversion(newType, conversion.Type!);
                    return classified.IsIdentity || (classified.IsImplicit && classified.IsReference);

                case IAssignmentOperation assignment when assignment.Target == reference:
                    return assignment is ISimpleAssignmentOperation && TryAddCreation(assignment.Value, oldType, kind, creations);

                case ILockOperation or INameOfOperation:
                    return true;

                default:
                    return false;
            }
        }

        private static Rewrite? MapCall(Kind kind, IInvocationOperation invocation)
        {
            string name = invocation.TargetMethod.Name;
            int arguments = invocation.Arguments.Length;
            ArgumentSyntax Discard() => Argument(IdentifierName("_")).WithRefKindKeyword(Token(SyntaxKind.OutKeyword));

            return (kind, name, arguments) switch
            {
                (Kind.List, "Add" or "Clear" or "ToArray", _) => new Rewrite(name, null),
                (Kind.Dictionary, "Add", 2) => new Rewrite("TryAdd", null),
                (Kind.Dictionary, "TryAdd" or "TryGetValue" or "ContainsKey" or "Clear" or "ToArray", _) => new Rewrite(name, null),
                (Kind.Dictionary, "Remove", 1) => new Rewrite("TryRemove", Discard()),
                (Kind.Dictionary, "Remove", 2) => new Rewrite("TryRemove", null),
                (Kind.HashSet, "Add", 1) => new Rewrite("TryAdd", Argument(LiteralExpression(SyntaxKind.NumericLiteralExpression, Literal(0)))),
                (Kind.HashSet, "Contains", 1) => new Rewrite("ContainsKey", null),
                (Kind.HashSet, "Remove", 1) => new Rewrite("TryRemove", Discard()),
                (Kind.HashSet, "Clear", 0) => new Rewrite(name, null),
                (Kind.Queue, "Enqueue" or "TryDequeue" or "TryPeek" or "Clear" or "ToArray", _) => new Rewrite(name, null),
                (Kind.Stack, "Push" or "TryPop" or "TryPeek" or "Clear" or "ToArray", _) => new Rewrite(name, null),
                _ => null,
            };
        }

        /// <summary>Accepts <c>new X()</c> (or with only a comparer, for dictionaries and sets) with no elements.</summary>
        private static bool TryAddCreation(IOperation? value, INamedTypeSymbol oldType, Kind kind, List<ObjectCreationExpressionSyntax> creations)
        {
            while (value is IConversionOperation { IsImplicit: true } conversion)
            {
                value = conversion.Operand;
            }

            if (value is IDefaultValueOperation || value is ILiteralOperation { ConstantValue: { HasValue: true, Value: null } })
            {
                return true; // null / default: nothing to convert
            }

            if (value is not IObjectCreationOperation creation ||
                !SymbolEqualityComparer.Default.Equals(creation.Type, oldType) ||
                creation.Initializer is { Initializers.Length: > 0 })
            {
                return false;
            }

            bool argumentsOk = creation.Arguments.Length == 0 ||
                (creation.Arguments.Length == 1 && kind is Kind.Dictionary or Kind.HashSet &&
                 creation.Arguments[0].Parameter?.Type is INamedTypeSymbol { Name: "IEqualityComparer" });
            if (!argumentsOk)
            {
                return false;
            }

            if (creation.Syntax is ObjectCreationExpressionSyntax explicitCreation)
            {
                creations.Add(explicitCreation);
            }

            return creation.Syntax is ObjectCreationExpressionSyntax or ImplicitObjectCreationExpressionSyntax;
        }
    }
}
