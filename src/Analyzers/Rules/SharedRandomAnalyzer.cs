using System.Collections.Generic;
using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;
using ParallelGen.Analyzers.Internal;

namespace ParallelGen.Analyzers;

/// <summary>
/// PG0001: a <c>System.Random</c> shared by all iterations (field, static, captured local) called, or passed to a
/// <c>Random</c> parameter, in parallel code.
/// PG0002: a <c>Random</c> created in parallel code with a seed that is the same for every iteration: a constant, or
/// a value read only from statics, fields and captured locals of the sequential code around it (<see cref="SeedInvariance"/>).
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class SharedRandomAnalyzer : DiagnosticAnalyzer, IParallelRule
{
    /// <inheritdoc/>
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
        ImmutableArray.Create(DiagnosticDescriptors.SharedRandom, DiagnosticDescriptors.ConstantSeedRandom);

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
        if (operation.Kind is not (OperationKind.Invocation or OperationKind.ObjectCreation or OperationKind.Argument))
        {
            return;
        }

        switch (operation)
        {
            case IArgumentOperation { Parameter: { RefKind: RefKind.None } parameter, Value: { } value }
                when !context.InLock && context.Known.IsRandom(parameter.Type) && context.Known.IsRandom(value.Type):
                // Bootstrap(n, _random): the callee draws from the shared instance (a parameter is not shared in
                // the callee's own analysis, so this is where it is seen).
                ReportShared(value, context, findings);
                break;

            case IInvocationOperation { Instance: { } receiver } when !context.InLock && context.Known.IsRandom(receiver.Type):
                ReportShared(receiver, context, findings);
                break;

            case IObjectCreationOperation { Arguments.Length: 1 } creation
                when context.Known.Random is not null &&
                     SymbolEqualityComparer.Default.Equals(creation.Type, context.Known.Random):
                IOperation seed = creation.Arguments[0].Value;
                if (seed.ConstantValue is { HasValue: true, Value: { } constant })
                {
                    findings.Add(new Finding(DiagnosticDescriptors.ConstantSeedRandom, creation.Syntax.GetLocation(), viaThis: false, constant));
                }
                else if (SeedInvariance.IsInvariant(seed, context, out bool viaThis))
                {
                    // The same value for every iteration, but a body that runs once (a Parallel.Invoke action,
                    // Delayed.Call, Submit) may be meant to use it: reported only where the body repeats.
                    findings.Add(new Finding(DiagnosticDescriptors.ConstantSeedRandom, creation.Syntax.GetLocation(), viaThis, "'" + seed.Syntax + "'")
                    {
                        RepeatedBodiesOnly = true,
                    });
                }

                break;
        }
    }

    private static void ReportShared(IOperation random, in BodyContext context, List<Finding> findings)
    {
        Sharing sharing = context.Classify(random, out ISymbol? shared, asReceiver: true);
        if (sharing != Sharing.NotShared && shared is not null)
        {
            findings.Add(new Finding(DiagnosticDescriptors.SharedRandom, random.Syntax.GetLocation(), sharing == Sharing.SharedViaThis, shared.Name)
            {
                SharedPaths = SharedState.Paths(random, context.Root),
            });
        }
    }

    string IParallelRule.DescribePlace(DiagnosticDescriptor descriptor, string? callee) =>
        descriptor == DiagnosticDescriptors.ConstantSeedRandom
            ? callee is null ? " in parallel code" : $" in '{callee}' called from parallel code"
            : callee is null ? string.Empty : $" in '{callee}' called from parallel code";
}
