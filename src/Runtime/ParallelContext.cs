using System;
using System.Threading;

namespace ParallelGen;

/// <summary>
/// Tells whether the current code runs inside a parallel body. ParallelGen uses it for joblib's nesting rule: a
/// parallel call made from inside a parallel body runs sequentially instead of oversubscribing the machine.
/// </summary>
public static class ParallelContext
{
    [ThreadStatic] private static int t_depth;
    private static readonly AsyncLocal<bool> s_insideAsyncBody = new();

    /// <summary><see langword="true"/> while the current thread or async flow executes a parallel body.</summary>
    public static bool IsInParallelBody => t_depth > 0 || s_insideAsyncBody.Value;

    internal static void EnterThread() => t_depth++;

    internal static void ExitThread() => t_depth--;

    /// <summary>Marks the current async flow (and everything it starts) as being inside a parallel body.</summary>
    internal static void MarkAsyncFlow() => s_insideAsyncBody.Value = true;
}
