using System.Collections.Generic;
using Microsoft.CodeAnalysis;

namespace ParallelGen.Shared;

/// <summary>
/// How the generated members are named: the parallel versions of a method, and the tool name that marks generated code.
/// </summary>
internal static class GeneratedMemberNames
{
    /// <summary>The tool name in the generated code's <c>[GeneratedCode]</c> attribute.</summary>
    public const string GeneratorToolName = "ParallelGen.Generator";

    /// <summary>
    /// The names the generator gives a method's parallel versions: <c>NameParallel</c> and <c>NameParallelAsync</c>, or
    /// for a method returning a task only <c>NameParallelAsync</c> (with an <c>Async</c> suffix moved to the end); and
    /// the streams <c>NameParallelStream</c> and <c>NameParallelUnordered</c>.
    /// </summary>
    public static IEnumerable<string> For(IMethodSymbol method)
    {
        string name = BaseName(method, out bool awaitable);
        return awaitable
            ? [name + "Async", name + "Stream", name + "Unordered"]
            : [name, name + "Async", name + "Stream", name + "Unordered"];
    }

    /// <summary>
    /// <c>NameParallel</c>, or for a method returning <c>Task</c>/<c>ValueTask</c> (awaited by the generated code) the
    /// name without its <c>Async</c> suffix plus <c>Parallel</c>: <c>FetchAsync</c> → <c>FetchParallel</c>(<c>Async</c>).
    /// </summary>
    public static string BaseName(IMethodSymbol method, out bool awaitable)
    {
        awaitable = TargetShape.IsAwaitable(method.ReturnType, out _);
        string name = method.Name;
        if (awaitable && name.EndsWith("Async", System.StringComparison.Ordinal) && name.Length > "Async".Length)
        {
            name = name.Substring(0, name.Length - "Async".Length);
        }

        return name + "Parallel";
    }
}
