using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace ParallelGen.Shared;

/// <summary>Which ParallelGen API a call site calls with a delegate that a remote backend would have to send to a worker.</summary>
internal enum InterceptedCallKind
{
    /// <summary>Not one of the delegate overloads below.</summary>
    None,

    /// <summary><c>Delayed.Call(F, args…)</c>.</summary>
    DelayedCall,

    /// <summary><c>executor.Submit(F, args…)</c>.</summary>
    Submit,

    /// <summary><c>executor.Map(F, items)</c>.</summary>
    Map,

    /// <summary><c>executor.Map(F, items, timeout)</c>.</summary>
    MapWithTimeout,

    /// <summary><c>new ParallelExecutor(…, initializer: F)</c>: F is registered for workers, not intercepted.</summary>
    Initializer,

    /// <summary>
    /// <c>ParallelExecutor.Create(…, initializer: F, initargs: …)</c>: F (with parameters) is registered for workers
    /// with the formatter of its arguments, not intercepted.
    /// </summary>
    InitializerWithArguments,
}

/// <summary>
/// The rules shared by the interceptor generator and PG0008: which calls carry a delegate meant for a worker
/// (<c>Delayed.Call</c>, <c>ParallelExecutor.Submit</c>/<c>Map</c> with a <c>Func</c>), and whether that delegate can
/// cross to one as a method id plus typed arguments (an internal or public, non-generic static method).
/// </summary>
internal static class InterceptedCallRules
{
    /// <summary>The kind of <paramref name="invoked"/>: one of the delegate overloads of Delayed.Call, Submit or Map.</summary>
    public static InterceptedCallKind Classify(IMethodSymbol invoked)
    {
        IMethodSymbol definition = invoked.OriginalDefinition;
        INamedTypeSymbol? type = definition.ContainingType;
        if (type is null || type.ContainingType is not null || !IsParallelGenNamespace(type.ContainingNamespace) || definition.Parameters.Length == 0)
        {
            return InterceptedCallKind.None;
        }

        if (definition.Parameters[0].Type is not INamedTypeSymbol { Name: "Func" } func || !IsSystem(func.ContainingNamespace))
        {
            return InterceptedCallKind.None;
        }

        // The delegate's type arguments are exactly the method's type parameters (Func<T1, T2, TResult> for
        // Call<T1, T2, TResult>), which tells these overloads from Submit(parallelMethod, …).
        if (func.TypeArguments.Length != definition.TypeParameters.Length)
        {
            return InterceptedCallKind.None;
        }

        for (int i = 0; i < func.TypeArguments.Length; i++)
        {
            if (!SymbolEqualityComparer.Default.Equals(func.TypeArguments[i], definition.TypeParameters[i]))
            {
                return InterceptedCallKind.None;
            }
        }

        int arity = func.TypeArguments.Length - 1;
        switch (type.Name, definition.Name)
        {
            case ("Delayed", "Call") when definition.IsStatic && definition.Parameters.Length == arity + 1:
                return InterceptedCallKind.DelayedCall;
            case ("ParallelExecutor", "Submit") when !definition.IsStatic && definition.Parameters.Length == arity + 1:
                return InterceptedCallKind.Submit;
            case ("ParallelExecutor", "Map") when !definition.IsStatic && arity == 1 && definition.Parameters.Length == 2:
                return InterceptedCallKind.Map;
            case ("ParallelExecutor", "Map") when !definition.IsStatic && arity == 1 && definition.Parameters.Length == 3:
                return InterceptedCallKind.MapWithTimeout;
            default:
                return InterceptedCallKind.None;
        }
    }

    /// <summary>
    /// Why the delegate <paramref name="function"/> (the call's first argument) cannot run in a worker, or
    /// <see langword="null"/> when it can: then <paramref name="target"/> is the static method it names.
    /// </summary>
    public static string? WhyNotRemote(IOperation function, Compilation compilation, out IMethodSymbol? target)
    {
        target = null;
        IOperation value = function is IArgumentOperation argument ? argument.Value : function;
        while (value is IConversionOperation conversion)
        {
            value = conversion.Operand;
        }

        if (value is not IDelegateCreationOperation creation)
        {
            return "it is a delegate value, not a method; a worker has no copy of the delegate's object or captured variables";
        }

        switch (creation.Target)
        {
            case IAnonymousFunctionOperation:
                return "it is a lambda; a lambda is compiled into a hidden method (often of a closure object holding captured variables) that a worker cannot name";
            case IMethodReferenceOperation { Method: var method } reference:
                if (method.MethodKind == MethodKind.LocalFunction)
                {
                    return $"'{method.Name}' is a local function, which code outside its method cannot name";
                }

                if (!method.IsStatic || reference.Instance is not null)
                {
                    return $"'{method.Name}' is an instance method, bound to an object that stays in this process";
                }

                if (method.IsGenericMethod)
                {
                    return $"'{method.Name}' is generic";
                }

                for (INamedTypeSymbol? t = method.ContainingType; t is not null; t = t.ContainingType)
                {
                    if (t.TypeParameters.Length > 0)
                    {
                        return $"'{method.Name}' is declared in the generic type '{t.Name}'";
                    }
                }

                if (!compilation.IsSymbolAccessibleWithin(method, compilation.Assembly))
                {
                    return $"'{method.Name}' is not accessible from generated code in this assembly (make it and its type internal or public)";
                }

                target = method;
                return null;
            default:
                return "it is not a method group";
        }
    }

    private static bool IsParallelGenNamespace(INamespaceSymbol? ns) =>
        ns is { Name: "ParallelGen", ContainingNamespace.IsGlobalNamespace: true };

    private static bool IsSystem(INamespaceSymbol? ns) =>
        ns is { Name: "System", ContainingNamespace.IsGlobalNamespace: true };
}
