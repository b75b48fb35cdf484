namespace ParallelGen.Generator.Model;

/// <summary>How the user's method returns.</summary>
internal enum ReturnKind
{
    /// <summary>A value: <c>R Name(...)</c>.</summary>
    Value,

    /// <summary><c>void Name(...)</c>.</summary>
    Void,

    /// <summary><c>Task&lt;R&gt;</c> or <c>ValueTask&lt;R&gt;</c>: awaited, results collected.</summary>
    AwaitableValue,

    /// <summary><c>Task</c> or <c>ValueTask</c>: awaited.</summary>
    Awaitable,
}

/// <summary>One type around the method, outermost first, as it must be re-declared: <c>partial class Box&lt;T&gt;</c>.</summary>
/// <param name="Keyword">class, struct, record, record struct or ref struct.</param>
/// <param name="NameWithTypeParameters">The name and type parameter list, e.g. <c>Box&lt;T&gt;</c>.</param>
internal readonly record struct ContainingTypeInfo(string Keyword, string NameWithTypeParameters);

/// <summary>A parameter that becomes (part of) an item.</summary>
/// <param name="Name">The parameter name, escaped if it is a keyword.</param>
/// <param name="Type">The fully qualified type.</param>
internal readonly record struct ParameterInfo(string Name, string Type);

/// <summary>Everything the emitter needs for one <c>[Parallelize]</c> method. Holds no Roslyn objects, so it caches.</summary>
/// <remarks>
/// <c>Obsolete</c> is the method's <c>[Obsolete]</c> attribute as source text, repeated on the generated code.
/// <c>BackendNameShadowed</c>: the compilation declares a namespace <c>ParallelGen.Backend</c>, so
/// <c>global::ParallelGen.Backend</c> names that namespace, not the enum, and the backend value is written without the
/// enum's name.
/// <c>Formats</c>: for a remote backend, the formatters of the method's types (null when PG0006 rejects one of them).
/// A sealed record <em>class</em> (value equality, compared by the incremental pipeline): Roslyn's pipeline nodes are
/// generic over the model type, and over a reference type they run the compiler's shared, precompiled code instead of
/// code JIT-compiled for this struct in every compiler process (see docs/benchmarks/analyzers.md, "Generator cost").
/// </remarks>
internal sealed record MethodToGenerate(
    string? Namespace,
    EquatableArray<ContainingTypeInfo> ContainingTypes,
    string ContainingTypeFullName,
    string MethodName,
    string GeneratedName,
    string Accessibility,
    bool IsStatic,
    EquatableArray<ParameterInfo> ItemParameters,
    bool TupleNamesAllowed,
    bool PassesCancellationToken,
    ReturnKind ReturnKind,
    string ResultType,
    bool ReturnsValueTask,
    int Jobs,
    ParallelGen.Shared.BackendKind Backend,
    int BatchSize,
    int Pinned,
    string DocumentationId,
    string DisplayName,
    string HintName,
    string BodyTypeName,
    string? Obsolete = null,
    bool BackendNameShadowed = false,
    WireFormats? Formats = null);
