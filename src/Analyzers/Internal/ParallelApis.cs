using System.Collections.Generic;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace ParallelGen.Analyzers.Internal;

/// <summary>
/// Recognizes the calls whose delegate arguments run in parallel: <c>Parallel.For/ForEach/ForEachAsync/Invoke</c>,
/// PLINQ operators (<c>ParallelEnumerable</c>), <c>Delayed.Call</c> and <c>ParallelExecutor.Submit/Map</c>.
/// </summary>
internal static class ParallelApis
{
    /// <summary>
    /// Adds to <paramref name="bodies"/> the lambdas, anonymous methods (<see cref="IAnonymousFunctionOperation"/>) and
    /// method groups (<see cref="IMethodReferenceOperation"/>) that <paramref name="invocation"/> runs in parallel.
    /// </summary>
    /// <returns>Whether <paramref name="invocation"/> is one of the parallel APIs at all.</returns>
    public static bool CollectParallelBodies(IInvocationOperation invocation, KnownSymbols known, List<IOperation>? bodies)
    {
        IMethodSymbol method = invocation.TargetMethod;
        INamedTypeSymbol? type = method.ContainingType;
        if (type is null)
        {
            return false;
        }

        bool firstArgumentOnly;
        if (Is(type, known.Parallel))
        {
            if (method.Name is not ("For" or "ForEach" or "ForEachAsync" or "Invoke"))
            {
                return false;
            }

            firstArgumentOnly = false;
        }
        else if (Is(type, known.ParallelEnumerable))
        {
            // These materialize the query and then call their selectors sequentially, on the calling thread.
            if (method.Name is "ToDictionary" or "ToLookup")
            {
                return false;
            }

            firstArgumentOnly = false;
        }
        else if (Is(type, known.Delayed))
        {
            if (method.Name != "Call")
            {
                return false;
            }

            firstArgumentOnly = true;
        }
        else if (Is(type, known.ParallelExecutor))
        {
            if (method.Name is not ("Submit" or "Map"))
            {
                return false;
            }

            firstArgumentOnly = true;
        }
        else
        {
            return false;
        }

        if (bodies is null)
        {
            return true;
        }

        foreach (IArgumentOperation argument in invocation.Arguments)
        {
            if (firstArgumentOnly && argument.Parameter?.Ordinal != 0)
            {
                continue;
            }

            AddDelegate(argument.Value, bodies);
        }

        return true;
    }

    private static void AddDelegate(IOperation? value, List<IOperation> bodies)
    {
        value = Unwrap(value);
        switch (value)
        {
            case IAnonymousFunctionOperation or IMethodReferenceOperation:
                bodies.Add(value);
                break;
            case IArrayCreationOperation { Initializer: { } initializer }:
                // Parallel.Invoke(params Action[] actions)
                foreach (IOperation element in initializer.ElementValues)
                {
                    AddDelegate(element, bodies);
                }

                break;
        }
    }

    private static IOperation? Unwrap(IOperation? value)
    {
        while (true)
        {
            switch (value)
            {
                case IConversionOperation conversion:
                    value = conversion.Operand;
                    break;
                case IDelegateCreationOperation creation:
                    value = creation.Target;
                    break;
                default:
                    return value;
            }
        }
    }

    private static bool Is(INamedTypeSymbol type, INamedTypeSymbol? expected) =>
        expected is not null && SymbolEqualityComparer.Default.Equals(type.OriginalDefinition, expected);
}
