using System.Collections.Generic;
using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;
using ParallelGen.Analyzers.Internal;

namespace ParallelGen.Analyzers;

/// <summary>
/// PG0003: an unsynchronized write (<c>x++</c>, <c>x += y</c>, <c>x = y</c>, <c>x ??= y</c>, deconstruction) to a
/// static field or auto-property, a captured local or parameter, or a field or auto-property of a shared object in
/// parallel code. Writes inside
/// <c>lock</c>, to <c>[ThreadStatic]</c> fields, to array elements and through Interlocked/Volatile are not reported.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class RacyWriteAnalyzer : DiagnosticAnalyzer, IParallelRule
{
    /// <inheritdoc/>
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
        ImmutableArray.Create(DiagnosticDescriptors.RacyWrite);

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
            operation.Kind is not (OperationKind.SimpleAssignment or OperationKind.CompoundAssignment or OperationKind.CoalesceAssignment or
                                   OperationKind.DeconstructionAssignment or OperationKind.Increment or OperationKind.Decrement))
        {
            return;
        }

        switch (operation)
        {
            case IDeconstructionAssignmentOperation { Target: ITupleOperation tuple }:
                foreach (IOperation element in tuple.Elements)
                {
                    Check(element, element, context, findings);
                }

                break;
            case IAssignmentOperation assignment:
                Check(assignment.Target, assignment, context, findings);
                break;
            case IIncrementOrDecrementOperation increment:
                Check(increment.Target, increment, context, findings);
                break;
        }
    }

    string IParallelRule.DescribePlace(DiagnosticDescriptor descriptor, string? callee) =>
        callee is null ? string.Empty : $" in '{callee}' called from parallel code";

    private static void Check(IOperation target, IOperation write, in BodyContext context, List<Finding> findings)
    {
        // Variables, and auto-properties of this assembly (plain fields underneath). Other properties may synchronize
        // in their setters; indexers and array elements are per-item.
        bool variable = target switch
        {
            IFieldReferenceOperation or ILocalReferenceOperation or IParameterReferenceOperation => true,
            IPropertyReferenceOperation { Property: { IsIndexer: false } property } => context.Known.IsInThisAssembly(property),
            _ => false,
        };
        if (!variable)
        {
            return;
        }

        Sharing sharing = context.Classify(target, out ISymbol? shared);
        if (sharing != Sharing.NotShared && shared is not null)
        {
            findings.Add(new Finding(DiagnosticDescriptors.RacyWrite, write.Syntax.GetLocation(), sharing == Sharing.SharedViaThis, shared.Name)
            {
                SharedPaths = SharedState.Paths(target, context.Root),
            });
        }
    }
}
