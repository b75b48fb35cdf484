using System;
using System.Collections.Generic;
using System.Threading;

namespace ParallelGen.Internal;

/// <summary>
/// Dedicated worker threads, reused across calls. The .NET thread pool injects threads slowly when its threads block,
/// so <c>Jobs = 8</c> blocking calls would not all start at once on a 2-core machine; these threads do. A thread with
/// nothing to do for <see cref="IdleTimeout"/> exits.
/// </summary>
internal static class WorkerThreadPool
{
    internal static readonly TimeSpan IdleTimeout = TimeSpan.FromSeconds(30);

    private static readonly object s_lock = new();
    private static readonly Stack<Worker> s_idle = new();

    /// <summary>Runs <paramref name="work"/> on an idle worker thread, starting one when none is idle.</summary>
    internal static void Run(Action<object?> work, object? state)
    {
        ExecutionContext? context = ExecutionContext.Capture();
        Worker? worker;
        lock (s_lock)
        {
            s_idle.TryPop(out worker);
            worker?.Assign(work, state, context);
        }

        if (worker is null)
        {
            worker = new Worker();
            worker.Assign(work, state, context);
            worker.Start();
        }
        else
        {
            worker.Signal();
        }
    }

    private sealed class Worker
    {
        private readonly SemaphoreSlim _signal = new(0);
        private Action<object?>? _work;
        private object? _state;
        private ExecutionContext? _context;

        internal void Assign(Action<object?> work, object? state, ExecutionContext? context)
        {
            _work = work;
            _state = state;
            _context = context;
        }

        internal void Signal() => _signal.Release();

        internal void Start()
        {
            var thread = new Thread(static w => ((Worker)w!).Loop())
            {
                IsBackground = true,
                Name = "ParallelGen worker",
            };
            thread.UnsafeStart(this);
        }

        private void Loop()
        {
            while (true)
            {
                Action<object?> work = _work!;
                object? state = _state;
                ExecutionContext? context = _context;
                _work = null;
                _state = null;
                _context = null;

                if (context is null)
                {
                    work(state);
                }
                else
                {
                    ExecutionContext.Run(context, static s =>
                    {
                        var (w, st) = ((Action<object?>, object?))s!;
                        w(st);
                    }, (work, state));
                }

                lock (s_lock)
                {
                    s_idle.Push(this);
                }

                if (!_signal.Wait(IdleTimeout))
                {
                    lock (s_lock)
                    {
                        if (_work is null)
                        {
                            // Still idle: leave the stack and let the thread end.
                            RemoveFromIdle(this);
                            return;
                        }
                    }

                    // Work was assigned while the wait timed out; its signal is on the way.
                    _signal.Wait();
                }
            }
        }

        private static void RemoveFromIdle(Worker worker)
        {
            if (s_idle.Count == 0)
            {
                return;
            }

            var keep = new Stack<Worker>(s_idle.Count);
            while (s_idle.TryPop(out Worker? w))
            {
                if (!ReferenceEquals(w, worker))
                {
                    keep.Push(w);
                }
            }

            while (keep.TryPop(out Worker? w))
            {
                s_idle.Push(w);
            }
        }
    }
}
