using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Threading;
using ParallelGen.Diagnostics;
using ParallelGen.Backends;
using ParallelGen.Internal;
using MessagePack.Formatters;
using ParallelGen.Remote;
using ParallelGen.SharedMemory;

namespace ParallelGen.Backends.Processes;

/// <summary>
/// One call on the process backend. Each of <c>workers</c> dispatch loops leases a worker process, takes a batch,
/// sends it over the worker's pipe and blocks for the reply (no thread hop on the hot path), until the input is done,
/// the call is stopped, or something fails. The synchronous API runs one loop on the calling thread.
/// </summary>
internal sealed class ProcessRun<TItem, TResult> : RunCoordinator
{
    private readonly System.Collections.Generic.IReadOnlyList<TItem> _items;
    private readonly TResult[]? _results;
    private readonly string _methodId;
    private readonly IMessagePackFormatter<TItem> _itemFormatter;
    private readonly IMessagePackFormatter<TResult> _resultFormatter;
    private readonly ProcessPool _pool;
    private readonly bool _spin;
    private readonly BatchSizer _sizer;
    private readonly ParallelizeOptions? _options;
    private readonly HashSet<WorkerProcess> _busy = [];
    private readonly bool _cooperative;
    private readonly int _workers;
    private readonly ArraySharing? _sharing;

    private long _next;

    /// <summary>
    /// A call's lifecycle without cancelling the token on failure: an item's exception stops dispatch, but batches
    /// already running in other workers finish.
    /// </summary>
    internal ProcessRun(ParallelCall<TItem, TResult> call, RemoteMethod remote)
        : base(call.StartLifecycle(cancelTokenOnFailure: false), call.Workers)
    {
        StartupTrace.Reached("call");
        _items = call.Items;
        _results = call.Results;
        _methodId = remote.MethodId;
        _pool = ProcessPool.For(remote.Assembly);
        _cooperative = remote.ObservesCancellation;
        (_itemFormatter, _resultFormatter) = RemoteSerializer.FormattersOf<TItem, TResult>(remote.MethodId);
        StartupTrace.Reached("formatters");

        // Each worker and its dispatcher make two busy threads; poll-before-block only pays while they fit the cores.
        _spin = 2 * call.Workers <= Environment.ProcessorCount;
        _sizer = new BatchSizer(call.BatchSize, call.Workers);
        _options = call.Options;
        _workers = call.Workers;
        _sharing = ArraySharing.For(call.Options);
        if (call.Workers >= Environment.ProcessorCount)
        {
            ParentJitPriority.Lower(); // the workers fill the cores: the parent's background JIT waits for a free one
        }
    }

    protected override void Work() => Dispatch();

    private void Dispatch()
    {
        WorkerProcess? worker = null;
        (int Start, int Count, int Attempt)? retry = null;
        try
        {
            while (!Stopping)
            {
                int start, count, attempt;
                if (retry is { } again)
                {
                    // Items lost with a crashed worker go again, on the fresh worker this loop leases next.
                    (start, count, attempt) = again;
                    retry = null;
                }
                else if (!TakeBatch(out start, out count))
                {
                    break;
                }
                else
                {
                    attempt = 0;
                }

                worker ??= Lease();
                if (worker is null)
                {
                    return;
                }

                long started = Stopwatch.GetTimestamp();
                Reply reply;
                try
                {
                    reply = RunBatch(worker, start, count);
                }
                catch
                {
                    // A worker whose pipe carried something unexpected cannot be trusted with another call.
                    WorkerProcess broken = worker;
                    worker = null;
                    Release(broken);
                    broken.Kill("its pipe was corrupted");
                    _pool.Discard(broken);
                    throw;
                }

                switch (reply)
                {
                    case Reply.Done:
                        double seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
                        _sizer.Record(count, seconds);
                        if (Telemetry.ItemDuration.Enabled)
                        {
                            Telemetry.ItemDuration.Record(seconds / count);
                        }

                        Lifecycle.AddCompleted(start, count);
                        worker.ItemsDone += count;
                        if (ShouldRecycle(worker))
                        {
                            Release(worker);
                            _pool.Discard(worker);
                            worker = null;
                        }

                        break;

                    case Reply.Failed:
                        return;

                    case Reply.Died:
                        WorkerProcess dead = worker;
                        worker = null;
                        if (OnWorkerDied(dead, start, count, attempt))
                        {
                            retry = (start, count, attempt + 1);
                        }

                        break;
                }
            }
        }
        finally
        {
            if (worker is not null)
            {
                Release(worker);
                _pool.Return(worker);
            }
        }
    }

    /// <summary>The worker is no longer this call's: a stop must not kill it once it is back in the pool.</summary>
    private void Release(WorkerProcess worker)
    {
        lock (_busy)
        {
            _busy.Remove(worker);
        }
    }

    private WorkerProcess? Lease()
    {
        WorkerProcess worker = _pool.Lease();
        lock (_busy)
        {
            if (Stopping)
            {
                _pool.Return(worker);
                return null;
            }

            _busy.Add(worker);
        }

        return worker;
    }

    private bool TakeBatch(out int start, out int count)
    {
        long remaining = _items.Count - Volatile.Read(ref _next);
        int size = _sizer.Next(remaining);
        long first = Interlocked.Add(ref _next, size) - size;
        if (first >= _items.Count)
        {
            start = count = 0;
            return false;
        }

        start = (int)first;
        count = (int)Math.Min(size, _items.Count - first);
        return true;
    }

    private enum Reply
    {
        Done,
        Failed,
        Died,
    }

    private Reply RunBatch(WorkerProcess worker, int start, int count)
    {
        FrameBuffer frame = worker.Frame;
        using Activity? activity = StartBatchActivity(worker, start, count);
        using (ArraySharing.Enter(_sharing)) // large primitive arrays go once to shared memory, then as a file name
        {
            WireMessages.WriteCall(
                frame,
                new CallHeader(_methodId, _options?.WorkerMemoryLimit is not null, _spin, activity is null ? null : activity.Id, start, _workers),
                _items,
                start,
                count,
                _itemFormatter);
        }

        // A worker launched for this call may still be starting: the batch was written meanwhile. A worker that does not
        // start throws WorkerStartException, which fails the call (the dispatch loop discards the worker).
        StartupTrace.Reached("written");
        try
        {
            worker.AwaitReady(ProcessBackend.StartTimeout);
        }
        catch (WorkerStartException) when (Stopping)
        {
            return Reply.Died; // killed by the stop while it started: the stop is the call's outcome
        }

        if (Telemetry.BytesSent.Enabled)
        {
            Telemetry.BytesSent.Add(frame.Count);
        }

        if (Telemetry.BatchSize.Enabled)
        {
            Telemetry.BatchSize.Record(count);
        }

        Timer? itemTimer = null;
        if (_options?.ItemTimeout is { } itemTimeout)
        {
            TimeSpan limit = itemTimeout * count;
            itemTimer = new Timer(static s => ((WorkerProcess)s!).Kill("item timeout"), worker, limit, Timeout.InfiniteTimeSpan);
        }

        try
        {
            worker.Channel.Spin = _spin;
            try
            {
                worker.Channel.Send(FrameType.Call, frame);
                StartupTrace.Reached("sent");
            }
            catch (IOException)
            {
                return Reply.Died;
            }

            while (true)
            {
                if (!worker.Channel.TryRead(out FrameType type, out ReadOnlyMemory<byte> payload))
                {
                    activity?.SetStatus(ActivityStatusCode.Error, "the worker died");
                    return Reply.Died;
                }

                if (Telemetry.BytesReceived.Enabled)
                {
                    Telemetry.BytesReceived.Add(payload.Length + FrameChannel.HeaderSize);
                }

                switch (type)
                {
                    case FrameType.Output:
                        Console.Out.WriteLine($"[worker {worker.Number}] {WireMessages.ReadOutput(payload)}");
                        continue;

                    case FrameType.Result:
                        // The working set is measured after the batch, when a memory ceiling is set.
                        worker.WorkingSet = WireMessages.ReadResults(payload, _results, start, count, _resultFormatter);
                        StartupTrace.Reached("result");
                        return Reply.Done;

                    case FrameType.Error:
                        (int index, Exception error) = WireMessages.ReadError(payload, worker.ProcessId);
                        activity?.SetStatus(ActivityStatusCode.Error, error.GetType().FullName);
                        Lifecycle.Fail(index >= 0 ? start + index : start, error);
                        return Reply.Failed;

                    default:
                        throw new InvalidDataException($"Unexpected frame {type} from ParallelGen worker {worker.Number}.");
                }
            }
        }
        finally
        {
            itemTimer?.Dispose();
        }
    }

    /// <summary>The batch's activity, a child of the call's; its id travels to the worker in the call.</summary>
    private Activity? StartBatchActivity(WorkerProcess worker, int start, int count)
    {
        ActivityContext parent = Lifecycle.TraceContext;
        if (parent == default || !Telemetry.Source.HasListeners())
        {
            return null;
        }

        Activity? activity = Telemetry.Source.StartActivity(ParallelGenDiagnostics.BatchActivityName, ActivityKind.Client, parent);
        if (activity is not null && activity.IsAllDataRequested)
        {
            activity.SetTag("parallelgen.batch.start", start);
            activity.SetTag("parallelgen.batch.items", count);
            activity.SetTag("parallelgen.worker", worker.Number);
            activity.SetTag("parallelgen.worker.pid", worker.ProcessId);
        }

        return activity;
    }

    /// <summary>Handles a worker that died mid-batch; true when the batch should be retried.</summary>
    private bool OnWorkerDied(WorkerProcess worker, int start, int count, int attempt)
    {
        Release(worker);

        string exit = worker.Describe(out int? exitCode, out string? signal);
        string? killReason = worker.KillReason;
        string stderr = worker.StandardErrorTail;
        _pool.Discard(worker);

        if (Stopping)
        {
            return false; // killed because the call was cancelled, timed out or already failed
        }

        string items = count == 1
            ? $"item {start}"
            : $"items {start}–{start + count - 1}";
        if (killReason == "item timeout")
        {
            Lifecycle.Fail(start, new TimeoutException(
                $"{items} did not finish within the item timeout of {_options!.ItemTimeout}; ParallelGen worker process {worker.ProcessId} was killed."));
            return false;
        }

        if (attempt < (_options?.Retries ?? 0))
        {
            return true;
        }

        string message =
            $"ParallelGen worker process {worker.ProcessId} died while running {items}: exit code {exit}" +
            (attempt > 0 ? $", after {attempt} retr{(attempt == 1 ? "y" : "ies")}" : "") + "." +
            (stderr.Length > 0 ? $" Its last standard error lines:{Environment.NewLine}{stderr}" : "");
        Lifecycle.Fail(start, new WorkerCrashedException(message, Enumerable.Range(start, count).ToArray(), worker.ProcessId, exitCode, signal, stderr));
        return false;
    }

    private bool ShouldRecycle(WorkerProcess worker) =>
        (_options?.MaxTasksPerWorker is { } max && worker.ItemsDone >= max)
        || (_options?.WorkerMemoryLimit is { } limit && worker.WorkingSet > limit);

    /// <summary>
    /// Cancellation and the call's timeout stop busy workers: a process, unlike a thread, can be killed. A method that
    /// takes a <see cref="CancellationToken"/> first gets its token cancelled and <see cref="ProcessBackend.CancelGracePeriod"/>
    /// to return; any other is killed at once.
    /// </summary>
    protected override void OnStopRequested()
    {
        WorkerProcess[] busy;
        lock (_busy)
        {
            busy = [.. _busy];
        }

        foreach (WorkerProcess w in busy)
        {
            if (_cooperative)
            {
                w.RequestStop(ProcessBackend.CancelGracePeriod, "the call was stopped");
            }
            else
            {
                w.Kill("the call was stopped");
            }
        }
    }

    protected override void OnFinished()
    {
        lock (_busy)
        {
            _busy.Clear();
        }

        _sharing?.Dispose(); // the call's shared files go with it
    }
}
