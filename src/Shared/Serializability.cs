using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;

namespace ParallelGen.Shared;

/// <summary>
/// Decides whether a value of a type can be copied to another process (PG0006): plain data (primitives, strings,
/// enums, arrays, common collections, tuples, and records/classes/structs whose public fields and properties are
/// themselves plain data) can; live objects, handles, delegates, open types and polymorphic types cannot.
/// </summary>
internal sealed class Serializability
{
    private const string Separator = " \u2192 ";

    /// <summary>How many types may be open at once (a member's type inside a member's type ...).</summary>
    internal const int MaxDepth = 64;

    /// <summary>How many constructions of one generic definition may be open at once (<c>Node&lt;List&lt;Node&lt;...&gt;&gt;&gt;</c>).</summary>
    internal const int MaxGenericNesting = 8;

    /// <summary>How many distinct types one check may look at; hostile code can make the walk explode in width.</summary>
    internal const int MaxTypes = 4096;

    // A problem found inside a type is "segment\u2192segment\u2192...|reason"; the segments say where (member, element).
    private readonly Dictionary<ITypeSymbol, string?> _cache = new(SymbolEqualityComparer.Default);
    private readonly HashSet<ITypeSymbol> _inProgress = new(SymbolEqualityComparer.Default);

    // The walk is bounded: a type whose members mention the type itself with a growing type argument
    // (class Node<T> { public Node<List<T>> Next; }) has infinitely many constructed types, so a visited set of
    // constructed types alone never closes the cycle. Counting open constructions per original definition does, and
    // the depth and width limits keep hostile shapes from overflowing the compiler's stack or hanging it.
    private readonly Dictionary<ITypeSymbol, int> _openDefinitions = new(SymbolEqualityComparer.Default);
    private int _computed;

    /// <summary>Why values of <paramref name="type"/> cannot be sent, or <see langword="null"/> if they can.</summary>
    public string? GetProblem(ITypeSymbol type)
    {
        if (Find(type) is not { } problem)
        {
            return null;
        }

        int bar = problem.IndexOf('|');
        return bar < 0 ? problem : $"its {problem.Substring(0, bar)} cannot be sent: {problem.Substring(bar + 1)}";
    }

    private string? Find(ITypeSymbol type)
    {
        if (_cache.TryGetValue(type, out string? cached))
        {
            return cached;
        }

        if (_inProgress.Contains(type))
        {
            return null; // a recursive shape (a tree node): judged by its other members
        }

        if (_inProgress.Count >= MaxDepth)
        {
            return $"its shape is too deep to check: more than {MaxDepth} nested member and element types; " +
                "flatten the data into fewer levels";
        }

        ITypeSymbol? definition = type is INamedTypeSymbol { IsGenericType: true } generic && !generic.IsDefinition
            ? generic.OriginalDefinition
            : null;
        int open = 0;
        if (definition is not null && _openDefinitions.TryGetValue(definition, out open) && open >= MaxGenericNesting)
        {
            return $"recursive generic expansion: '{definition.ToDisplayString(SymbolDisplayFormat.MinimallyQualifiedFormat)}' " +
                $"is nested in itself more than {MaxGenericNesting} times, so the shape of the data has no bound; " +
                "use a non-generic or non-growing shape (for example a list of nodes instead of ever deeper type arguments)";
        }

        if (++_computed > MaxTypes)
        {
            return $"its shape is too large to check: it mentions more than {MaxTypes} distinct types; use a simpler data type";
        }

        // Defence in depth: should the limits above ever fail to hold, throw a catchable exception (reported as
        // AD0001) rather than overflow the stack, which would kill the compiler or the IDE's analyzer host.
        System.Runtime.CompilerServices.RuntimeHelpers.EnsureSufficientExecutionStack();
        _inProgress.Add(type);
        if (definition is not null)
        {
            _openDefinitions[definition] = open + 1;
        }

        string? problem = Compute(type);
        _inProgress.Remove(type);
        if (definition is not null)
        {
            _openDefinitions[definition] = open;
        }

        _cache[type] = problem;
        return problem;
    }

    private string? Compute(ITypeSymbol type)
    {
        switch (type.TypeKind)
        {
            case TypeKind.Pointer or TypeKind.FunctionPointer:
                return "pointers are addresses in the sending process's memory";
            case TypeKind.Delegate:
                return "delegates (code and captured state) cannot be serialized";
            case TypeKind.TypeParameter:
                return "an open type parameter has no shape known at compile time";
            case TypeKind.Dynamic:
                return "'dynamic' needs polymorphic serialization; use a concrete type";
            case TypeKind.Interface when !IsCollectionInterface(type):
                return "an interface needs polymorphic serialization; use a concrete type";
            case TypeKind.Error:
                return null;
            case TypeKind.Array:
                return ElementProblem(((IArrayTypeSymbol)type).ElementType);
        }

        if (type.IsRefLikeType)
        {
            return "ref structs such as Span<T> cannot leave the stack; use an array";
        }

        switch (type.SpecialType)
        {
            case SpecialType.System_Object:
                return "'object' needs polymorphic serialization; use a concrete type";
            case SpecialType.System_IntPtr or SpecialType.System_UIntPtr:
                return "native pointers and handles are only valid in the process that owns them";
            case SpecialType.System_Boolean or SpecialType.System_Char or SpecialType.System_SByte or SpecialType.System_Byte or
                SpecialType.System_Int16 or SpecialType.System_UInt16 or SpecialType.System_Int32 or SpecialType.System_UInt32 or
                SpecialType.System_Int64 or SpecialType.System_UInt64 or SpecialType.System_Single or SpecialType.System_Double or
                SpecialType.System_Decimal or SpecialType.System_String or SpecialType.System_DateTime:
                return null;
            case SpecialType.System_Nullable_T:
                return null; // only the open definition reaches here
        }

        if (type.TypeKind == TypeKind.Enum)
        {
            return InaccessibleProblem(type);
        }

        if (type is not INamedTypeSymbol named)
        {
            return null;
        }

        if (named.OriginalDefinition.SpecialType == SpecialType.System_Nullable_T || named.IsTupleType)
        {
            return ElementsProblem(named);
        }

        if (LiveTypeProblem(named) is { } live)
        {
            return live;
        }

        string ns = named.ContainingNamespace?.ToDisplayString() ?? string.Empty;

        // ParallelGen's own handle types: a SharedArray<T> crosses as the name of its memory-mapped file.
        if (ns == "ParallelGen" && named.MetadataName == "SharedArray`1")
        {
            return null;
        }

        // Framework types the process serializer round-trips (tests/ParallelGen.Tests/SerializerTests.cs checks each one).
        if (ns == "System" && named.MetadataName is "DateTimeOffset" or "TimeSpan" or "Guid" or "DateOnly" or "TimeOnly" or "Half" or
                "Int128" or "UInt128" or "Uri" or "Version" or "Tuple`1" or "Tuple`2" or "Tuple`3" or "Tuple`4" or "Tuple`5" or "Tuple`6" or "Tuple`7" or
                "ArraySegment`1" or "Memory`1" or "ReadOnlyMemory`1" or "Lazy`1")
        {
            return ElementsProblem(named);
        }

        if ((ns == "System.Numerics" && named.MetadataName is "BigInteger" or "Complex" or "Vector2" or "Vector3" or "Vector4" or "Quaternion" or
                "Plane" or "Matrix3x2" or "Matrix4x4")
            || (ns == "System.Text" && named.MetadataName is "StringBuilder" or "Rune")
            || (ns == "System.Collections" && named.MetadataName is "BitArray"))
        {
            return null;
        }

        if (IsCollection(named, ns))
        {
            return ElementsProblem(named);
        }

        if (ns == "System" || ns.StartsWith("System.", System.StringComparison.Ordinal) || ns.StartsWith("Microsoft.", System.StringComparison.Ordinal))
        {
            return $"'{named.ToDisplayString(SymbolDisplayFormat.MinimallyQualifiedFormat)}' is not a plain data type";
        }

        if (named.IsAbstract && named.TypeKind == TypeKind.Class)
        {
            return "an abstract type needs polymorphic serialization; use a concrete type";
        }

        return InaccessibleProblem(named) ?? ConstructorProblem(named) ?? MembersProblem(named);
    }

    /// <summary>
    /// The serializer is generated into the assembly that declares the method, outside the type: it can only name a
    /// type that is public or internal there (and every type around it), or public in another assembly.
    /// </summary>
    private static string? InaccessibleProblem(ITypeSymbol type)
    {
        for (ITypeSymbol? t = type; t is not null; t = t.ContainingType)
        {
            bool inSource = t.Locations.Any(l => l.IsInSource);
            bool reachable = t.DeclaredAccessibility == Accessibility.Public
                || (inSource && t.DeclaredAccessibility is Accessibility.Internal or Accessibility.ProtectedOrInternal);
            if (!reachable)
            {
                string name = t.ToDisplayString(SymbolDisplayFormat.MinimallyQualifiedFormat);
                return inSource
                    ? $"the serializer generated for it cannot reach '{name}', which is {AccessibilityText(t.DeclaredAccessibility)}; make it internal or public"
                    : $"the serializer generated for it cannot reach '{name}', which is not public in its assembly";
            }
        }

        return null;
    }

    /// <summary>
    /// A class in source must have a constructor the generated reader can call (<see cref="WireShape.ChooseConstructor"/>):
    /// a public one whose parameters all name public members.
    /// </summary>
    private static string? ConstructorProblem(INamedTypeSymbol type)
    {
        if (type.IsValueType || !type.Locations.Any(l => l.IsInSource) || WireShape.ChooseConstructor(type) is not null)
        {
            return null;
        }

        return $"the serializer generated for it cannot create a '{type.ToDisplayString(SymbolDisplayFormat.MinimallyQualifiedFormat)}': " +
            "it needs a public constructor whose parameters (if any) are each named like a public field or property of the same type";
    }

    private static string AccessibilityText(Accessibility accessibility) => accessibility switch
    {
        Accessibility.Private => "private",
        Accessibility.Protected => "protected",
        Accessibility.ProtectedAndInternal => "private protected",
        Accessibility.Internal => "internal",
        _ => accessibility.ToString().ToLowerInvariant(),
    };

    private string? LiveTypeProblem(INamedTypeSymbol type)
    {
        for (INamedTypeSymbol? t = type; t is not null; t = t.BaseType)
        {
            string ns = t.ContainingNamespace?.ToDisplayString() ?? string.Empty;
            switch (ns, t.MetadataName)
            {
                case ("System.IO", "Stream"):
                    return "a stream is a live handle to a file, socket or buffer";
                case ("System.Threading.Tasks", "Task" or "Task`1" or "ValueTask" or "ValueTask`1"):
                    return "a task is a running operation, not a value; pass its result";
                case ("System.Threading", "Thread"):
                    return "a thread cannot be moved to another process";
                case ("System.Threading", "WaitHandle"):
                    return "a wait handle is an OS handle of the sending process";
                case ("System.Runtime.InteropServices", "SafeHandle" or "CriticalHandle"):
                    return "an OS handle is only valid in the process that owns it";
                case ("System.Threading", "CancellationTokenSource"):
                    return "a CancellationTokenSource is live state of the sending process";
                case ("System.Threading", "CancellationToken"):
                    return "only a trailing CancellationToken parameter is allowed (it is not sent; the worker gets its own)";
                case ("System", "Delegate" or "Type"):
                    return "delegates and types cannot be serialized";
            }
        }

        return null;
    }

    private static bool IsCollectionInterface(ITypeSymbol type) =>
        type is INamedTypeSymbol { IsGenericType: true } named &&
        named.ContainingNamespace?.ToDisplayString() == "System.Collections.Generic" &&
        named.MetadataName is "IEnumerable`1" or "IReadOnlyList`1" or "IReadOnlyCollection`1" or "IList`1" or "ICollection`1" or
            "IReadOnlyDictionary`2" or "IDictionary`2" or "ISet`1" or "IReadOnlySet`1";

    private static bool IsCollection(INamedTypeSymbol type, string ns) =>
        (ns == "System.Collections.Generic" &&
         type.MetadataName is "List`1" or "Dictionary`2" or "HashSet`1" or "SortedDictionary`2" or "SortedSet`1" or "SortedList`2" or
             "Queue`1" or "Stack`1" or "LinkedList`1" or "KeyValuePair`2" or "IEnumerable`1" or "IReadOnlyList`1" or
             "IReadOnlyCollection`1" or "IList`1" or "ICollection`1" or "IReadOnlyDictionary`2" or "IDictionary`2" or "ISet`1" or
             "IReadOnlySet`1") ||
        (ns == "System.Collections.Immutable" && type.MetadataName.StartsWith("Immutable", System.StringComparison.Ordinal)) ||
        (ns == "System.Collections.Frozen" && type.MetadataName is "FrozenSet`1" or "FrozenDictionary`2") ||
        (ns == "System.Collections.ObjectModel" && type.MetadataName is "ReadOnlyCollection`1" or "Collection`1" or "ReadOnlyDictionary`2" or
             "ObservableCollection`1" or "ReadOnlyObservableCollection`1") ||
        (ns == "System.Collections.Concurrent" && type.MetadataName is "ConcurrentDictionary`2" or "ConcurrentQueue`1" or "ConcurrentStack`1" or "ConcurrentBag`1");

    private static string Nest(string segment, string problem) =>
        problem.IndexOf('|') < 0 ? segment + "|" + problem : segment + Separator + problem;

    private string? ElementProblem(ITypeSymbol element) =>
        Find(element) is { } problem
            ? Nest($"element type '{element.ToDisplayString(SymbolDisplayFormat.MinimallyQualifiedFormat)}'", problem)
            : null;

    private string? ElementsProblem(INamedTypeSymbol type)
    {
        foreach (ITypeSymbol argument in type.TypeArguments)
        {
            if (ElementProblem(argument) is { } problem)
            {
                return problem;
            }
        }

        return null;
    }

    /// <summary>
    /// The public fields and properties of <paramref name="constructed"/> (and its base types) must be plain data, and, in
    /// source the analyzer can see, must survive the trip: the serializer sets a member through a public setter or
    /// <c>init</c>, or passes it to a public constructor of <paramref name="constructed"/> with a parameter of the same
    /// name. A get-only auto-property, a property with a non-public setter or a <c>readonly</c> field that neither can
    /// set would arrive with its default value, silently.
    /// </summary>
    private string? MembersProblem(INamedTypeSymbol constructed)
    {
        // A loop, not recursion, over the base types: an inheritance chain may be thousands of types long.
        for (INamedTypeSymbol? type = constructed;
             type is { SpecialType: not SpecialType.System_Object and not SpecialType.System_ValueType };
             type = type.BaseType)
        {
            if (OwnMembersProblem(type, constructed) is { } problem)
            {
                return problem;
            }
        }

        return null;
    }

    /// <summary>The members <paramref name="type"/> itself declares (see <see cref="MembersProblem"/>).</summary>
    private string? OwnMembersProblem(INamedTypeSymbol type, INamedTypeSymbol constructed)
    {
        bool inSource = type.Locations.Any(l => l.IsInSource);
        foreach (ISymbol member in type.GetMembers())
        {
            if (member.IsStatic || member.DeclaredAccessibility != Accessibility.Public || member.IsImplicitlyDeclared)
            {
                continue;
            }

            ITypeSymbol? memberType = member switch
            {
                IFieldSymbol field => field.Type,
                IPropertySymbol { IsIndexer: false, GetMethod: not null } property => property.Type,
                _ => null,
            };
            if (memberType is null)
            {
                continue;
            }

            if (Find(memberType) is { } problem)
            {
                return Nest($"member '{type.Name}.{member.Name}' of type '{memberType.ToDisplayString(SymbolDisplayFormat.MinimallyQualifiedFormat)}'", problem);
            }

            if (inSource && WouldBeLost(member, type) && !HasConstructorParameter(constructed, member.Name))
            {
                string what = member is IFieldSymbol ? "it is a readonly field" : "it has no public setter";
                string fix = member is IFieldSymbol ? "remove 'readonly'" : "add a public 'set' or 'init'";
                return $"member '{type.Name}.{member.Name}'|{what} and no public constructor has a parameter named " +
                    $"'{CamelCase(member.Name)}', so its value would arrive as the default; {fix}, or add such a constructor parameter";
            }
        }

        return null;
    }

    /// <summary>
    /// Whether the serializer could read the member but not set it: a readonly field, a property whose setter is not
    /// public, or a get-only auto-property. A get-only property computed from other members holds no state of its own.
    /// </summary>
    private static bool WouldBeLost(ISymbol member, INamedTypeSymbol type)
    {
        switch (member)
        {
            case IFieldSymbol field:
                return field.IsReadOnly && !field.IsConst;
            case IPropertySymbol property:
                if (property.SetMethod is { } setter)
                {
                    return setter.DeclaredAccessibility != Accessibility.Public;
                }

                foreach (ISymbol candidate in type.GetMembers())
                {
                    if (candidate is IFieldSymbol { IsImplicitlyDeclared: true } backing
                        && SymbolEqualityComparer.Default.Equals(backing.AssociatedSymbol, property))
                    {
                        return true; // a get-only auto-property: state only a constructor can set
                    }
                }

                return false;
            default:
                return false;
        }
    }

    private static bool HasConstructorParameter(INamedTypeSymbol type, string name)
    {
        foreach (IMethodSymbol constructor in type.InstanceConstructors)
        {
            if (constructor.DeclaredAccessibility != Accessibility.Public)
            {
                continue;
            }

            foreach (IParameterSymbol parameter in constructor.Parameters)
            {
                if (string.Equals(parameter.Name, name, System.StringComparison.OrdinalIgnoreCase))
                {
                    return true;
                }
            }
        }

        return false;
    }

    private static string CamelCase(string name) =>
        name.Length == 0 || char.IsLower(name[0]) ? name : char.ToLowerInvariant(name[0]) + name.Substring(1);
}
