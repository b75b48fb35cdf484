using System.Collections.Generic;
using System.Diagnostics.CodeAnalysis;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace ParallelGen.Analyzers.Internal;

/// <summary>A delegate a parallel API runs: a lambda or anonymous method, or a method group.</summary>
internal readonly struct ParallelBody
{
    public ParallelBody(IOperation function, ILocalReferenceOperation? viaLocal, bool repeats)
    {
        Function = function;
        ViaLocal = viaLocal;
        Repeats = repeats;
    }

    /// <summary>An <see cref="IAnonymousFunctionOperation"/> or an <see cref="IMethodReferenceOperation"/>.</summary>
    public IOperation Function { get; }

    /// <summary>
    /// The local passed to the parallel API when the function was stored in it first
    /// (<c>Action&lt;int&gt; body = i =&gt; ...; Parallel.For(0, n, body);</c>); otherwise null.
    /// </summary>
    public ILocalReferenceOperation? ViaLocal { get; }

    /// <summary>
    /// Whether one delegate runs many times (per iteration, item or worker: Parallel.For/ForEach, PLINQ,
    /// ParallelExecutor.Map) rather than once (Parallel.Invoke's actions, Delayed.Call, ParallelExecutor.Submit).
    /// </summary>
    public bool Repeats { get; }
}

/// <summary>
/// Recognizes the calls whose delegate arguments run in parallel: <c>Parallel.For/ForEach/ForEachAsync/Invoke</c>,
/// PLINQ operators (<c>ParallelEnumerable</c>), <c>Delayed.Call</c> and <c>ParallelExecutor.Submit/Map</c>.
/// A delegate may be passed inline or through a local that is only ever assigned lambdas and method groups in the
/// body that declares it.
/// </summary>
internal static class ParallelApis
{
    /// <summary>
    /// Adds to <paramref name="bodies"/> the lambdas, anonymous methods (<see cref="IAnonymousFunctionOperation"/>) and
    /// method groups (<see cref="IMethodReferenceOperation"/>) that <paramref name="invocation"/> runs in parallel.
    /// </summary>
    /// <returns>Whether <paramref name="invocation"/> is one of the parallel APIs at all.</returns>
    public static bool CollectParallelBodies(IInvocationOperation invocation, KnownSymbols known, List<ParallelBody>? bodies)
    {
        if (!IsParallelApi(invocation, known, out bool firstArgumentOnly, out bool repeats))
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

            AddDelegate(argument.Value, bodies, repeats);
        }

        return true;
    }

    /// <summary>
    /// The parallel API calls in <paramref name="scope"/> that receive the delegate local <paramref name="local"/>,
    /// in source order; <paramref name="repeats"/> says whether any of them runs it repeatedly.
    /// </summary>
    public static List<IInvocationOperation> FindParallelUses(ILocalSymbol local, IOperation scope, KnownSymbols known, out bool repeats)
    {
        var uses = new List<IInvocationOperation>();
        repeats = false;
        foreach (IOperation operation in scope.DescendantsAndSelf())
        {
            if (operation is not IInvocationOperation invocation ||
                !IsParallelApi(invocation, known, out bool firstArgumentOnly, out bool invocationRepeats))
            {
                continue;
            }

            foreach (IArgumentOperation argument in invocation.Arguments)
            {
                if ((!firstArgumentOnly || argument.Parameter?.Ordinal == 0) && PassesLocal(argument.Value, local))
                {
                    uses.Add(invocation);
                    repeats |= invocationRepeats;
                    break;
                }
            }
        }

        uses.Sort((a, b) => a.Syntax.SpanStart.CompareTo(b.Syntax.SpanStart));
        return uses;
    }

    /// <summary>
    /// The functions stored in the delegate local <paramref name="local"/>, declared in <paramref name="scope"/>, if
    /// every value ever assigned to it there is a lambda, anonymous method or method group (otherwise false).
    /// </summary>
    public static bool TryResolveDelegateLocal(ILocalSymbol local, IOperation scope, List<IOperation> functions)
    {
        if (local.Type?.TypeKind != TypeKind.Delegate)
        {
            return false;
        }

        int start = functions.Count;
        if (LocalAssignments.TryGetAssignedValues(local, scope, functions))
        {
            for (int i = start; i < functions.Count; i++)
            {
                functions[i] = Unwrap(functions[i])!;
                if (functions[i] is not (IAnonymousFunctionOperation or IMethodReferenceOperation))
                {
                    break; // unknown value: the local is not followed
                }

                if (i == functions.Count - 1)
                {
                    return true;
                }
            }
        }

        functions.RemoveRange(start, functions.Count - start);
        return false;
    }

    /// <summary>
    /// Whether <paramref name="invocation"/> is <c>Parallel.Invoke</c>: a fork-join that runs each of its actions once,
    /// concurrently, and returns when all of them have finished.
    /// </summary>
    public static bool IsForkJoin(IInvocationOperation invocation, KnownSymbols known) =>
        invocation.TargetMethod is { Name: "Invoke", ContainingType: { } type } && Is(type, known.Parallel);

    private static bool IsParallelApi(IInvocationOperation invocation, KnownSymbols known, out bool firstArgumentOnly, out bool repeats)
    {
        IMethodSymbol method = invocation.TargetMethod;
        firstArgumentOnly = false;
        repeats = true;

        // Every invocation of the compilation comes through here: most are rejected by their name alone (a string
        // compare) before the containing type's symbol is looked at.
        if (method.ContainingType is not { } type || !KnownSymbols.MayBeParallelApiType(type.Name))
        {
            return false;
        }

        if (Is(type, known.Parallel))
        {
            // Parallel.Invoke runs each of its actions once.
            repeats = method.Name != "Invoke";
            return method.Name is "For" or "ForEach" or "ForEachAsync" or "Invoke";
        }

        if (Is(type, known.ParallelEnumerable))
        {
            // These materialize the query and then call their selectors sequentially, on the calling thread.
            return method.Name is not ("ToDictionary" or "ToLookup");
        }

        if (Is(type, known.Delayed))
        {
            firstArgumentOnly = true;
            repeats = false;
            return method.Name == "Call";
        }

        if (Is(type, known.ParallelExecutor))
        {
            firstArgumentOnly = true;
            repeats = method.Name == "Map";
            return method.Name is "Submit" or "Map";
        }

        return false;
    }

    private static void AddDelegate(IOperation? value, List<ParallelBody> bodies, bool repeats)
    {
        value = Unwrap(value);
        switch (value)
        {
            case IAnonymousFunctionOperation or IMethodReferenceOperation:
                bodies.Add(new ParallelBody(value, viaLocal: null, repeats));
                break;
            case ILocalReferenceOperation { Local.Type.TypeKind: TypeKind.Delegate } reference:
                var functions = new List<IOperation>();
                if (TryResolveDelegateLocal(reference.Local, LocalAssignments.FindDeclaringBody(reference, reference.Local), functions))
                {
                    foreach (IOperation function in functions)
                    {
                        bodies.Add(new ParallelBody(function, reference, repeats));
                    }
                }

                break;
            case IArrayCreationOperation { Initializer: { } initializer }:
                // Parallel.Invoke(params Action[] actions)
                foreach (IOperation element in initializer.ElementValues)
                {
                    AddDelegate(element, bodies, repeats);
                }

                break;
            case ILocalReferenceOperation { Local.Type: IArrayTypeSymbol { ElementType.TypeKind: TypeKind.Delegate } } array:
                AddArrayElements(array, bodies, repeats);
                break;
            case IInvocationOperation invocation when TryGetRepeatedElement(invocation, out IOperation? element):
                AddDelegate(element, bodies, repeats: true);
                break;
        }
    }

    /// <summary><c>Enumerable.Repeat(element, n).ToArray()</c>: an array whose elements are all the same delegate.</summary>
    private static bool TryGetRepeatedElement(IInvocationOperation invocation, [NotNullWhen(true)] out IOperation? element)
    {
        if (invocation is { TargetMethod.Name: "ToArray", Arguments: [{ Value: { } source }] } &&
            Unwrap(source) is IInvocationOperation { TargetMethod: { Name: "Repeat", ContainingType: { Name: "Enumerable" } }, Arguments: [{ Value: { } repeated }, _] })
        {
            element = repeated;
            return true;
        }

        element = null;
        return false;
    }

    /// <summary>
    /// <c>Parallel.Invoke(actions)</c> with a local array: the delegates of its initializers, of
    /// <c>Enumerable.Repeat(d, n).ToArray()</c> (one delegate, run many times) and those stored into its elements
    /// (<c>actions[i] = () =&gt; ...</c>; in a loop or a lambda, one function becomes many delegates, so it repeats).
    /// Not followed when the array may hold anything else (it is a parameter, or assigned an unknown array).
    /// </summary>
    private static void AddArrayElements(ILocalReferenceOperation array, List<ParallelBody> bodies, bool repeats)
    {
        ILocalSymbol local = array.Local;
        IOperation scope = LocalAssignments.FindDeclaringBody(array, local);
        var values = new List<IOperation>();
        if (!LocalAssignments.TryGetAssignedValues(local, scope, values))
        {
            return;
        }

        var elements = new List<(IOperation Element, bool Repeats)>();
        foreach (IOperation value in values)
        {
            switch (Unwrap(value))
            {
                case IArrayCreationOperation creation:
                    if (creation.Initializer is { } initializer)
                    {
                        foreach (IOperation element in initializer.ElementValues)
                        {
                            elements.Add((element, repeats));
                        }
                    }

                    break;
                case IInvocationOperation invocation when TryGetRepeatedElement(invocation, out IOperation? element):
                    elements.Add((element, true));
                    break;
                default:
                    return; // unknown contents: the array is not followed
            }
        }

        foreach (IOperation operation in scope.Descendants())
        {
            if (operation is ISimpleAssignmentOperation { Target: IArrayElementReferenceOperation { ArrayReference: ILocalReferenceOperation target } } assignment &&
                SymbolEqualityComparer.Default.Equals(target.Local, local))
            {
                elements.Add((assignment.Value, repeats || IsRepeatedWithin(assignment, scope)));
            }
        }

        foreach ((IOperation element, bool elementRepeats) in elements)
        {
            AddDelegate(element, bodies, elementRepeats);
        }
    }

    /// <summary>Whether <paramref name="operation"/> may run more than once per run of <paramref name="scope"/>: it is in a loop or a lambda.</summary>
    private static bool IsRepeatedWithin(IOperation operation, IOperation scope)
    {
        for (IOperation? current = operation.Parent; current is not null && current != scope; current = current.Parent)
        {
            if (current is ILoopOperation or IAnonymousFunctionOperation or ILocalFunctionOperation)
            {
                return true;
            }
        }

        return false;
    }

    private static bool PassesLocal(IOperation? value, ILocalSymbol local)
    {
        value = Unwrap(value);
        switch (value)
        {
            case ILocalReferenceOperation reference:
                return SymbolEqualityComparer.Default.Equals(reference.Local, local);
            case IArrayCreationOperation { Initializer: { } initializer }:
                foreach (IOperation element in initializer.ElementValues)
                {
                    if (PassesLocal(element, local))
                    {
                        return true;
                    }
                }

                return false;
            default:
                return false;
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
