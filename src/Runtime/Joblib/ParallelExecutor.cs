using System;
using System.Collections.Generic;
using System.Threading;
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
public sealed class ParallelExecutor : IDisposable
{
    private readonly object _lock = new();
    private readonly Queue<WorkItem> _queue = new();
    private readonly ManualResetEventSlim _idle = new(true);
    private int _running;
    private bool _shutdown;

    // Executors with accepted calls, waited for at process exit (CPython's threading._register_atexit join).
    private static readonly HashSet<ParallelExecutor> s_busy = new(ReferenceEqualityComparer.Instance);
    private static int s_exitHookInstalled;

    /// <summary>Creates an executor.</summary>
    /// <param name="maxWorkers">At most this many calls run at once; negative values count CPUs as in <see cref="ParallelizeAttribute.Jobs"/>.</param>
    public ParallelExecutor(int maxWorkers = -1) => MaxWorkers = Internal.RunSettings.ResolveJobs(maxWorkers);

    /// <summary>The largest number of calls that run at once.</summary>
    public int MaxWorkers { get; }

    /// <summary>Schedules <c>function()</c>.</summary>
    /// <typeparam name="TResult">The result type.</typeparam>
    /// <param name="function">The call.</param>
    /// <returns>Its future.</returns>
    /// <exception cref="ObjectDisposedException">The executor was shut down.</exception>
    public Future<TResult> Submit<TResult>(Func<TResult> function)
    {
        ArgumentNullException.ThrowIfNull(function);
        var future = new Future<TResult>(function);
        bool startWorker;
        lock (_lock)
        {
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

    /// <summary>
    /// Python's <c>executor.map</c>: submits <c>function(item)</c> for every item and returns the results in input order,
    /// rethrowing the first failure (in input order) with its original type.
    /// </summary>
    /// <typeparam name="T">The item type.</typeparam>
    /// <typeparam name="TResult">The result type.</typeparam>
    /// <param name="function">The function.</param>
    /// <param name="items">The items.</param>
    /// <returns>The results in order.</returns>
    public TResult[] Map<T, TResult>(Func<T, TResult> function, IEnumerable<T> items)
    {
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
                results[i] = futures[i].Result();
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

    /// <summary>Shuts down and waits for running calls (<c>with ThreadPoolExecutor() as ex:</c>).</summary>
    public void Dispose() => Shutdown(wait: true);

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

    /// <summary>A queued call.</summary>
    public abstract class WorkItem
    {
        private protected WorkItem()
        {
        }

        internal abstract void Execute();

        internal abstract void CancelPending();
    }
}
