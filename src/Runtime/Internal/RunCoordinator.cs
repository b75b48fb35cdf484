using System;
using System.Runtime.ExceptionServices;
using System.Threading.Tasks;
using ParallelGen.Backends;

namespace ParallelGen.Internal;

/// <summary>
/// Hosts a call's <c>workers</c> blocking loops (<see cref="Work"/>) on dedicated threads — the calling thread being
/// one of them for the synchronous API — over the call's <see cref="CallLifecycle"/>, which owns the stop signal,
/// the first failure, the timeout and the outcome.
/// </summary>
internal abstract class RunCoordinator
{
    private readonly int _workers;
    private int _active;
    private Exception? _failure;
    private System.Threading.ManualResetEventSlim? _allDone;
    private TaskCompletionSource? _completion;

    protected RunCoordinator(CallLifecycle lifecycle, int workers)
    {
        Lifecycle = lifecycle;
        _workers = workers;
        lifecycle.SetStopHandler(OnStopRequested);
    }

    /// <summary>The call's lifecycle: stop signal, completed count, failures.</summary>
    protected CallLifecycle Lifecycle { get; }

    /// <summary>True once the call should start no more items.</summary>
    protected bool Stopping => Lifecycle.IsStopping;

    /// <summary>Runs the call with the calling thread as one of the loops, and throws its outcome.</summary>
    internal void Run()
    {
        _active = _workers;
        if (_workers > 1)
        {
            _allDone = new System.Threading.ManualResetEventSlim(false);
            for (int i = 1; i < _workers; i++)
            {
                WorkerThreadPool.Run(static s => ((RunCoordinator)s!).WorkerMain(), this);
            }
        }

        WorkerMain();
        _allDone?.Wait();
        _allDone?.Dispose();
        if (_failure is not null)
        {
            ExceptionDispatchInfo.Throw(_failure);
        }
    }

    /// <summary>Runs the call on worker threads only; the task completes with its outcome.</summary>
    internal Task RunDetached()
    {
        _completion = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _active = _workers;
        for (int i = 0; i < _workers; i++)
        {
            WorkerThreadPool.Run(static s => ((RunCoordinator)s!).WorkerMain(), this);
        }

        return _completion.Task;
    }

    /// <summary>One loop: take work until there is none or <see cref="Stopping"/>. An exception it throws fails the call.</summary>
    protected abstract void Work();

    /// <summary>Called once when the stop is signalled (cancellation or timeout, and failures that cancel the token).</summary>
    protected virtual void OnStopRequested()
    {
    }

    /// <summary>Called once after the last loop has returned, before the outcome is published.</summary>
    protected virtual void OnFinished()
    {
    }

    private void WorkerMain()
    {
        try
        {
            Work();
        }
        catch (Exception ex)
        {
            Lifecycle.Fail(-1, ex);
        }
        finally
        {
            if (System.Threading.Interlocked.Decrement(ref _active) == 0)
            {
                OnAllDone();
            }
        }
    }

    private void OnAllDone()
    {
        if (_completion is null)
        {
            _failure = Lifecycle.Finish();
            OnFinished();
            _allDone?.Set();
        }
        else
        {
            OnFinished();
            Lifecycle.Finish(_completion);
        }
    }
}
