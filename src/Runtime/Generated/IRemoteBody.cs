using System.ComponentModel;

namespace ParallelGen.Generated;

// ParallelGen.Generated holds what only generated code calls. Backends can move behind it without breaking compiled
// user code, and it stays out of IntelliSense.

/// <summary>
/// Implemented by the generated body of a method declared for a remote backend (every backend but
/// <see cref="Backend.Threads"/>): the identity under which workers outside this process know the method, decided at
/// compile time.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public interface IRemoteBody
{
    /// <summary>The method's stable id (its documentation comment id).</summary>
    string MethodId { get; }

    /// <summary>
    /// Whether the method takes the call's <see cref="System.Threading.CancellationToken"/>, so that a stop can reach it
    /// in its worker instead of ending the worker.
    /// </summary>
    bool ObservesCancellation { get; }
}
