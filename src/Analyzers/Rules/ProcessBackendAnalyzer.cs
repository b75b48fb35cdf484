using System.Collections.Generic;
using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;
using ParallelGen.Analyzers.Internal;
using ParallelGen.Shared;

namespace ParallelGen.Analyzers;

/// <summary>
/// For <c>[Parallelize(Backend = Backend.Processes)]</c> methods:
/// PG0006, a parameter or return type that cannot be serialized to a worker process;
/// PG0007, the body (or a method it calls) reads or writes mutable static state, of which each worker has its own copy.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class ProcessBackendAnalyzer : DiagnosticAnalyzer, IParallelRule
{
    /// <inheritdoc/>
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
        ImmutableArray.Create(DiagnosticDescriptors.NotSerializable, DiagnosticDescriptors.ProcessStaticState);

    // Only [Parallelize] methods can choose the process backend; the whole body runs in the worker, nested
    // parallel loops included.
    bool IParallelRule.AnalyzesParallelApiCalls => false;

    bool IParallelRule.SkipsNestedParallelBodies => false;

    /// <inheritdoc/>
    public override void Initialize(AnalysisContext context)
    {
        context.EnableConcurrentExecution();
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        ParallelCodeEngine.Register(context, this, RegisterSignatureCheck);
    }

    bool IParallelRule.AppliesTo(IMethodSymbol method, AttributeData parallelizeAttribute) => UsesProcesses(parallelizeAttribute);

    private static void RegisterSignatureCheck(CompilationStartAnalysisContext context, KnownSymbols known)
    {
        if (known.ParallelizeAttribute is null)
        {
            return;
        }

        context.RegisterSymbolAction(
            c =>
            {
                var method = (IMethodSymbol)c.Symbol;
                if (known.GetParallelizeAttribute(method) is { } attribute && UsesProcesses(attribute))
                {
                    AnalyzeSignature(method, c);
                }
            },
            SymbolKind.Method);
    }

    void IParallelRule.AnalyzeOperation(IOperation operation, in BodyContext context, List<Finding> findings)
    {
        ISymbol? state = operation switch
        {
            IFieldReferenceOperation field when IsMutableStaticField(field.Field, context.Known) => field.Field,
            IPropertyReferenceOperation { Property: { IsStatic: true, SetMethod: not null } property }
                when context.Known.IsInThisAssembly(property) => property,
            _ => null,
        };
        if (state is null)
        {
            return;
        }

        string effect = IsWritten(operation)
            ? "writes to it are not seen by the caller or other workers"
            : "this reads the worker's copy, not the caller's current value";
        findings.Add(new Finding(
            DiagnosticDescriptors.ProcessStaticState,
            operation.Syntax.GetLocation(),
            viaThis: false,
            state.ContainingType is null ? state.Name : state.ContainingType.Name + "." + state.Name,
            effect));
    }

    string IParallelRule.DescribePlace(DiagnosticDescriptor descriptor, string? callee) =>
        callee is null ? string.Empty : $" (used in '{callee}', called from this method)";

    /// <summary>Whether the method's calls may run in another process (any remote backend, not only Backend.Processes).</summary>
    private static bool UsesProcesses(AttributeData attribute)
    {
        ParallelizeArguments.Read(attribute, out _, out BackendKind backend, out _);
        return backend.IsRemote;
    }

    private static void AnalyzeSignature(IMethodSymbol method, SymbolAnalysisContext context)
    {
        var serializability = new Serializability();
        for (int i = 0; i < method.Parameters.Length; i++)
        {
            IParameterSymbol parameter = method.Parameters[i];
            bool trailingToken = i == method.Parameters.Length - 1 && TargetShape.TakesTrailingToken(method);
            if (trailingToken || parameter.Type.TypeKind == TypeKind.Error)
            {
                continue;
            }

            if (serializability.GetProblem(parameter.Type) is { } problem)
            {
                Location location = parameter.Locations.Length > 0 ? parameter.Locations[0] : Location.None;
                context.ReportDiagnostic(Diagnostic.Create(
                    DiagnosticDescriptors.NotSerializable,
                    location,
                    $"Parameter '{parameter.Name}'",
                    Display(parameter.Type),
                    problem));
            }
        }

        if (method.ReturnsVoid || method.ReturnType.TypeKind == TypeKind.Error)
        {
            return;
        }

        ITypeSymbol returnType = method.ReturnType;
        if (TargetShape.IsAwaitable(returnType, out INamedTypeSymbol task))
        {
            // An async method's result is what is sent back: Task<R> sends R, Task sends nothing.
            if (task.TypeArguments.Length == 0)
            {
                return;
            }

            returnType = task.TypeArguments[0];
        }

        if (serializability.GetProblem(returnType) is { } returnProblem)
        {
            Location location = ReturnTypeLocation(method, context.CancellationToken);
            context.ReportDiagnostic(Diagnostic.Create(
                DiagnosticDescriptors.NotSerializable,
                location,
                "The return type",
                Display(returnType),
                returnProblem));
        }
    }

    private static Location ReturnTypeLocation(IMethodSymbol method, System.Threading.CancellationToken cancellationToken)
    {
        foreach (SyntaxReference reference in method.DeclaringSyntaxReferences)
        {
            if (reference.GetSyntax(cancellationToken) is MethodDeclarationSyntax declaration)
            {
                return declaration.ReturnType.GetLocation();
            }
        }

        return method.Locations.Length > 0 ? method.Locations[0] : Location.None;
    }

    private static string Display(ITypeSymbol type) => type.ToDisplayString(SymbolDisplayFormat.MinimallyQualifiedFormat);

    private static bool IsMutableStaticField(IFieldSymbol field, KnownSymbols known)
    {
        if (!field.IsStatic || field.IsConst)
        {
            return false;
        }

        if (!field.IsReadOnly)
        {
            return true;
        }

        // static readonly: the reference cannot change, but a mutable object behind it can.
        return known.IsInThisAssembly(field) && !ImmutableTypes.IsImmutable(field.Type);
    }

    private static bool IsWritten(IOperation reference)
    {
        IOperation? parent = reference.Parent;
        return parent switch
        {
            IAssignmentOperation assignment => assignment.Target == reference,
            IIncrementOrDecrementOperation => true,
            IArgumentOperation { Parameter.RefKind: RefKind.Ref or RefKind.Out } => true,
            _ => false,
        };
    }
}
