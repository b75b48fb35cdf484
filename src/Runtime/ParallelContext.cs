using System;
using System.Threading;

namespace ParallelGen;

/// <summary>
/// Tells whether the current code runs inside a parallel body, and which item it runs
/// (<see cref="ItemIndex"/>). ParallelGen uses it for its nesting rule: a parallel call made from inside a parallel
/// body may use the cores its parent call leaves idle — at most <c>max(1, cpus / outer workers)</c> workers — so the
/// total stays within the CPU count (see <see cref="NestedWorkerLimit"/>).
/// </summary>
public static partial class ParallelContext
{
    [ThreadStatic] private static int t_depth;
    private static readonly AsyncLocal<bool> s_insideAsyncBody = new();

    /// <summary><see langword="true"/> while the current thread or async flow executes a parallel body.</summary>
    public static bool IsInParallelBody => t_depth > 0 || s_insideAsyncBody.Value;

    /// <summary>
    /// For backends that run bodies on threads of this process: marks the current thread as executing a parallel body
    /// until the scope is disposed, so that calls made by the body follow the nesting rule.
    /// </summary>
    /// <returns>The scope; dispose it on the same thread.</returns>
    [System.ComponentModel.EditorBrowsable(System.ComponentModel.EditorBrowsableState.Advanced)]
    public static BodyScope EnterBody()
    {
        EnterThread();
        return new BodyScope(entered: true);
    }

    internal static void EnterThread() => t_depth++;

    internal static void ExitThread()
    {
        if (--t_depth == 0)
        {
            t_itemIndex = 0; // a pooled worker thread keeps no stale index between calls
        }
    }

    /// <summary>Marks the current async flow (and everything it starts) as being inside a parallel body.</summary>
    internal static void MarkAsyncFlow() => s_insideAsyncBody.Value = true;

    /// <summary>The extent of a body started by <see cref="EnterBody"/>.</summary>
    public readonly struct BodyScope : IDisposable
    {
        private readonly bool _entered;

        internal BodyScope(bool entered) => _entered = entered;

        /// <summary>Leaves the body (a default scope does nothing).</summary>
        public void Dispose()
        {
            if (_entered)
            {
                ExitThread();
            }
        }
    }
}
