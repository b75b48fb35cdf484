using System;
using System.Globalization;

namespace ParallelGen.Shared;

/// <summary>
/// The <c>Backend</c> a <c>[Parallelize]</c> method asks for, as the generator and the analyzers see it at compile
/// time. The one question they ask is <see cref="IsRemote"/>: whether the calls may run outside the caller's process,
/// which decides the remote requirements (PG0005: static, reachable from generated registration code, non-generic
/// containing types), serializable parameters and results (PG0006), no shared static state (PG0007), and whether the
/// generated body carries a remote identity and is registered for workers.
/// </summary>
/// <remarks>
/// Only <see cref="Threads"/> runs in the caller's process. Every other value is remote, including values this
/// assembly does not name (a backend added to the runtime's <c>Backend</c> enum later, such as a cluster backend), so a
/// new remote backend gets every compile-time check without new code here.
/// </remarks>
internal readonly struct BackendKind : IEquatable<BackendKind>
{
    /// <summary><c>Backend.Threads</c>: worker threads of the calling process.</summary>
    public static readonly BackendKind Threads = new(0);

    /// <summary><c>Backend.Processes</c>: a pool of worker processes.</summary>
    public static readonly BackendKind Processes = new(1);

    private BackendKind(int value) => Value = value;

    /// <summary>The enum's underlying value.</summary>
    public int Value { get; }

    /// <summary>Whether calls may run outside the caller's process (every backend but <c>Threads</c>).</summary>
    public bool IsRemote => Value != Threads.Value;

    /// <summary>How messages name it: <c>Backend.Processes</c>, or <c>(Backend)42</c> for a value this assembly does not know.</summary>
    public string DisplayName => Value switch
    {
        0 => "Backend.Threads",
        1 => "Backend.Processes",
        2 => "Backend.Cluster",
        _ => "(Backend)" + Value.ToString(CultureInfo.InvariantCulture),
    };

    /// <summary>The C# expression for the value in generated code.</summary>
    public string Expression => Value switch
    {
        0 => "global::ParallelGen.Backend.Threads",
        1 => "global::ParallelGen.Backend.Processes",
        2 => "global::ParallelGen.Backend.Cluster",
        // Parenthesized when negative: '(global::ParallelGen.Backend)-1' would be a subtraction.
        < 0 => "((global::ParallelGen.Backend)(" + Value.ToString(CultureInfo.InvariantCulture) + "))",
        _ => "(global::ParallelGen.Backend)" + Value.ToString(CultureInfo.InvariantCulture),
    };

    /// <summary>The kind of an attribute argument's value.</summary>
    /// <param name="value">The enum's underlying value.</param>
    /// <returns>The kind.</returns>
    public static BackendKind FromValue(int value) => new(value);

    /// <inheritdoc/>
    public bool Equals(BackendKind other) => Value == other.Value;

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is BackendKind other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => Value;

    /// <inheritdoc/>
    public override string ToString() => DisplayName;

    public static bool operator ==(BackendKind left, BackendKind right) => left.Equals(right);

    public static bool operator !=(BackendKind left, BackendKind right) => !left.Equals(right);
}
