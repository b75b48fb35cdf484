using System;
using System.Collections.Generic;
using System.Linq;
using ParallelGen.Backends.Processes;
using ParallelGen.Backends.Threads;

namespace ParallelGen.Backends;

/// <summary>
/// Which <see cref="IParallelBackend"/> runs the calls that ask for a <see cref="Backend"/> value: joblib's
/// <c>register_parallel_backend</c>. <see cref="Backend.Threads"/> and <see cref="Backend.Processes"/> are built in;
/// a backend shipped in another assembly registers itself here (typically from a module initializer), and a call that
/// asks for a value nobody registered fails with <see cref="NotSupportedException"/> naming it.
/// </summary>
public static class ParallelBackendRegistry
{
    private static readonly object s_lock = new();

    // The registered backends beyond the two built-in ones, which calls find without a lookup: a dictionary keyed by the
    // enum is an instantiation the framework has not precompiled, compiled at run time by the first call otherwise
    // (~15 methods on the first process call's path).
    private static Dictionary<Backend, IParallelBackend>? s_others;

    /// <summary>The backend values that have an implementation, in ascending order.</summary>
    public static IReadOnlyList<Backend> Registered => [.. new[] { Backend.Threads, Backend.Processes }.Concat(s_others?.Keys ?? Enumerable.Empty<Backend>()).Order()];

    /// <summary>
    /// Registers <paramref name="implementation"/> for <paramref name="backend"/>, replacing an earlier registration of
    /// that value. The built-in <see cref="Backend.Threads"/> and <see cref="Backend.Processes"/> cannot be replaced.
    /// </summary>
    /// <param name="backend">The value calls ask for (an attribute's or <see cref="ParallelizeOptions.Backend"/>).</param>
    /// <param name="implementation">What runs those calls.</param>
    /// <exception cref="ArgumentNullException"><paramref name="implementation"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="backend"/> is a built-in backend.</exception>
    public static void Register(Backend backend, IParallelBackend implementation)
    {
        ArgumentNullException.ThrowIfNull(implementation);
        if (backend is Backend.Threads or Backend.Processes)
        {
            throw new ArgumentException($"Backend.{backend} is built in and cannot be replaced.", nameof(backend));
        }

        lock (s_lock)
        {
            // Copy on write: calls read the dictionary without a lock.
            s_others = new Dictionary<Backend, IParallelBackend>(s_others ?? []) { [backend] = implementation };
        }
    }

    /// <summary>Whether a backend is registered for <paramref name="backend"/>.</summary>
    /// <param name="backend">The value.</param>
    /// <returns><see langword="true"/> when calls asking for it can run.</returns>
    public static bool IsRegistered(Backend backend) => backend is Backend.Threads or Backend.Processes || s_others?.ContainsKey(backend) == true;

    /// <summary>The backend registered for <paramref name="backend"/>.</summary>
    /// <param name="backend">The value.</param>
    /// <returns>Its implementation.</returns>
    /// <exception cref="NotSupportedException">Nothing is registered for <paramref name="backend"/>.</exception>
    public static IParallelBackend Get(Backend backend) =>
        backend switch
        {
            Backend.Threads => ThreadsBackend.Instance,
            Backend.Processes => ProcessesBackend.Instance,
            _ => s_others is not null && s_others.TryGetValue(backend, out IParallelBackend? implementation) ? implementation : throw NotRegistered(backend),
        };

    private static NotSupportedException NotRegistered(Backend backend) =>
        new(
                $"No parallel backend is registered for Backend value {Describe(backend)}. Backend.Threads and Backend.Processes are " +
                "built in; any other backend comes from a package that registers it with ParallelBackendRegistry.Register " +
                "(is that package referenced and loaded?).");

    private static string Describe(Backend backend) =>
        Enum.IsDefined(backend) ? $"'{backend}' ({(int)backend})" : ((int)backend).ToString(System.Globalization.CultureInfo.InvariantCulture);
}
