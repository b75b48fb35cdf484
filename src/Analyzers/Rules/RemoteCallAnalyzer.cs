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
/// For <c>executor.Submit(F, …)</c> / <c>executor.Map(F, …)</c> on an executor, and <c>Delayed.Call(F, …)</c> run by
/// a <c>ParallelJobs</c>, whose backend is definitely remote (a constant non-Threads <c>Backend</c> where the executor
/// or runner is created):
/// PG0008, <c>F</c> is a lambda, an instance method, a local function or another delegate that cannot cross to a worker;
/// PG0006 and PG0007 for an <c>F</c> that can (an intercepted static method): argument and result types that cannot be
/// serialized, and mutable static state that <c>F</c> itself reads or writes.
/// The <c>initializer</c> of such an executor (constructor or <c>ParallelExecutor.Create</c>) gets PG0008, and its
/// <c>initargs</c> types PG0006.
/// </summary>
[DiagnosticAnalyzer(Microsoft.CodeAnalysis.LanguageNames.CSharp)]
public sealed class RemoteCallAnalyzer : DiagnosticAnalyzer
{
    /// <inheritdoc/>
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
        ImmutableArray.Create(DiagnosticDescriptors.RemoteDelegate, DiagnosticDescriptors.NotSerializable, DiagnosticDescriptors.ProcessStaticState);

    /// <inheritdoc/>
    public override void Initialize(AnalysisContext context)
    {
        context.EnableConcurrentExecution();
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.RegisterCompilationStartAction(start =>
        {
            if (start.Compilation.GetTypeByMetadataName("ParallelGen.ParallelExecutor") is null)
            {
                return;
            }

            KnownSymbols known = KnownSymbols.Create(start.Compilation);
            start.RegisterOperationAction(c => Analyze((IInvocationOperation)c.Operation, c, known), OperationKind.Invocation);
            start.RegisterOperationAction(c => AnalyzeCreation((IObjectCreationOperation)c.Operation, c), OperationKind.ObjectCreation);
        });
    }

    private static void Analyze(IInvocationOperation invocation, OperationAnalysisContext context, KnownSymbols known)
    {
        IMethodSymbol method = invocation.TargetMethod;
        if (method is { IsStatic: true, Name: "Create" } && IsParallelGenType(method.ContainingType, "ParallelExecutor"))
        {
            CheckInitializer(invocation.Arguments, method.TypeArguments, context);
            return;
        }

        switch (InterceptedCallRules.Classify(method))
        {
            case InterceptedCallKind.Submit or InterceptedCallKind.Map or InterceptedCallKind.MapWithTimeout:
                if (invocation.Instance is { } executor && RemoteBackendOf(executor, "ParallelExecutor") is { } backend)
                {
                    Check(invocation, backend, context, known);
                }

                break;
            case InterceptedCallKind.None when method.Name is "Run" or "RunAsync" && IsParallelGenType(method.ContainingType, "ParallelJobs"):
                if (invocation.Instance is { } jobs && RemoteBackendOf(jobs, "ParallelJobs") is { } jobsBackend && invocation.Arguments.Length > 0)
                {
                    foreach (IInvocationOperation call in DelayedCallsIn(invocation.Arguments[0].Value))
                    {
                        Check(call, jobsBackend, context, known);
                    }
                }

                break;
        }
    }

    /// <summary><c>new ParallelExecutor(n, Backend.Processes, initializer: …)</c>.</summary>
    private static void AnalyzeCreation(IObjectCreationOperation creation, OperationAnalysisContext context)
    {
        if (IsParallelGenType(creation.Type as INamedTypeSymbol, "ParallelExecutor"))
        {
            CheckInitializer(creation.Arguments, ImmutableArray<ITypeSymbol>.Empty, context);
        }
    }

    /// <summary>
    /// The initializer of an executor created with a constant remote backend runs once in each worker, so it must
    /// cross like a submitted function (PG0008), and its initargs are serialized once (PG0006). PG0007 does not apply:
    /// setting up the worker's own statics is what an initializer is for.
    /// </summary>
    private static void CheckInitializer(ImmutableArray<IArgumentOperation> arguments, ImmutableArray<ITypeSymbol> initargsTypes, OperationAnalysisContext context)
    {
        IArgumentOperation? initializer = null;
        BackendKind? backend = null;
        foreach (IArgumentOperation argument in arguments)
        {
            switch (argument.Parameter?.Name)
            {
                case "backend":
                    backend = ConstantBackend(argument.Value);
                    break;
                case "initializer" when argument.ArgumentKind != ArgumentKind.DefaultValue && !Unwrap(argument.Value).ConstantValue.HasValue:
                    initializer = argument;
                    break;
            }
        }

        if (initializer is null || backend is not { IsRemote: true } remote)
        {
            return;
        }

        if (InterceptedCallRules.WhyNotRemote(initializer, context.Compilation, out IMethodSymbol? target) is { } reason)
        {
            context.ReportDiagnostic(Diagnostic.Create(
                DiagnosticDescriptors.RemoteDelegate, initializer.Value.Syntax.GetLocation(), "The executor's initializer", remote.DisplayName, reason));
            return;
        }

        ReportUnserializable(initargsTypes, initializer, context, i => $"Argument {i + 1} of the initializer '{target!.Name}'");
    }

    /// <summary>PG0006 at <paramref name="function"/> for each of <paramref name="types"/> that cannot be serialized.</summary>
    private static void ReportUnserializable(ImmutableArray<ITypeSymbol> types, IArgumentOperation function, OperationAnalysisContext context, System.Func<int, string> describe)
    {
        var serializability = new Serializability();
        for (int i = 0; i < types.Length; i++)
        {
            if (types[i].TypeKind != TypeKind.Error && serializability.GetProblem(types[i]) is { } problem)
            {
                context.ReportDiagnostic(Diagnostic.Create(
                    DiagnosticDescriptors.NotSerializable, function.Value.Syntax.GetLocation(), describe(i),
                    types[i].ToDisplayString(SymbolDisplayFormat.MinimallyQualifiedFormat), problem));
            }
        }
    }

    /// <summary>Reports PG0008 for a function that cannot cross, or PG0006/PG0007 for one that can.</summary>
    private static void Check(IInvocationOperation call, BackendKind backend, OperationAnalysisContext context, KnownSymbols known)
    {
        IArgumentOperation? function = null;
        foreach (IArgumentOperation argument in call.Arguments)
        {
            if (argument.Parameter?.Ordinal == 0)
            {
                function = argument;
            }
        }

        if (function is null)
        {
            return;
        }

        string api = call.TargetMethod.ContainingType.Name + "." + call.TargetMethod.Name;
        if (InterceptedCallRules.WhyNotRemote(function, context.Compilation, out IMethodSymbol? target) is { } reason)
        {
            context.ReportDiagnostic(Diagnostic.Create(
                DiagnosticDescriptors.RemoteDelegate, function.Value.Syntax.GetLocation(), api, backend.DisplayName, reason));
            return;
        }

        // The call's types are what crosses: the arguments one way, the result the other.
        ImmutableArray<ITypeSymbol> types = call.TargetMethod.TypeArguments;
        ReportUnserializable(types, function, context, i => i == types.Length - 1 ? $"The result of '{target!.Name}'" : $"Argument {i + 1} of '{target!.Name}'");

        foreach ((ISymbol state, bool written) in StaticStateOf(target!, context, known))
        {
            context.ReportDiagnostic(Diagnostic.Create(
                DiagnosticDescriptors.ProcessStaticState,
                function.Value.Syntax.GetLocation(),
                (state.ContainingType is null ? state.Name : state.ContainingType.Name + "." + state.Name),
                written ? "writes to it are not seen by the caller or other workers" : "this reads the worker's copy, not the caller's current value",
                $" (used in '{target!.Name}', which runs in a worker of {backend.DisplayName})"));
        }
    }

    /// <summary>The mutable static fields and settable static properties of this assembly that the method's own body uses.</summary>
    private static IEnumerable<(ISymbol State, bool Written)> StaticStateOf(IMethodSymbol method, OperationAnalysisContext context, KnownSymbols known)
    {
        var seen = new HashSet<ISymbol>(SymbolEqualityComparer.Default);
        foreach (SyntaxReference reference in method.DeclaringSyntaxReferences)
        {
            SyntaxNode node = reference.GetSyntax(context.CancellationToken);
            if (node is not MethodDeclarationSyntax declaration || (declaration.Body ?? (SyntaxNode?)declaration.ExpressionBody) is not { } body)
            {
                continue;
            }

            SemanticModel model = node.SyntaxTree == context.Operation.Syntax.SyntaxTree
                ? context.Operation.SemanticModel!
#pragma warning disable RS1030 // The method may be declared in another file; the analyzer driver caches semantic models per tree.
                : context.Compilation.GetSemanticModel(node.SyntaxTree);
#pragma warning restore RS1030
            if (model.GetOperation(body, context.CancellationToken) is not { } root)
            {
                continue;
            }

            foreach (IOperation operation in root.DescendantsAndSelf())
            {
                ISymbol? state = operation switch
                {
                    IFieldReferenceOperation { Field: { IsStatic: true, IsConst: false } field } when known.IsInThisAssembly(field) &&
                        (!field.IsReadOnly || !ImmutableTypes.IsImmutable(field.Type)) => field,
                    IPropertyReferenceOperation { Property: { IsStatic: true, SetMethod: not null } property } when known.IsInThisAssembly(property) => property,
                    _ => null,
                };
                if (state is not null && seen.Add(state))
                {
                    bool written = operation.Parent switch
                    {
                        IAssignmentOperation assignment => assignment.Target == operation,
                        IIncrementOrDecrementOperation => true,
                        _ => false,
                    };
                    yield return (state, written);
                }
            }
        }
    }

    /// <summary>
    /// The backend of an executor or runner when it is definitely remote: created right there, or a local initialized
    /// with such a creation and never assigned again, with a constant Backend; <see langword="null"/> otherwise.
    /// </summary>
    private static BackendKind? RemoteBackendOf(IOperation receiver, string typeName)
    {
        IOperation value = Unwrap(receiver);
        if (value is ILocalReferenceOperation { Local: var local } && SingleInitializer(value, local) is { } initializer)
        {
            value = Unwrap(initializer);
        }

        if (value is not IObjectCreationOperation creation || !IsParallelGenType(creation.Type as INamedTypeSymbol, typeName))
        {
            return null;
        }

        foreach (IArgumentOperation argument in creation.Arguments)
        {
            if (argument.Parameter?.Name == "backend" && ConstantBackend(argument.Value) is { } backend)
            {
                return backend.IsRemote ? backend : null;
            }

            // new ParallelJobs(new ParallelizeOptions { Backend = Backend.Processes })
            if (argument.Parameter?.Name == "options" && Unwrap(argument.Value) is IObjectCreationOperation { Initializer: { } options })
            {
                foreach (IOperation initializerPart in options.Initializers)
                {
                    if (initializerPart is ISimpleAssignmentOperation { Target: IPropertyReferenceOperation { Property.Name: "Backend" } } assignment &&
                        ConstantBackend(assignment.Value) is { } optionsBackend)
                    {
                        return optionsBackend.IsRemote ? optionsBackend : null;
                    }
                }
            }
        }

        return null;
    }

    private static BackendKind? ConstantBackend(IOperation value)
    {
        value = Unwrap(value);
        return value.ConstantValue is { HasValue: true, Value: int number } ? BackendKind.FromValue(number) : null;
    }

    /// <summary>The local's initializer when it is the only value the local ever gets.</summary>
    private static IOperation? SingleInitializer(IOperation use, ILocalSymbol local)
    {
        IOperation body = LocalAssignments.FindDeclaringBody(use, local);
        IOperation? initializer = null;
        foreach (IOperation operation in body.DescendantsAndSelf())
        {
            switch (operation)
            {
                case IVariableDeclaratorOperation declarator when SymbolEqualityComparer.Default.Equals(declarator.Symbol, local):
                    initializer = declarator.Initializer?.Value ?? (declarator.Parent as IVariableDeclarationOperation)?.Initializer?.Value;
                    break;
                case IAssignmentOperation { Target: ILocalReferenceOperation target } when SymbolEqualityComparer.Default.Equals(target.Local, local):
                    return null;
                case IArgumentOperation { Parameter.RefKind: RefKind.Ref or RefKind.Out, Value: ILocalReferenceOperation passed }
                    when SymbolEqualityComparer.Default.Equals(passed.Local, local):
                    return null;
            }
        }

        return initializer;
    }

    /// <summary>The Delayed.Call invocations in the calls argument (inline, in a Select lambda, or in a local's initializer).</summary>
    private static IEnumerable<IInvocationOperation> DelayedCallsIn(IOperation calls)
    {
        IOperation value = Unwrap(calls);
        if (value is ILocalReferenceOperation { Local: var local } && SingleInitializer(value, local) is { } initializer)
        {
            value = initializer;
        }

        foreach (IOperation operation in value.DescendantsAndSelf())
        {
            if (operation is IInvocationOperation invocation && InterceptedCallRules.Classify(invocation.TargetMethod) == InterceptedCallKind.DelayedCall)
            {
                yield return invocation;
            }
        }
    }

    private static IOperation Unwrap(IOperation operation)
    {
        while (operation is IConversionOperation { IsImplicit: true } or IParenthesizedOperation)
        {
            operation = operation is IConversionOperation conversion ? conversion.Operand : ((IParenthesizedOperation)operation).Operand;
        }

        return operation;
    }

    private static bool IsParallelGenType(INamedTypeSymbol? type, string name) =>
        type is { ContainingType: null } && type.Name == name && type.ContainingNamespace is { Name: "ParallelGen", ContainingNamespace.IsGlobalNamespace: true };
}
