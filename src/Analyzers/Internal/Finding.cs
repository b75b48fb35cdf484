using System.Collections.Immutable;
using Microsoft.CodeAnalysis;

namespace ParallelGen.Analyzers.Internal;

/// <summary>
/// A problem a rule found in a parallel body. It becomes a diagnostic at <see cref="Location"/>, or, when it was found
/// in a method called from parallel code, at the call site (and only if <see cref="ViaThis"/> and
/// <see cref="RepeatedBodiesOnly"/> findings apply there).
/// </summary>
internal readonly struct Finding
{
    public Finding(DiagnosticDescriptor descriptor, Location location, bool viaThis, params object?[] arguments)
        : this(descriptor, location, viaThis, ImmutableDictionary<string, string?>.Empty, arguments)
    {
    }

    public Finding(DiagnosticDescriptor descriptor, Location location, bool viaThis, ImmutableDictionary<string, string?> properties, params object?[] arguments)
    {
        Descriptor = descriptor;
        Location = location;
        ViaThis = viaThis;
        Properties = properties;
        Arguments = arguments;
    }

    public DiagnosticDescriptor Descriptor { get; }

    public Location Location { get; }

    /// <summary>The state is shared only because it is reached through <c>this</c>.</summary>
    public bool ViaThis { get; }

    public ImmutableDictionary<string, string?> Properties { get; }

    /// <summary>The message arguments, without the last one (where the problem is, added when reported).</summary>
    public object?[] Arguments { get; }

    /// <summary>
    /// The problem only exists when the parallel body runs many times (per iteration or item, see
    /// <see cref="ParallelBody.Repeats"/>), not in a body that runs once per delegate such as a Parallel.Invoke action.
    /// </summary>
    public bool RepeatedBodiesOnly { get; init; }

    /// <summary>
    /// For a finding about shared state (a shared variable written, a shared collection or <c>Random</c> used): where
    /// that state lives (see <see cref="SharedState.Paths"/>). A <c>Parallel.Invoke</c> action's finding is reported
    /// only if another action touches overlapping storage (or the action is passed twice). Default (not set) for
    /// findings that do not depend on other delegates, which are reported as they are.
    /// </summary>
    public ImmutableArray<AccessPath> SharedPaths { get; init; }
}
