using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using ParallelGen.Internal;

namespace ParallelGen;

/// <summary>
/// Python's <c>concurrent.futures.ThreadPoolExecutor</c>: <see cref="Submit{TResult}(Func{TResult})"/> a call, get a
/// <see cref="Future{TResult}"/>, ask it for its <c>Result()</c>. At most <see cref="MaxWorkers"/> calls run at once,
/// on dedicated threads (blocking calls do not starve the .NET thread pool).
/// </summary>
/// <remarks>
/// Accepted calls are never lost: as CPython does at interpreter exit, when the program ends (<c>Main</c> returns,
/// <see cref="Environment.Exit(int)"/>) the process waits for every call an executor accepted and did not withdraw,
/// including after <c>Shutdown(wait: false)</c>. To drop queued calls instead, use <c>Shutdown(cancelPending: true)</c>
/// (their futures become cancelled); a call that is already running is always finished.
/// </remarks>
/// <example>
/// <code>
/// using var executor = new ParallelExecutor(maxWorkers: 4);
/// Future&lt;int&gt; future = executor.Submit(() =&gt; Work.Square(3));
/// int nine = future.Result();
/// </code>
/// </example>
public sealed partial class ParallelExecutor : IDisposable, IAsyncDisposable
{
    private readonly object _lock = new();
    private readonly Queue<WorkItem> _queue = new();
    private readonly ManualResetEventSlim _idle = new(true);
    private readonly Action? _initializer;
    private readonly string? _threadNamePrefix;
    private int _threadsStarted;
    private int _running;
    private bool _shutdown;
    private BrokenExecutorException? _broken;

    // Executors with accepted calls, waited for at process exit (CPython's threading._register_atexit join).
    private static readonly HashSet<ParallelExecutor> s_busy = new(ReferenceEqualityComparer.Instance);
    private static int s_exitHookInstalled;

    /// <summary>Creates an executor.</summary>
    /// <param name="maxWorkers">At most this many calls run at once; negative values count CPUs as in <see cref="ParallelizeAttribute.Jobs"/>.</param>
    /// <param name="backend">
    /// Where the calls run: <see cref="Backend.Threads"/> (Python's <c>ThreadPoolExecutor</c>) takes any delegate;
    /// <see cref="Backend.Processes"/> (<c>ProcessPoolExecutor</c>) or another remote backend takes the generated
    /// <c>XxxParallel</c> method of a <c>[Parallelize(Backend = …)]</c> method, whose identity can cross to a worker.
    /// </param>
    /// <param name="initializer">
    /// Python's <c>initializer</c>/<c>initargs</c> (capture the arguments): runs on each worker thread before it takes
    /// calls (a worker that ran out of calls stops, and a worker started later runs it again), so per-thread state it
    /// sets up is there for every call. If it throws, the executor is broken, as CPython's <c>BrokenThreadPool</c>: the
    /// queued calls fail and further <c>Submit</c> calls throw, with <see cref="BrokenExecutorException"/> whose inner
    /// exception is the initializer's. On <see cref="Backend.Processes"/> (and other remote backends) pass an internal
    /// or public static method without parameters (<c>initializer: Work.Init</c>; the generator registers it for
    /// workers): it runs once in each worker process before the first call of this executor there, and if it throws
    /// the call fails and the executor is broken in the same way (CPython's <c>BrokenProcessPool</c>). On those backends
    /// it applies to static methods submitted with <c>Submit(F, …)</c>/<c>Map(F, …)</c>; a generated
    /// <c>…Parallel</c> method cannot be submitted to such an executor (<see cref="NotSupportedException"/>).
    /// </param>
    /// <param name="threadNamePrefix">
    /// Python's <c>thread_name_prefix</c>: a thread running this executor's calls is named <c>{prefix}_{n}</c> while it
    /// does (n counts the executor's workers from 0); <see langword="null"/> keeps the pool's name. Threads only: on other
    /// backends the calls run in workers outside this process.
    /// </param>
    /// <exception cref="NotSupportedException">
    /// On a backend other than <see cref="Backend.Threads"/>, the initializer is not a registered static method (a lambda, an instance method).
    /// </exception>
    public ParallelExecutor(int maxWorkers = -1, Backend backend = Backend.Threads, Action? initializer = null, string? threadNamePrefix = null)
    {
        if (initializer is not null && backend != Backend.Threads)
        {
            _remoteInitializer = Generated.RemoteInitializers.IdOf(initializer) ?? throw new NotSupportedException(
                $"On Backend.{backend} the initializer runs in each worker process, so it must be an internal or public static method " +
                "without parameters passed by name (initializer: Work.Init); a lambda or an instance method cannot cross to a worker " +
                "(with initargs, read them from the method's own static data). Or use Backend.Threads.");
            initializer = null; // it runs in the workers, not on this executor's threads
        }

        MaxWorkers = Internal.RunSettings.ResolveJobs(maxWorkers);
        Backend = backend;
        _initializer = initializer;
        _threadNamePrefix = threadNamePrefix;
    }

    /// <summary>
    /// Creates an executor whose <paramref name="initializer"/> takes an argument: Python's
    /// <c>ProcessPoolExecutor(initializer=f, initargs=(a,))</c>. As the constructor's <c>initializer</c>, it runs
    /// on each worker thread (<see cref="Backend.Threads"/>), or once in each worker process before the first call of
    /// this executor there (<see cref="Backend.Processes"/>, other remote backends); if it throws, the executor is
    /// broken (<see cref="BrokenExecutorException"/>, CPython's <c>BrokenProcessPool</c>). On a remote backend
    /// <paramref name="initializer"/> must be an internal or public static method passed by name
    /// (<c>initializer: Work.Connect</c>; the generator registers it with the formatter of its parameter type), and
    /// <paramref name="initargs"/> must be plain data (PG0006's rules): it is serialized once, here, and read once in each
    /// worker process. Every call of the executor carries those bytes to its worker, so keep them small (pass large
    /// arrays as a <see cref="SharedArray{T}"/>).
    /// </summary>
    /// <typeparam name="T">The initializer's parameter type.</typeparam>
    /// <param name="maxWorkers">As in the constructor.</param>
    /// <param name="backend">As in the constructor.</param>
    /// <param name="initializer">The static method to run first in each worker.</param>
    /// <param name="initargs">Its argument.</param>
    /// <returns>The executor.</returns>
    /// <exception cref="NotSupportedException">
    /// On a backend other than <see cref="Backend.Threads"/>, the initializer is not a registered static method (a lambda, an instance method).
    /// </exception>
    public static ParallelExecutor Create<T>(int maxWorkers, Backend backend, Action<T> initializer, T initargs)
    {
        ArgumentNullException.ThrowIfNull(initializer);
        return CreateWithInitializer(maxWorkers, backend, initializer, () => initializer(initargs), initargs);
    }

    /// <summary>
    /// Creates an executor whose <paramref name="initializer"/> takes two arguments, passed as a tuple:
    /// <c>ParallelExecutor.Create(2, Backend.Processes, initializer: Work.Connect, initargs: ("db", 3))</c> for
    /// <c>static void Connect(string name, int retries)</c>; see <see cref="Create{T}(int, Backend, Action{T}, T)"/>.
    /// </summary>
    /// <typeparam name="T1">The first parameter's type.</typeparam>
    /// <typeparam name="T2">The second parameter's type.</typeparam>
    /// <param name="maxWorkers">As in the constructor.</param>
    /// <param name="backend">As in the constructor.</param>
    /// <param name="initializer">The static method to run first in each worker.</param>
    /// <param name="initargs">Its arguments.</param>
    /// <returns>The executor.</returns>
    public static ParallelExecutor Create<T1, T2>(int maxWorkers, Backend backend, Action<T1, T2> initializer, (T1, T2) initargs)
    {
        ArgumentNullException.ThrowIfNull(initializer);
        return CreateWithInitializer(maxWorkers, backend, initializer, () => initializer(initargs.Item1, initargs.Item2), initargs);
    }

    /// <summary>
    /// Creates an executor whose <paramref name="initializer"/> takes three arguments, passed as a tuple; see
    /// <see cref="Create{T}(int, Backend, Action{T}, T)"/>.
    /// </summary>
    /// <typeparam name="T1">The first parameter's type.</typeparam>
    /// <typeparam name="T2">The second parameter's type.</typeparam>
    /// <typeparam name="T3">The third parameter's type.</typeparam>
    /// <param name="maxWorkers">As in the constructor.</param>
    /// <param name="backend">As in the constructor.</param>
    /// <param name="initializer">The static method to run first in each worker.</param>
    /// <param name="initargs">Its arguments.</param>
    /// <returns>The executor.</returns>
    public static ParallelExecutor Create<T1, T2, T3>(int maxWorkers, Backend backend, Action<T1, T2, T3> initializer, (T1, T2, T3) initargs)
    {
        ArgumentNullException.ThrowIfNull(initializer);
        return CreateWithInitializer(maxWorkers, backend, initializer, () => initializer(initargs.Item1, initargs.Item2, initargs.Item3), initargs);
    }

    private static ParallelExecutor CreateWithInitializer<TArgs>(int maxWorkers, Backend backend, Delegate initializer, Action bound, TArgs initargs)
    {
        if (backend == Backend.Threads)
        {
            return new ParallelExecutor(maxWorkers, backend, bound);
        }

        (string id, byte[] arguments) = Generated.RemoteInitializers.Prepare(initializer, initargs) ?? throw new NotSupportedException(
            $"On Backend.{backend} the initializer runs in each worker process, so it must be an internal or public static method " +
            "passed by name (initializer: Work.Connect, initargs: …), in a project where the ParallelGen generator registers it; " +
            "a lambda or an instance method cannot cross to a worker. Or use Backend.Threads.");
        return new ParallelExecutor(maxWorkers, backend, id, arguments);
    }

    private ParallelExecutor(int maxWorkers, Backend backend, string remoteInitializer, byte[] arguments)
        : this(maxWorkers, backend, initializer: null)
    {
        _remoteInitializer = remoteInitializer;
        _remoteInitializerArguments = arguments;
    }

    /// <summary>The largest number of calls that run at once.</summary>
    public int MaxWorkers { get; }

    /// <summary>Where the calls run.</summary>
    public Backend Backend { get; }

    /// <summary>Schedules <c>function()</c>.</summary>
    /// <typeparam name="TResult">The result type.</typeparam>
    /// <param name="function">The call.</param>
    /// <returns>Its future.</returns>
    /// <exception cref="ObjectDisposedException">The executor was shut down.</exception>
    /// <exception cref="NotSupportedException">
    /// The executor's backend is not <see cref="Backend.Threads"/>: a delegate cannot cross to a worker process.
    /// </exception>
    public Future<TResult> Submit<TResult>(Func<TResult> function)
    {
        ArgumentNullException.ThrowIfNull(function);
        if (Backend != Backend.Threads)
        {
            throw new NotSupportedException(
                $"An executor on Backend.{Backend} cannot run a lambda or a method that captures state: it cannot cross to a worker (the compiler reports it as PG0008). " +
                "Submit an internal or public static method with its arguments, e.g. executor.Submit(Work.SlowAdd, 1, 2) (the generated interceptor sends its id and the arguments), " +
                $"or the generated method of a [Parallelize(Backend = Backend.{Backend})] method, or use Backend.Threads.");
        }

        return Enqueue(new Future<TResult>(function));
    }

    /// <summary>
    /// Schedules <c>method(arg)</c> on the executor's backend, where <paramref name="parallelMethod"/> is the generated
    /// <c>MethodParallel</c> of a <c>[Parallelize]</c> method (e.g. <c>executor.Submit(Work.SquareParallel, 3)</c>): on
    /// <see cref="Backend.Processes"/> the call runs in a worker process, and a future whose worker dies fails with
    /// <c>WorkerCrashedException</c> (the pool replaces the worker).
    /// </summary>
    /// <typeparam name="T">The argument type.</typeparam>
    /// <typeparam name="TResult">The result type.</typeparam>
    /// <param name="parallelMethod">The generated <c>…Parallel(items, options, cancellationToken)</c> method.</param>
    /// <param name="arg">The argument.</param>
    /// <returns>Its future.</returns>
    public Future<TResult> Submit<T, TResult>(Func<IEnumerable<T>, ParallelizeOptions?, CancellationToken, TResult[]> parallelMethod, T arg)
    {
        ArgumentNullException.ThrowIfNull(parallelMethod);
        ThrowIfGeneratedWithRemoteInitializer();
        ParallelizeOptions options = OneCallOptions();
        return Enqueue(new Future<TResult>(() => parallelMethod([arg], options, CancellationToken.None)[0], isParallelBody: false));
    }

    /// <summary>Schedules <c>method(arg1, arg2)</c> on the executor's backend; see <see cref="Submit{T, TResult}(Func{IEnumerable{T}, ParallelizeOptions?, CancellationToken, TResult[]}, T)"/>.</summary>
    /// <typeparam name="T1">The first argument's type.</typeparam>
    /// <typeparam name="T2">The second argument's type.</typeparam>
    /// <typeparam name="TResult">The result type.</typeparam>
    /// <param name="parallelMethod">The generated <c>…Parallel(items, options, cancellationToken)</c> method.</param>
    /// <param name="arg1">The first argument.</param>
    /// <param name="arg2">The second argument.</param>
    /// <returns>Its future.</returns>
    public Future<TResult> Submit<T1, T2, TResult>(Func<IEnumerable<(T1, T2)>, ParallelizeOptions?, CancellationToken, TResult[]> parallelMethod, T1 arg1, T2 arg2) =>
        Submit(parallelMethod, (arg1, arg2));

    /// <summary>Schedules <c>method(arg1, arg2, arg3)</c> on the executor's backend; see <see cref="Submit{T, TResult}(Func{IEnumerable{T}, ParallelizeOptions?, CancellationToken, TResult[]}, T)"/>.</summary>
    /// <typeparam name="T1">The first argument's type.</typeparam>
    /// <typeparam name="T2">The second argument's type.</typeparam>
    /// <typeparam name="T3">The third argument's type.</typeparam>
    /// <typeparam name="TResult">The result type.</typeparam>
    /// <param name="parallelMethod">The generated <c>…Parallel(items, options, cancellationToken)</c> method.</param>
    /// <param name="arg1">The first argument.</param>
    /// <param name="arg2">The second argument.</param>
    /// <param name="arg3">The third argument.</param>
    /// <returns>Its future.</returns>
    public Future<TResult> Submit<T1, T2, T3, TResult>(Func<IEnumerable<(T1, T2, T3)>, ParallelizeOptions?, CancellationToken, TResult[]> parallelMethod, T1 arg1, T2 arg2, T3 arg3) =>
        Submit(parallelMethod, (arg1, arg2, arg3));

    /// <summary>
    /// Python's <c>executor.map</c> for a generated <c>MethodParallel</c>: one call over all
    /// <paramref name="items"/> on the executor's backend with <see cref="MaxWorkers"/> workers, results in input order.
    /// It runs on the calling thread beside the executor's queue (it does not take the executor's slots).
    /// </summary>
    /// <typeparam name="T">The item type.</typeparam>
    /// <typeparam name="TResult">The result type.</typeparam>
    /// <param name="parallelMethod">The generated <c>…Parallel(items, options, cancellationToken)</c> method.</param>
    /// <param name="items">The items.</param>
    /// <param name="timeout">The whole call's limit (<see cref="TimeoutException"/>); <see langword="null"/>: none.</param>
    /// <param name="chunkSize">Items sent to a worker at once; 0 chooses automatically (CPython's <c>chunksize</c>).</param>
    /// <returns>The results in order.</returns>
    /// <exception cref="ObjectDisposedException">The executor was shut down.</exception>
    public TResult[] Map<T, TResult>(Func<IEnumerable<T>, ParallelizeOptions?, CancellationToken, TResult[]> parallelMethod, IEnumerable<T> items, TimeSpan? timeout = null, int chunkSize = 0)
    {
        ArgumentNullException.ThrowIfNull(parallelMethod);
        ArgumentNullException.ThrowIfNull(items);
        ArgumentOutOfRangeException.ThrowIfNegative(chunkSize);
        ThrowIfGeneratedWithRemoteInitializer();
        lock (_lock)
        {
            if (_broken is { } broken)
            {
                throw new BrokenExecutorException(broken.Message, broken.InnerException);
            }

            ObjectDisposedException.ThrowIf(_shutdown, this);
        }

        return parallelMethod(items, new ParallelizeOptions { Jobs = MaxWorkers, Backend = Backend, BatchSize = chunkSize, Timeout = timeout }, CancellationToken.None);
    }

    private ParallelizeOptions OneCallOptions() => new() { Jobs = 1, BatchSize = 1, Backend = Backend };

    private Future<TResult> Enqueue<TResult>(Future<TResult> future)
    {
        bool startWorker;
        lock (_lock)
        {
            if (_broken is { } broken)
            {
                throw new BrokenExecutorException(broken.Message, broken.InnerException);
            }

            ObjectDisposedException.ThrowIf(_shutdown, this);
            _queue.Enqueue(future);
            startWorker = _running < MaxWorkers;
            if (startWorker)
            {
                if (_running++ == 0)
                {
                    MarkBusy(true);
                }

                _idle.Reset();
            }
        }

        if (startWorker)
        {
            WorkerThreadPool.Run(static s => ((ParallelExecutor)s!).Drain(), this);
        }

        return future;
    }

    /// <summary>Schedules <c>function(arg)</c>.</summary>
    /// <typeparam name="T">The argument type.</typeparam>
    /// <typeparam name="TResult">The result type.</typeparam>
    /// <param name="function">The function.</param>
    /// <param name="arg">Its argument.</param>
    /// <returns>Its future.</returns>
    public Future<TResult> Submit<T, TResult>(Func<T, TResult> function, T arg)
    {
        ArgumentNullException.ThrowIfNull(function);
        return Submit(() => function(arg));
    }

    /// <summary>Schedules <c>function(arg1, arg2)</c> (Python's <c>submit(f, a, b)</c>).</summary>
    /// <typeparam name="T1">The first argument's type.</typeparam>
    /// <typeparam name="T2">The second argument's type.</typeparam>
    /// <typeparam name="TResult">The result type.</typeparam>
    /// <param name="function">The function.</param>
    /// <param name="arg1">The first argument.</param>
    /// <param name="arg2">The second argument.</param>
    /// <returns>Its future.</returns>
    public Future<TResult> Submit<T1, T2, TResult>(Func<T1, T2, TResult> function, T1 arg1, T2 arg2)
    {
        ArgumentNullException.ThrowIfNull(function);
        return Submit(() => function(arg1, arg2));
    }

    /// <summary>Schedules <c>function(arg1, arg2, arg3)</c> (Python's <c>submit(f, a, b, c)</c>).</summary>
    /// <typeparam name="T1">The first argument's type.</typeparam>
    /// <typeparam name="T2">The second argument's type.</typeparam>
    /// <typeparam name="T3">The third argument's type.</typeparam>
    /// <typeparam name="TResult">The result type.</typeparam>
    /// <param name="function">The function.</param>
    /// <param name="arg1">The first argument.</param>
    /// <param name="arg2">The second argument.</param>
    /// <param name="arg3">The third argument.</param>
    /// <returns>Its future.</returns>
    public Future<TResult> Submit<T1, T2, T3, TResult>(Func<T1, T2, T3, TResult> function, T1 arg1, T2 arg2, T3 arg3)
    {
        ArgumentNullException.ThrowIfNull(function);
        return Submit(() => function(arg1, arg2, arg3));
    }

    /// <summary>Python's <c>executor.map</c> without a timeout; see <see cref="Map{T, TResult}(Func{T, TResult}, IEnumerable{T}, TimeSpan?)"/>.</summary>
    /// <typeparam name="T">The item type.</typeparam>
    /// <typeparam name="TResult">The result type.</typeparam>
    /// <param name="function">The function.</param>
    /// <param name="items">The items.</param>
    /// <returns>The results in order.</returns>
    public TResult[] Map<T, TResult>(Func<T, TResult> function, IEnumerable<T> items) => Map(function, items, timeout: null);

    /// <summary>
    /// Python's <c>executor.map</c>: submits <c>function(item)</c> for every item and returns the results in input order,
    /// rethrowing the first failure (in input order) with its original type.
    /// </summary>
    /// <typeparam name="T">The item type.</typeparam>
    /// <typeparam name="TResult">The result type.</typeparam>
    /// <param name="function">The function.</param>
    /// <param name="items">The items.</param>
    /// <param name="timeout">
    /// The whole call's limit, counted from this call: <see cref="TimeoutException"/> if a result is not ready by then
    /// (the calls not started yet are withdrawn); <see langword="null"/>: none.
    /// </param>
    /// <returns>The results in order.</returns>
    public TResult[] Map<T, TResult>(Func<T, TResult> function, IEnumerable<T> items, TimeSpan? timeout)
    {
        long deadline = timeout is { } t ? Environment.TickCount64 + (long)Math.Ceiling(t.TotalMilliseconds) : long.MaxValue;
        ArgumentNullException.ThrowIfNull(function);
        ArgumentNullException.ThrowIfNull(items);
        var futures = new List<Future<TResult>>();
        foreach (T item in items)
        {
            futures.Add(Submit(function, item));
        }

        var results = new TResult[futures.Count];
        try
        {
            for (int i = 0; i < results.Length; i++)
            {
                results[i] = futures[i].Result(deadline == long.MaxValue ? null : TimeSpan.FromMilliseconds(Math.Max(0, deadline - Environment.TickCount64)));
            }
        }
        finally
        {
            foreach (Future<TResult> f in futures)
            {
                f.Cancel();
            }
        }

        return results;
    }

    /// <summary>Stops accepting calls; optionally withdraws queued ones and waits for running ones.</summary>
    /// <param name="wait">
    /// Wait until every accepted call has finished. With <see langword="false"/> the accepted calls still run to the end
    /// (the process waits for them when the program ends).
    /// </param>
    /// <param name="cancelPending">Withdraw calls that have not started (their futures become cancelled).</param>
    public void Shutdown(bool wait = true, bool cancelPending = false)
    {
        List<WorkItem>? withdrawn = null;
        lock (_lock)
        {
            _shutdown = true;
            if (cancelPending)
            {
                withdrawn = [.. _queue];
                _queue.Clear();
            }
        }

        withdrawn?.ForEach(static w => w.CancelPending());
        if (wait)
        {
            _idle.Wait();
        }
    }

    /// <summary>Shuts down and waits for every accepted call (<c>with ThreadPoolExecutor() as ex:</c>).</summary>
    public void Dispose() => Shutdown(wait: true);

    /// <summary>Shuts down and waits for every accepted call without blocking a thread (<c>await using</c>).</summary>
    /// <returns>A task that completes when the accepted calls have finished.</returns>
    public async ValueTask DisposeAsync()
    {
        Shutdown(wait: false);
        if (!_idle.IsSet)
        {
            var idle = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            RegisteredWaitHandle registration = ThreadPool.RegisterWaitForSingleObject(
                _idle.WaitHandle, static (state, _) => ((TaskCompletionSource)state!).TrySetResult(), idle, Timeout.Infinite, executeOnlyOnce: true);
            try
            {
                await idle.Task.ConfigureAwait(false);
            }
            finally
            {
                registration.Unregister(null);
            }
        }
    }

    private void MarkBusy(bool busy)
    {
        if (Interlocked.Exchange(ref s_exitHookInstalled, 1) == 0)
        {
            AppDomain.CurrentDomain.ProcessExit += static (_, _) => FinishAcceptedCalls();
        }

        lock (s_busy)
        {
            if (busy)
            {
                s_busy.Add(this);
            }
            else
            {
                s_busy.Remove(this);
            }
        }
    }

    /// <summary>Waits, at process exit, for every call accepted by an executor and not withdrawn.</summary>
    internal static void FinishAcceptedCalls()
    {
        while (true)
        {
            ParallelExecutor[] busy;
            lock (s_busy)
            {
                busy = [.. s_busy];
            }

            if (busy.Length == 0)
            {
                return;
            }

            foreach (ParallelExecutor executor in busy)
            {
                executor._idle.Wait();
            }
        }
    }

    private void Drain()
    {
        if (_threadNamePrefix is null)
        {
            DrainQueue();
            return;
        }

        // Named while it runs this executor's calls; the pool's thread gets its own name back afterwards.
        Thread thread = Thread.CurrentThread;
        string? poolName = thread.Name;
        thread.Name = _threadNamePrefix + "_" + (Interlocked.Increment(ref _threadsStarted) - 1).ToString(System.Globalization.CultureInfo.InvariantCulture);
        try
        {
            DrainQueue();
        }
        finally
        {
            thread.Name = poolName;
        }
    }

    private void DrainQueue()
    {
        if (_initializer is not null && !RunInitializer())
        {
            return;
        }

        while (true)
        {
            WorkItem? item;
            lock (_lock)
            {
                if (!_queue.TryDequeue(out item))
                {
                    if (--_running == 0)
                    {
                        MarkBusy(false); // before Set: an idle executor is never left in s_busy
                        _idle.Set();
                    }

                    return;
                }
            }

            item.Execute();
        }
    }

    /// <summary>Runs the initializer on this worker; when it throws, breaks the executor and ends this worker.</summary>
    private bool RunInitializer()
    {
        try
        {
            _initializer!();
            return true;
        }
        catch (Exception ex)
        {
            List<WorkItem> failed;
            BrokenExecutorException broken;
            lock (_lock)
            {
                broken = _broken ??= new BrokenExecutorException("A worker's initializer failed; the executor is broken and accepts no calls.", ex);
                failed = [.. _queue];
                _queue.Clear();
            }

            failed.ForEach(w => w.Fail(new BrokenExecutorException(broken.Message, broken.InnerException)));
            lock (_lock)
            {
                if (--_running == 0)
                {
                    MarkBusy(false);
                    _idle.Set();
                }
            }

            return false;
        }
    }

    /// <summary>A queued call.</summary>
    public abstract class WorkItem
    {
        private protected WorkItem()
        {
        }

        internal abstract void Execute();

        internal abstract void CancelPending();

        internal abstract void Fail(Exception exception);
    }
}
