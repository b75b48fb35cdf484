using System.Collections.Generic;
using Microsoft.CodeAnalysis;

namespace ParallelGen.Shared;

/// <summary>The extra rules for a method whose calls may run outside the caller's process (PG0005's remote requirements).</summary>
internal static class RemoteTargetRules
{
    /// <summary>
    /// A remote backend (<see cref="BackendKind.IsRemote"/>): a worker in another process has no instance to call an
    /// instance method on, and calls the method from a generated module initializer, which needs it (and every type
    /// around it) internal or public and non-generic.
    /// </summary>
    public static void Validate(IMethodSymbol method, BackendKind backend, List<TargetProblem> problems)
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
}
