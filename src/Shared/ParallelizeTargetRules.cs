using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace ParallelGen.Shared;

/// <summary>
/// The rules a <c>[Parallelize]</c> method must follow. Shared by the generator (which generates nothing for a method
/// that breaks one) and the PG0005 analyzer (which reports each broken rule), so the two never disagree.
/// </summary>
/// <remarks>
/// The decisions it relies on each have a file: the attribute's arguments (<see cref="ParallelizeArguments"/>), the
/// generated members' names (<see cref="GeneratedMemberNames"/>), collisions with other members
/// (<see cref="GeneratedMemberClashes"/>, comparing types with <see cref="TypeIdentity"/>), the remote backend's
/// requirements (<see cref="RemoteTargetRules"/>) and the target's shape (<see cref="TargetShape"/>).
/// </remarks>
internal static class ParallelizeTargetRules
{
    public const string AttributeMetadataName = "ParallelGen.ParallelizeAttribute";
    public const string ReasonProperty = "Reason";

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

        if (GeneratedMemberClashes.WithSibling(method, containing) is { } sibling)
        {
            problems.Add(new TargetProblem(TargetProblemKind.GeneratedNameClash, sibling));
        }

        if (GeneratedMemberClashes.WithExistingMember(method, containing) is { } existing)
        {
            problems.Add(new TargetProblem(TargetProblemKind.ExistingMemberClash, existing));
        }

        ValidateHostileShapes(method, problems);

        ParallelizeArguments.Read(attribute, out int jobs, out BackendKind backend, out int batchSize);
        if (jobs == 0)
        {
            problems.Add(new TargetProblem(
                TargetProblemKind.ZeroJobs,
                "Jobs = 0 means no workers; use a positive count, -1 for all CPUs (the default), or -2 for all CPUs but one"));
        }
        else if (jobs < ParallelizeArguments.MinJobs)
        {
            problems.Add(new TargetProblem(
                TargetProblemKind.JobsOutOfRange,
                $"Jobs = {jobs.ToString(System.Globalization.CultureInfo.InvariantCulture)} is out of range: a negative Jobs means 'CPUs + 1 + Jobs' workers " +
                $"(-1 = all CPUs, -2 = all but one), so values below {ParallelizeArguments.MinJobs.ToString(System.Globalization.CultureInfo.InvariantCulture)} leave no CPU on any machine; " +
                "use a positive count or a small negative value"));
        }

        if (batchSize < 0)
        {
            problems.Add(new TargetProblem(
                TargetProblemKind.NegativeBatchSize,
                $"BatchSize = {batchSize} is negative; use 0 for automatic batching or a positive number of items"));
        }

        if (UndefinedBackend(attribute) is { } undefined)
        {
            problems.Add(undefined);
        }
        else if (backend.IsRemote)
        {
            RemoteTargetRules.Validate(method, backend, problems);
        }

        return problems;
    }

    /// <summary>
    /// A <c>Backend</c> argument that is not a member of the referenced <c>Backend</c> enum (e.g. <c>(Backend)(-1)</c>):
    /// no backend can ever be registered for it at compile time. A member added to the enum later (as
    /// <c>Backend.Cluster</c> was) is accepted with no change here, and gets the remote rules through
    /// <see cref="BackendKind.IsRemote"/>.
    /// </summary>
    private static TargetProblem? UndefinedBackend(AttributeData attribute)
    {
        foreach (KeyValuePair<string, TypedConstant> argument in attribute.NamedArguments)
        {
            if (argument.Key != "Backend" || argument.Value.Kind != TypedConstantKind.Enum ||
                argument.Value.Value is not int value || argument.Value.Type is not INamedTypeSymbol { TypeKind: TypeKind.Enum } enumType)
            {
                continue;
            }

            var names = new List<string>();
            bool defined = false;
            foreach (ISymbol member in enumType.GetMembers())
            {
                if (member is IFieldSymbol { HasConstantValue: true, ConstantValue: int constant } field)
                {
                    names.Add("Backend." + field.Name);
                    defined |= constant == value;
                }
            }

            if (!defined)
            {
                return new TargetProblem(
                    TargetProblemKind.UndefinedBackend,
                    $"Backend = (Backend){value.ToString(System.Globalization.CultureInfo.InvariantCulture)} is not a member of the Backend enum; use {string.Join(", ", names)}");
            }
        }

        return null;
    }

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
    private static bool ContainsDynamic(ITypeSymbol type) => TypeTree.Any(type, static t => t.TypeKind == TypeKind.Dynamic);

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
