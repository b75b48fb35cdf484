using System;
using System.IO;
using System.Threading;

namespace ParallelGen;

/// <summary>
/// joblib's <c>parallel_config</c>: defaults for every parallel call made inside a scope, generated methods included.
/// <c>using (ParallelConfig.Use(new ParallelConfig { Jobs = 2, Verbose = 10 })) { ... }</c>. A property left
/// <see langword="null"/> keeps the value of the enclosing scope (or, outside any scope, the method's).
/// </summary>
/// <remarks>
/// <para>
/// Precedence, highest first: the call's <see cref="ParallelizeOptions"/> &gt; the innermost scope (whose unset values
/// come from the scopes around it) &gt; the <see cref="ParallelizeAttribute"/> &gt; the built-in defaults. A value the
/// attribute lists in <see cref="ParallelizeAttribute.Pinned"/> skips the scope: call options &gt; attribute.
/// </para>
/// <para>
/// The scope lives in an <see cref="AsyncLocal{T}"/>: it flows across <see langword="await"/> and into tasks started
/// inside it, and is undone when disposed; concurrent flows each see their own. It is read where the parallel call is
/// made. Bodies run on worker threads that do not inherit it (joblib's workers do not either).
/// </para>
/// <para>
/// <see cref="Backend"/> applies to methods declared with a remote backend (they carry a remote identity) and to a
/// switch to <see cref="ParallelGen.Backend.Threads"/>; a method declared for threads stays on threads, since it was
/// never checked for serialization (PG0006/PG0007).
/// </para>
/// </remarks>
public sealed class ParallelConfig
{
    private static readonly AsyncLocal<ParallelConfig?> s_current = new();

    /// <summary>Jobs for calls in the scope (joblib's <c>n_jobs</c>; 0 is rejected when a call uses it).</summary>
    public int? Jobs { get; init; }

    /// <summary>The backend for calls in the scope (see the remarks for which methods it can move).</summary>
    public Backend? Backend { get; init; }

    /// <summary>Items per batch for calls in the scope (0 = automatic).</summary>
    public int? BatchSize { get; init; }

    /// <summary>Pre-dispatch for streams in the scope (see <see cref="ParallelizeOptions.PreDispatch"/>).</summary>
    public int? PreDispatch { get; init; }

    /// <summary>Verbosity for calls in the scope (see <see cref="ParallelizeOptions.Verbose"/>).</summary>
    public int? Verbose { get; init; }

    /// <summary>Where verbose lines go for calls in the scope.</summary>
    public TextWriter? VerboseWriter { get; init; }

    /// <summary>The longest each call in the scope may take (see <see cref="ParallelizeOptions.Timeout"/>).</summary>
    public TimeSpan? Timeout { get; init; }

    /// <summary>Process backend retries for calls in the scope (see <see cref="ParallelizeOptions.Retries"/>).</summary>
    public int? Retries { get; init; }

    /// <summary>
    /// joblib's <c>require="sharedmem"</c>: when <see langword="true"/>, every call in the scope runs on threads of this
    /// process, whatever its attribute or the scope's <see cref="Backend"/> says (the code inside relies on shared
    /// memory). A call whose own options ask for another backend throws <see cref="InvalidOperationException"/>.
    /// </summary>
    public bool? RequireSharedMemory { get; init; }

    /// <summary>The configuration in effect here (every enclosing scope merged), or <see langword="null"/> outside any scope.</summary>
    public static ParallelConfig? Current => s_current.Value;

    /// <summary>
    /// Makes <paramref name="config"/> the defaults for parallel calls in this flow until the returned scope is
    /// disposed. Its unset values come from the enclosing scope.
    /// </summary>
    /// <param name="config">The values to apply.</param>
    /// <returns>The scope; dispose it (a <see langword="using"/>) to restore the enclosing configuration.</returns>
    public static Scope Use(ParallelConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        ParallelConfig? outer = s_current.Value;
        s_current.Value = outer is null ? config : config.Over(outer);
        return new Scope(outer);
    }

    /// <summary>This configuration, with its unset values taken from <paramref name="outer"/>.</summary>
    private ParallelConfig Over(ParallelConfig outer) => new()
    {
        Jobs = Jobs ?? outer.Jobs,
        Backend = Backend ?? outer.Backend,
        BatchSize = BatchSize ?? outer.BatchSize,
        PreDispatch = PreDispatch ?? outer.PreDispatch,
        Verbose = Verbose ?? outer.Verbose,
        VerboseWriter = VerboseWriter ?? outer.VerboseWriter,
        Timeout = Timeout ?? outer.Timeout,
        Retries = Retries ?? outer.Retries,
        RequireSharedMemory = RequireSharedMemory ?? outer.RequireSharedMemory,
    };

    /// <summary>
    /// The options a call runs with: <paramref name="options"/> with its unset values filled from the current scope,
    /// except the values the attribute pins. Returns <paramref name="options"/> itself outside any scope.
    /// </summary>
    internal static ParallelizeOptions? Apply(ParallelDefaults defaults, ParallelizeOptions? options)
    {
        ParallelConfig? scope = s_current.Value;
        if (scope is null)
        {
            return options;
        }

        ParallelizeOptions call = options ?? Empty;
        Backend? backend = call.Backend;
        if (scope.RequireSharedMemory == true)
        {
            if (backend is { } b && b != ParallelGen.Backend.Threads)
            {
                throw new InvalidOperationException(
                    $"The call asks for Backend.{b}, but the enclosing ParallelConfig requires shared memory (RequireSharedMemory = true); only Backend.Threads shares memory.");
            }

            backend = ParallelGen.Backend.Threads;
        }
        else if (backend is null && !defaults.Pinned.HasFlag(ParallelSetting.Backend) && scope.Backend is { } sb
            && (sb == ParallelGen.Backend.Threads || defaults.Backend != ParallelGen.Backend.Threads))
        {
            backend = sb;
        }

        return new ParallelizeOptions
        {
            Jobs = call.Jobs ?? (defaults.Pinned.HasFlag(ParallelSetting.Jobs) ? null : scope.Jobs),
            Backend = backend,
            BatchSize = call.BatchSize ?? (defaults.Pinned.HasFlag(ParallelSetting.BatchSize) ? null : scope.BatchSize),
            PreDispatch = call.PreDispatch ?? scope.PreDispatch,
            Progress = call.Progress,
            Timeout = call.Timeout ?? scope.Timeout,
            Verbose = call.Verbose != 0 ? call.Verbose : scope.Verbose ?? 0,
            VerboseWriter = call.VerboseWriter ?? scope.VerboseWriter,
            Retries = call.Retries != 0 ? call.Retries : scope.Retries ?? 0,
            ItemTimeout = call.ItemTimeout,
            MaxTasksPerWorker = call.MaxTasksPerWorker,
            WorkerMemoryLimit = call.WorkerMemoryLimit,
            SharedMemoryThreshold = call.SharedMemoryThreshold,
            BackendInstance = call.BackendInstance,
        };
    }

    private static readonly ParallelizeOptions Empty = new();

    /// <summary>The extent of a <see cref="Use"/>; disposing it restores the enclosing configuration.</summary>
    public readonly struct Scope : IDisposable
    {
        private readonly ParallelConfig? _outer;
        private readonly bool _entered;

        internal Scope(ParallelConfig? outer)
        {
            _outer = outer;
            _entered = true;
        }

        /// <summary>Restores the configuration that was in effect when the scope was entered (a default scope does nothing).</summary>
        public void Dispose()
        {
            if (_entered)
            {
                s_current.Value = _outer;
            }
        }
    }
}

/// <summary>The attribute values a <see cref="ParallelizeAttribute.Pinned"/> list can exempt from <see cref="ParallelConfig"/> scopes.</summary>
[Flags]
public enum ParallelSetting
{
    /// <summary>Nothing pinned: scopes apply.</summary>
    None = 0,

    /// <summary><see cref="ParallelizeAttribute.Jobs"/>.</summary>
    Jobs = 1,

    /// <summary><see cref="ParallelizeAttribute.Backend"/>.</summary>
    Backend = 2,

    /// <summary><see cref="ParallelizeAttribute.BatchSize"/>.</summary>
    BatchSize = 4,

    /// <summary>Every value above.</summary>
    All = Jobs | Backend | BatchSize,
}
