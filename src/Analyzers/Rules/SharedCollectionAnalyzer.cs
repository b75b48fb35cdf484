using System.Collections.Generic;
using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;
using ParallelGen.Analyzers.Internal;

namespace ParallelGen.Analyzers;

/// <summary>
/// PG0004: a non-thread-safe collection (List, Dictionary, HashSet, Queue, Stack, sorted and linked collections) that
/// all iterations share, mutated in parallel code (Add, Remove, Clear, Insert, Enqueue, Push, a dictionary's indexer
/// set, ...). Concurrent and immutable collections, collections created in the body and calls inside <c>lock</c> are
/// not reported.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class SharedCollectionAnalyzer : DiagnosticAnalyzer, IParallelRule
{
    /// <inheritdoc/>
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
        ImmutableArray.Create(DiagnosticDescriptors.SharedCollectionMutation);

    bool IParallelRule.AnalyzesParallelApiCalls => true;

    bool IParallelRule.SkipsNestedParallelBodies => true;

    /// <inheritdoc/>
    public override void Initialize(AnalysisContext context)
    {
        context.EnableConcurrentExecution();
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        ParallelCodeEngine.Register(context, this);
    }

    bool IParallelRule.AppliesTo(IMethodSymbol method, AttributeData parallelizeAttribute) => true;

    void IParallelRule.AnalyzeOperation(IOperation operation, in BodyContext context, List<Finding> findings)
    {
        if (context.InLock ||
            operation.Kind is not (OperationKind.Invocation or OperationKind.SimpleAssignment or OperationKind.CompoundAssignment or
                                   OperationKind.CoalesceAssignment or OperationKind.Increment or OperationKind.Decrement))
        {
            return;
        }

        switch (operation)
        {
            case IInvocationOperation { Instance: { } receiver } invocation
                when CollectionKinds.IsMutator(invocation.TargetMethod.Name) &&
                     CollectionKinds.Classify(invocation.TargetMethod.ContainingType?.OriginalDefinition) != CollectionKind.None:
                Check(receiver, invocation.TargetMethod.Name, invocation, context, findings);
                break;

            case IAssignmentOperation { Target: IPropertyReferenceOperation { Property.IsIndexer: true, Instance: { } receiver } indexer } assignment
                when CollectionKinds.IndexerSetMutates(indexer.Property.ContainingType):
                Check(receiver, "this[]", assignment, context, findings);
                break;

            case IIncrementOrDecrementOperation { Target: IPropertyReferenceOperation { Property.IsIndexer: true, Instance: { } receiver } indexer } increment
                when CollectionKinds.IndexerSetMutates(indexer.Property.ContainingType):
                Check(receiver, "this[]", increment, context, findings);
                break;
        }
    }

    string IParallelRule.DescribePlace(DiagnosticDescriptor descriptor, string? callee) =>
        callee is null ? string.Empty : $" in '{callee}' called from parallel code";

    private static void Check(IOperation receiver, string member, IOperation mutation, in BodyContext context, List<Finding> findings)
    {
        Sharing sharing = context.Classify(receiver, out ISymbol? shared, asReceiver: true);
        if (sharing == Sharing.NotShared || shared is null || receiver.Type is not INamedTypeSymbol type)
        {
            return;
        }

        findings.Add(new Finding(
            DiagnosticDescriptors.SharedCollectionMutation,
            mutation.Syntax.GetLocation(),
            sharing == Sharing.SharedViaThis,
            shared.Name,
            type.ToDisplayString(SymbolDisplayFormat.MinimallyQualifiedFormat),
            member,
            CollectionKinds.DescribeReplacement(type))
        {
            SharedPaths = SharedState.Paths(receiver, context.Root),
        });
    }
}
