using System;

namespace ParallelGen;

/// <summary>
/// Marks a method so that the ParallelGen source generator adds parallel versions of it to the containing
/// <see langword="partial"/> type: <c>NameParallel(items)</c> and <c>NameParallelAsync(items)</c>, which call the
/// method once per item on <see cref="Jobs"/> workers and return the results in input order.
/// </summary>
/// <example>
/// <code>
/// public static partial class Work
/// {
///     [Parallelize(Jobs = 8)]
///     public static int Square(int x) { Thread.Sleep(1000); return x * x; }
/// }
/// int[] squares = Work.SquareParallel(Enumerable.Range(0, 8)); // about 1 s, not 8 s
/// </code>
/// </example>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false, Inherited = false)]
public sealed class ParallelizeAttribute : Attribute
{
    /// <summary>
    /// How many calls run at once, with joblib's meaning of <c>n_jobs</c>: a positive number is exactly that many
    /// workers; <c>-1</c> (the default) is one worker per CPU; <c>-2</c> is all CPUs but one, and in general a negative
    /// <c>n</c> means <c>cpus + 1 + n</c> (at least one). With <see cref="Backend.Threads"/>, <c>1</c> runs the calls
    /// inline, sequentially, on the calling thread, which is convenient under a debugger; with
    /// <see cref="Backend.Processes"/> it means one worker process. <c>0</c> is a compile-time error (PG0005).
    /// </summary>
    public int Jobs { get; set; } = -1;

    /// <summary>Where the calls run. <see cref="Backend.Threads"/> (the default) shares memory with the caller.</summary>
    public Backend Backend { get; set; } = Backend.Threads;

    /// <summary>
    /// How many consecutive items one worker takes at a time. <c>0</c> (the default) batches automatically: large
    /// batches while much work remains, single items towards the end so that no worker straggles.
    /// </summary>
    public int BatchSize { get; set; }

    /// <summary>
    /// The values above that an enclosing <see cref="ParallelConfig"/> scope may not change, e.g.
    /// <c>[Parallelize(Jobs = 1, Pinned = ParallelSetting.Jobs)]</c> for a method that must run sequentially. Per-call
    /// <see cref="ParallelizeOptions"/> still win. <see cref="ParallelSetting.None"/> (the default) lets scopes apply.
    /// </summary>
    public ParallelSetting Pinned { get; set; }
}
