using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;
using ParallelGen.Shared;

namespace ParallelGen.Analyzers;

/// <summary>
/// PG0005: a <c>[Parallelize]</c> method the generator cannot handle. The checks are the generator's own
/// (<see cref="ParallelizeTargetRules"/>), so a method is reported exactly when it gets no generated code.
/// Each diagnostic carries the broken rule in its "Reason" property (e.g. NotPartial) for the code fix.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class ParallelizeUsageAnalyzer : DiagnosticAnalyzer
{
    /// <inheritdoc/>
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
        ImmutableArray.Create(DiagnosticDescriptors.InvalidParallelizeTarget);

    /// <inheritdoc/>
    public override void Initialize(AnalysisContext context)
    {
        context.EnableConcurrentExecution();
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.RegisterCompilationStartAction(start =>
        {
            INamedTypeSymbol? attributeType = start.Compilation.GetTypeByMetadataName(ParallelizeTargetRules.AttributeMetadataName);
            if (attributeType is null)
            {
                return;
            }

            // The report delegates are only created for the few methods that have the attribute.
            start.RegisterSymbolAction(
                c =>
                {
                    if (c.Symbol is IMethodSymbol method && HasAttribute(method, attributeType))
                    {
                        Analyze(method, attributeType, c.ReportDiagnostic, c.CancellationToken);
                    }
                },
                SymbolKind.Method);

            // Local functions and lambdas accept method attributes too, but are not symbols of a type.
            start.RegisterOperationAction(
                c =>
                {
                    IMethodSymbol? method = c.Operation switch
                    {
                        ILocalFunctionOperation local => local.Symbol,
                        IAnonymousFunctionOperation lambda => lambda.Symbol,
                        _ => null,
                    };
                    if (method is not null && HasAttribute(method, attributeType))
                    {
                        Analyze(method, attributeType, c.ReportDiagnostic, c.CancellationToken);
                    }
                },
                OperationKind.LocalFunction,
                OperationKind.AnonymousFunction);
        });
    }

    private static bool HasAttribute(IMethodSymbol method, INamedTypeSymbol attributeType)
    {
        foreach (AttributeData attribute in method.GetAttributes())
        {
            if (SymbolEqualityComparer.Default.Equals(attribute.AttributeClass, attributeType))
            {
                return true;
            }
        }

        return false;
    }

    private static void Analyze(IMethodSymbol method, INamedTypeSymbol attributeType, System.Action<Diagnostic> report, System.Threading.CancellationToken cancellationToken)
    {
        foreach (AttributeData attribute in method.GetAttributes())
        {
            if (!SymbolEqualityComparer.Default.Equals(attribute.AttributeClass, attributeType))
            {
                continue;
            }

            Location location = method.Locations.Length > 0 ? method.Locations[0] : Location.None;
            if (method.MethodKind == MethodKind.AnonymousFunction && attribute.ApplicationSyntaxReference is { } reference)
            {
                location = reference.GetSyntax(cancellationToken).GetLocation();
            }

            foreach (TargetProblem problem in ParallelizeTargetRules.Validate(method, attribute, cancellationToken))
            {
                var properties = ImmutableDictionary<string, string?>.Empty
                    .Add(ParallelizeTargetRules.ReasonProperty, problem.Kind.ToString());
                report(Diagnostic.Create(
                    DiagnosticDescriptors.InvalidParallelizeTarget,
                    location,
                    properties,
                    method.Name,
                    problem.Message));
            }
        }
    }
}
