using System.ComponentModel;

namespace ParallelGen;

/// <summary>
/// Implemented by the generated body of a <c>[Parallelize(Backend = Backend.Processes)]</c> method: the stable id under
/// which the worker processes know the method (no lookup by name at run time).
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public interface IProcessBody
{
    /// <summary>The method's stable id, registered by the generated module initializer.</summary>
    string MethodId { get; }
}
