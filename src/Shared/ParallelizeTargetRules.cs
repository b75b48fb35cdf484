using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace ParallelGen.Shared;

/// <summary>Why a <c>[Parallelize]</c> method cannot get generated code (the PG0005 diagnostic's "Reason" property).</summary>
internal enum TargetProblemKind
{
    NotPartial,
    NotAnOrdinaryMethod,
    InInterface,
    FileLocalType,
    RefStructInstance,
    GenericMethod,
    ByRefParameter,
    PointerParameter,
    RefStructParameter,
    ByRefReturn,
    UnsupportedReturn,
    AsyncVoid,
    ZeroJobs,
    NegativeBatchSize,
    ProcessesInstanceMethod,
    ProcessesInaccessible,
    ProcessesGenericType,
    GeneratedNameClash,
    ExistingMemberClash,
    DynamicType,
    VarArgs,
    JobsOutOfRange,
}

/// <summary>One reason a <c>[Parallelize]</c> method is rejected, with a message that says what to change.</summary>
internal readonly struct TargetProblem
{
    public TargetProblem(TargetProblemKind kind, string message)
    {
        Kind = kind;
        Message = message;
    }

    public TargetProblemKind Kind { get; }

    public string Message { get; }
}

/// <summary>
/// The rules a <c>[Parallelize]</c> method must follow. Shared by the generator (which generates nothing for a method
/// that breaks one) and the PG0005 analyzer (which reports each broken rule), so the two never disagree.
/// </summary>
internal static class ParallelizeTargetRules
{
    public const string AttributeMetadataName = "ParallelGen.ParallelizeAttribute";
    public const string ReasonProperty = "Reason";

    /// <summary>Reads the attribute's named arguments (defaults where absent or erroneous).</summary>
    public static void ReadArguments(AttributeData attribute, out int jobs, out BackendKind backend, out int batchSize)
    {
        jobs = -1;
        backend = BackendKind.Threads;
        batchSize = 0;
        foreach (KeyValuePair<string, TypedConstant> argument in attribute.NamedArguments)
        {
            if (argument.Value.Kind == TypedConstantKind.Error || argument.Value.Value is null)
            {
                continue;
            }

            switch (argument.Key)
            {
                case "Jobs" when argument.Value.Value is int j:
                    jobs = j;
                    break;
                case "Backend" when argument.Value.Value is int b:
                    backend = BackendKind.FromValue(b);
                    break;
                case "BatchSize" when argument.Value.Value is int s:
                    batchSize = s;
                    break;
            }
        }
    }

    /// <summary>Every rule <paramref name="method"/> breaks; empty when the generator can handle it.</summary>
    public static List<TargetProblem> Validate(IMethodSymbol method, AttributeData attribute, CancellationToken cancellationToken)
    {
        var problems = new List<TargetProblem>();
        string name = method.Name;

        if (method.MethodKind != MethodKind.Ordinary)
        {
            string what = method.MethodKind switch
            {
                MethodKind.LocalFunction => "local functions",
                MethodKind.AnonymousFunction => "lambdas",
                MethodKind.ExplicitInterfaceImplementation => "explicit interface implementations",
                MethodKind.PropertyGet or MethodKind.PropertySet => "property accessors",
                MethodKind.UserDefinedOperator or MethodKind.Conversion => "operators",
                _ => "this kind of method",
            };
            problems.Add(new TargetProblem(
                TargetProblemKind.NotAnOrdinaryMethod,
                $"[Parallelize] applies to ordinary methods of a type, not to {what}; move the code into a method of a partial type"));
            return problems;
        }

        INamedTypeSymbol? containing = method.ContainingType;
        if (containing is null)
        {
            return problems;
        }

        if (containing.Name.Length == 0 || containing.TypeKind is not (TypeKind.Class or TypeKind.Struct or TypeKind.Interface))
        {
            // A C# 14 extension block (extension(int x) { ... }) is a type without a name that no generated code can
            // reopen.
            problems.Add(new TargetProblem(
                TargetProblemKind.NotAnOrdinaryMethod,
                "[Parallelize] applies to ordinary methods of a type, not to members of an extension block; move the code into a static method of a partial class"));
            return problems;
        }

        if (containing.TypeKind == TypeKind.Interface)
        {
            problems.Add(new TargetProblem(
                TargetProblemKind.InInterface,
                "methods declared in an interface are not supported; put the method in a partial class, struct or record"));
        }

        List<string> notPartial = TypesMissingPartial(containing, cancellationToken);
        if (notPartial.Count > 0)
        {
            string list = string.Join("', '", notPartial);
            problems.Add(new TargetProblem(
                TargetProblemKind.NotPartial,
                notPartial.Count == 1 && notPartial[0] == containing.Name
                    ? $"its containing type '{list}' is not partial, so no code can be added to it; add the 'partial' modifier to '{list}'"
                    : $"code can only be added to partial types; add the 'partial' modifier to '{list}'"));
        }

        for (INamedTypeSymbol? t = containing; t is not null; t = t.ContainingType)
        {
            if (t.IsFileLocal)
            {
                problems.Add(new TargetProblem(
                    TargetProblemKind.FileLocalType,
                    $"'{t.Name}' is a file-local type, which generated code in another file cannot extend; remove the 'file' modifier"));
                break;
            }
        }

        if (!method.IsStatic && containing.IsRefLikeType)
        {
            problems.Add(new TargetProblem(
                TargetProblemKind.RefStructInstance,
                $"'{containing.Name}' is a ref struct, whose instance cannot be shared with worker threads; make the method static"));
        }

        if (method.IsGenericMethod)
        {
            problems.Add(new TargetProblem(
                TargetProblemKind.GenericMethod,
                "it is a generic method, and the generator cannot choose its type arguments; make it non-generic, or add a non-generic wrapper and put [Parallelize] on the wrapper"));
        }

        foreach (IParameterSymbol parameter in method.Parameters)
        {
            if (parameter.RefKind != RefKind.None)
            {
                string modifier = parameter.RefKind switch
                {
                    RefKind.Out => "out",
                    RefKind.In => "in",
                    RefKind.RefReadOnlyParameter => "ref readonly",
                    _ => "ref",
                };
                problems.Add(new TargetProblem(
                    TargetProblemKind.ByRefParameter,
                    $"parameter '{parameter.Name}' is passed by '{modifier}', but each parallel call gets its own copy of its arguments; pass it by value and return results instead"));
            }
            else if (parameter.Type.TypeKind is TypeKind.Pointer or TypeKind.FunctionPointer)
            {
                problems.Add(new TargetProblem(
                    TargetProblemKind.PointerParameter,
                    $"parameter '{parameter.Name}' is a pointer, which cannot be stored in a sequence of items; pass an array, an index or a Memory<T> instead"));
            }
            else if (parameter.Type.IsRefLikeType)
            {
                problems.Add(new TargetProblem(
                    TargetProblemKind.RefStructParameter,
                    $"parameter '{parameter.Name}' has the ref struct type '{parameter.Type.ToDisplayString()}', which cannot be stored in a sequence of items; use an array, ReadOnlyMemory<T> or a string instead"));
            }
        }

        if (method.ReturnsByRef || method.ReturnsByRefReadonly)
        {
            problems.Add(new TargetProblem(
                TargetProblemKind.ByRefReturn,
                "it returns by reference; return the value instead"));
        }
        else if (method.ReturnType.IsRefLikeType || method.ReturnType.TypeKind is TypeKind.Pointer or TypeKind.FunctionPointer)
        {
            problems.Add(new TargetProblem(
                TargetProblemKind.UnsupportedReturn,
                $"its return type '{method.ReturnType.ToDisplayString()}' cannot be stored in an array of results; return an array, a Memory<T> or another ordinary type"));
        }

        if (method.IsAsync && method.ReturnsVoid)
        {
            problems.Add(new TargetProblem(
                TargetProblemKind.AsyncVoid,
                "it is 'async void', so its completion and exceptions cannot be observed; return Task instead"));
        }

        foreach (IMethodSymbol sibling in containing.GetMembers().OfType<IMethodSymbol>())
        {
            if (!SymbolEqualityComparer.Default.Equals(sibling, method)
                && sibling.MethodKind == MethodKind.Ordinary
                && sibling.GetAttributes().Any(a => a.AttributeClass is { Name: "ParallelizeAttribute" } type && type.ToDisplayString() == AttributeMetadataName)
                && ClashingName(method, sibling) is { } clash)
            {
                problems.Add(new TargetProblem(
                    TargetProblemKind.GeneratedNameClash,
                    $"the generated method '{clash}' would have the same signature as the one generated for '{sibling.ToDisplayString(SymbolDisplayFormat.CSharpShortErrorMessageFormat)}'; rename one of the two methods"));
                break;
            }
        }

        if (ExistingMemberClash(method, containing) is { } existing)
        {
            problems.Add(new TargetProblem(TargetProblemKind.ExistingMemberClash, existing));
        }

        ValidateHostileShapes(method, problems);

        ReadArguments(attribute, out int jobs, out BackendKind backend, out int batchSize);
        if (jobs == 0)
        {
            problems.Add(new TargetProblem(
                TargetProblemKind.ZeroJobs,
                "Jobs = 0 means no workers; use a positive count, -1 for all CPUs (the default), or -2 for all CPUs but one"));
        }
        else if (jobs < MinJobs)
        {
            problems.Add(new TargetProblem(
                TargetProblemKind.JobsOutOfRange,
                $"Jobs = {jobs.ToString(System.Globalization.CultureInfo.InvariantCulture)} is out of range: a negative Jobs means 'CPUs + 1 + Jobs' workers " +
                $"(-1 = all CPUs, -2 = all but one), so values below {MinJobs.ToString(System.Globalization.CultureInfo.InvariantCulture)} leave no CPU on any machine; " +
                "use a positive count or a small negative value"));
        }

        if (batchSize < 0)
        {
            problems.Add(new TargetProblem(
                TargetProblemKind.NegativeBatchSize,
                $"BatchSize = {batchSize} is negative; use 0 for automatic batching or a positive number of items"));
        }

        if (backend.IsRemote)
        {
            ValidateRemoteBackend(method, backend, problems);
        }

        return problems;
    }

    /// <summary>The most negative Jobs accepted: "CPUs + 1 + Jobs" is below one on every machine for smaller values.</summary>
    public const int MinJobs = -1024;

    /// <summary>
    /// Signatures that are valid C# but that generated code cannot repeat: <c>dynamic</c> (a generic interface cannot
    /// be implemented with it, CS1966) and <c>__arglist</c> (a variable argument list cannot be stored in an item).
    /// </summary>
    private static void ValidateHostileShapes(IMethodSymbol method, List<TargetProblem> problems)
    {
        if (method.IsVararg)
        {
            problems.Add(new TargetProblem(
                TargetProblemKind.VarArgs,
                "it takes '__arglist', a variable argument list that cannot be stored in a sequence of items; use ordinary parameters or an array"));
        }

        foreach (IParameterSymbol parameter in method.Parameters)
        {
            if (ContainsDynamic(parameter.Type))
            {
                problems.Add(new TargetProblem(
                    TargetProblemKind.DynamicType,
                    $"parameter '{parameter.Name}' has the type '{parameter.Type.ToDisplayString()}', and 'dynamic' cannot be a type argument of the generated code; use object or a concrete type"));
            }
        }

        if (!method.ReturnsVoid && ContainsDynamic(method.ReturnType))
        {
            problems.Add(new TargetProblem(
                TargetProblemKind.DynamicType,
                $"its return type '{method.ReturnType.ToDisplayString()}' contains 'dynamic', which cannot be a type argument of the generated code; return object or a concrete type"));
        }
    }

    /// <summary>Whether <paramref name="type"/> is or mentions <c>dynamic</c> (walked with a stack: types can nest deeply).</summary>
    private static bool ContainsDynamic(ITypeSymbol type)
    {
        var pending = new Stack<ITypeSymbol>();
        pending.Push(type);
        while (pending.Count > 0)
        {
            ITypeSymbol current = pending.Pop();
            switch (current)
            {
                case { TypeKind: TypeKind.Dynamic }:
                    return true;
                case IArrayTypeSymbol array:
                    pending.Push(array.ElementType);
                    break;
                case IPointerTypeSymbol pointer:
                    pending.Push(pointer.PointedAtType);
                    break;
                case INamedTypeSymbol named:
                    foreach (ITypeSymbol argument in named.TypeArguments)
                    {
                        pending.Push(argument);
                    }

                    if (named.ContainingType is { } outer)
                    {
                        pending.Push(outer);
                    }

                    break;
            }
        }

        return false;
    }

    /// <summary>
    /// A remote backend (<see cref="BackendKind.IsRemote"/>): a worker in another process has no instance to call an
    /// instance method on, and calls the method from a generated module initializer, which needs it (and every type
    /// around it) internal or public and non-generic.
    /// </summary>
    private static void ValidateRemoteBackend(IMethodSymbol method, BackendKind backend, List<TargetProblem> problems)
    {
        if (!method.IsStatic)
        {
            problems.Add(new TargetProblem(
                TargetProblemKind.ProcessesInstanceMethod,
                $"{backend.DisplayName} runs the method in another process, which has no instance to call it on; make the method static"));
        }

        if (!IsAtLeastInternal(method.DeclaredAccessibility))
        {
            problems.Add(new TargetProblem(
                TargetProblemKind.ProcessesInaccessible,
                $"{backend.DisplayName} calls the method from generated registration code, so it must be internal or public, not {AccessibilityText(method.DeclaredAccessibility)}"));
        }

        for (INamedTypeSymbol? t = method.ContainingType; t is not null; t = t.ContainingType)
        {
            if (t.TypeParameters.Length > 0)
            {
                problems.Add(new TargetProblem(
                    TargetProblemKind.ProcessesGenericType,
                    $"{backend.DisplayName} needs a non-generic containing type, but '{t.Name}' is generic; move the method to a non-generic type"));
                break;
            }

            if (!IsAtLeastInternal(t.DeclaredAccessibility))
            {
                problems.Add(new TargetProblem(
                    TargetProblemKind.ProcessesInaccessible,
                    $"{backend.DisplayName} calls the method from generated registration code, so its containing type '{t.Name}' must be internal or public"));
                break;
            }
        }
    }

    private static bool IsAtLeastInternal(Accessibility accessibility) =>
        accessibility is Accessibility.Public or Accessibility.Internal or Accessibility.ProtectedOrInternal;

    private static string AccessibilityText(Accessibility accessibility) => accessibility switch
    {
        Accessibility.Private => "private",
        Accessibility.Protected => "protected",
        Accessibility.ProtectedAndInternal => "private protected",
        _ => accessibility.ToString().ToLowerInvariant(),
    };

    /// <summary>
    /// The names the generator gives a method's parallel versions: <c>NameParallel</c> and <c>NameParallelAsync</c>, or
    /// for a method returning a task only <c>NameParallelAsync</c> (with an <c>Async</c> suffix moved to the end).
    /// </summary>
    public static IEnumerable<string> GeneratedNames(IMethodSymbol method)
    {
        string name = GeneratedBaseName(method, out bool awaitable);
        return awaitable ? [name + "Async"] : [name, name + "Async"];
    }

    /// <summary>
    /// <c>NameParallel</c>, or for a method returning <c>Task</c>/<c>ValueTask</c> (awaited by the generated code) the
    /// name without its <c>Async</c> suffix plus <c>Parallel</c>: <c>FetchAsync</c> → <c>FetchParallel</c>(<c>Async</c>).
    /// </summary>
    public static string GeneratedBaseName(IMethodSymbol method, out bool awaitable)
    {
        awaitable = TargetShape.IsAwaitable(method.ReturnType, out _);
        string name = method.Name;
        if (awaitable && name.EndsWith("Async", System.StringComparison.Ordinal) && name.Length > "Async".Length)
        {
            name = name.Substring(0, name.Length - "Async".Length);
        }

        return name + "Parallel";
    }

    /// <summary>A name both methods' generated versions share with the same items parameter, or null.</summary>
    private static string? ClashingName(IMethodSymbol method, IMethodSymbol sibling)
    {
        string? name = GeneratedNames(method).Intersect(GeneratedNames(sibling)).FirstOrDefault();
        return name is not null && ItemSignature(method) == ItemSignature(sibling) ? name : null;
    }

    /// <summary>
    /// A member the type already declares (in code the user wrote) that a generated method would duplicate: a method with
    /// a generated method's name and parameter types (CS0111), or a property, field, event or nested type with a
    /// generated method's name (CS0102). Members this generator produced are skipped: the PG0005 analyzer sees them in
    /// the compilation, the generator does not, and both must agree.
    /// </summary>
    private static string? ExistingMemberClash(IMethodSymbol method, INamedTypeSymbol containing)
    {
        foreach (string name in GeneratedNames(method))
        {
            foreach (ISymbol member in containing.GetMembers(name))
            {
                if (IsGeneratedByParallelGen(member))
                {
                    continue;
                }

                if (member is IMethodSymbol existing)
                {
                    if (existing.MethodKind == MethodKind.Ordinary && existing.Arity == 0 && DuplicatesAGeneratedSignature(method, existing))
                    {
                        return $"'{containing.Name}' already declares '{existing.ToDisplayString(SymbolDisplayFormat.CSharpShortErrorMessageFormat)}', which has the signature of a generated method; rename or remove that method, or rename the [Parallelize] method";
                    }
                }
                else
                {
                    string kind = member switch
                    {
                        IPropertySymbol => "property",
                        IFieldSymbol => "field",
                        IEventSymbol => "event",
                        INamedTypeSymbol => "nested type",
                        _ => "member",
                    };
                    return $"'{containing.Name}' already has a {kind} named '{name}', the name of a generated method; rename the {kind}, or rename the [Parallelize] method";
                }
            }
        }

        return null;
    }

    private static bool IsGeneratedByParallelGen(ISymbol member) =>
        member.GetAttributes().Any(a =>
            a.AttributeClass is { Name: "GeneratedCodeAttribute" }
            && a.ConstructorArguments.Length > 0
            && a.ConstructorArguments[0].Value is GeneratorToolName);

    /// <summary>The tool name in the generated code's <c>[GeneratedCode]</c> attribute.</summary>
    public const string GeneratorToolName = "ParallelGen.Generator";

    /// <summary>
    /// Whether <paramref name="existing"/>'s parameters are those of a generated overload:
    /// <c>(IEnumerable&lt;Item&gt;, CancellationToken)</c> or <c>(IEnumerable&lt;Item&gt;, ParallelizeOptions?, CancellationToken)</c>
    /// (<c>int count</c> instead of the items for a method without parameters).
    /// </summary>
    private static bool DuplicatesAGeneratedSignature(IMethodSymbol method, IMethodSymbol existing)
    {
        var parameters = existing.Parameters;
        if (parameters.Length is not (2 or 3)
            || parameters.Any(p => p.RefKind != RefKind.None)
            || !TargetShape.IsCancellationToken(parameters[parameters.Length - 1].Type))
        {
            return false;
        }

        if (parameters.Length == 3
            && parameters[1].Type is not INamedTypeSymbol { Name: "ParallelizeOptions", ContainingNamespace: { Name: "ParallelGen", ContainingNamespace.IsGlobalNamespace: true } })
        {
            return false;
        }

        List<ITypeSymbol> itemTypes = ItemTypes(method);
        ITypeSymbol first = parameters[0].Type;
        if (itemTypes.Count == 0)
        {
            return first.SpecialType == SpecialType.System_Int32;
        }

        if (first is not INamedTypeSymbol { Name: "IEnumerable", TypeArguments.Length: 1 } enumerable
            || enumerable.ContainingNamespace.ToDisplayString() != "System.Collections.Generic")
        {
            return false;
        }

        ITypeSymbol item = enumerable.TypeArguments[0];
        if (itemTypes.Count == 1)
        {
            return SameType(item, itemTypes[0]);
        }

        return item is INamedTypeSymbol { IsTupleType: true } tuple
            && tuple.TupleElements.Length == itemTypes.Count
            && tuple.TupleElements.Select(e => e.Type).Zip(itemTypes, SameType).All(same => same);
    }

    /// <summary>Type identity as overload resolution sees it: nullable annotations and tuple element names do not count.</summary>
    private static bool SameType(ITypeSymbol a, ITypeSymbol b)
    {
        if (SymbolEqualityComparer.Default.Equals(a, b))
        {
            return true;
        }

        return a is INamedTypeSymbol { IsTupleType: true } ta
            && b is INamedTypeSymbol { IsTupleType: true } tb
            && ta.TupleElements.Length == tb.TupleElements.Length
            && ta.TupleElements.Select(e => e.Type).Zip(tb.TupleElements.Select(e => e.Type), SameType).All(same => same);
    }

    /// <summary>The types that make up an item (a trailing CancellationToken is not part of it).</summary>
    private static string ItemSignature(IMethodSymbol method)
    {
        List<ITypeSymbol> types = ItemTypes(method);
        return types.Count == 0 ? "count" : string.Join(",", types.Select(t => t.ToDisplayString()));
    }

    /// <summary>The parameter types that make up an item: all of them but a trailing CancellationToken.</summary>
    private static List<ITypeSymbol> ItemTypes(IMethodSymbol method) =>
        TargetShape.ItemParameters(method).Select(p => p.Type).ToList();

    /// <summary>The containing type and its enclosing types that lack the 'partial' modifier, innermost first.</summary>
    public static List<string> TypesMissingPartial(INamedTypeSymbol type, CancellationToken cancellationToken)
    {
        var missing = new List<string>();
        for (INamedTypeSymbol? t = type; t is not null; t = t.ContainingType)
        {
            bool isPartial = t.DeclaringSyntaxReferences
                .Select(r => r.GetSyntax(cancellationToken))
                .OfType<TypeDeclarationSyntax>()
                .Any(d => d.Modifiers.Any(SyntaxKind.PartialKeyword));
            if (!isPartial)
            {
                missing.Add(t.Name);
            }
        }

        return missing;
    }
}
