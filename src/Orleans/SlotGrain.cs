using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using global::Orleans;
using global::Orleans.Concurrency;
using global::Orleans.Runtime;
using Payload = global::Orleans.Serialization.Buffers.PooledBuffer;

namespace ParallelGen.Orleans;

/// <summary>
/// One slot of the cluster's capacity: runs one batch at a time. The driver means each slot for one silo
/// (<see cref="SlotPool"/>) and <see cref="SlotPlacementDirector"/> places it there, so that a call's slots spread over
/// every silo; stateless workers would stay on the silo that receives the call (orleans#9383).
/// </summary>
internal interface ISlotGrain : IGrainWithIntegerKey
{
    /// <summary>
    /// Runs a batch of the method <paramref name="methodId"/> (declared in <paramref name="assemblyName"/>) over the
    /// MessagePack-serialized <paramref name="items"/>, and returns a <see cref="SlotReply"/> payload: the results, or
    /// the first exception with its position in the batch. User exceptions never escape as Orleans exceptions.
    /// A request for a <paramref name="batchId"/> this slot runs or ran recently gets that run's reply (the driver asks
    /// again when a silo its reply may have been routed through is lost); it does not run the batch again.
    /// <paramref name="items"/> is Orleans' pooled buffer: its codec reads a received payload into pooled segments (no
    /// new large array per batch on the silo, nor on a gateway silo that forwards the call) and returns the sender's
    /// segments to the pool once written, so each send needs a buffer of its own; the slot disposes it after the run.
    /// The reply is <see cref="Immutable{T}"/>: Orleans deep-copies a grain's result before sending it, and a reply is
    /// never changed once written.
    /// </summary>
    Task<Immutable<byte[]>> RunBatch(long batchId, int start, string methodId, string assemblyName, Payload items, CancellationToken cancellationToken);

    /// <summary>
    /// What this slot knows of <paramref name="batchId"/>: <see cref="SlotBatchStatus.Unknown"/> (never received, or
    /// its reply is no longer kept), <see cref="SlotBatchStatus.Running"/> or <see cref="SlotBatchStatus.Done"/>.
    /// </summary>
    Task<int> Status(long batchId);

    /// <summary>Where this slot lives: "processId address" of its silo (activates the slot).</summary>
    Task<string> Locate();

    /// <summary>
    /// The silo's <see cref="SiloCounters"/>: [slot batches run, messages its gateway received from clients (-1: not
    /// counted), bytes the silo process has allocated]. Tests and the benchmark: whether batches reach their silo without a
    /// forwarding hop, and what a call allocates there.
    /// </summary>
    Task<long[]> Counters();
}

/// <summary>
/// The silo side of a slot: batches run one at a time, on a thread-pool thread, off the grain's scheduler. The grain is
/// reentrant so that <see cref="ISlotGrain.Locate"/> and repeated requests for a running batch answer at once.
/// </summary>
[SlotPlacement]
[Reentrant]
internal sealed class SlotGrain(ILocalSiloDetails silo) : Grain, ISlotGrain
{
    /// <summary>How many finished batches' replies a slot keeps for repeated requests.</summary>
    private const int KeptReplies = 4;

    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly Dictionary<long, Task<Immutable<byte[]>>> _batches = [];
    private readonly Queue<long> _order = new();
    private readonly Queue<long> _stoppedCalls = new(); // calls a batch of which was cancelled here (the last few)

    public Task<Immutable<byte[]>> RunBatch(long batchId, int start, string methodId, string assemblyName, Payload items, CancellationToken cancellationToken)
    {
        if (_batches.TryGetValue(batchId, out Task<Immutable<byte[]>>? run))
        {
            items.Dispose();
            return run;
        }

        SiloCounters.BatchStarted();
        run = RunAsync(batchId, start, methodId, assemblyName, items, cancellationToken);
        _batches[batchId] = run;
        _order.Enqueue(batchId);
        while (_order.Count > KeptReplies && _batches[_order.Peek()].IsCompleted)
        {
            _batches.Remove(_order.Dequeue());
        }

        return run;
    }

    private async Task<Immutable<byte[]>> RunAsync(long batchId, int start, string methodId, string assemblyName, Payload items, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(CancellationToken.None).ConfigureAwait(true);
        long call = batchId >> 32; // the batch id's high half is its call's (ClusterBackend)
        try
        {
            // The driver keeps a slot's next batch waiting here while one runs: once the call stops (cancelled, failed,
            // abandoned), a waiting batch must not start, even if its own cancellation arrives after the running one's.
            if (cancellationToken.IsCancellationRequested || StoppedCall(call))
            {
                throw new OperationCanceledException(cancellationToken);
            }

            using CancellationTokenRegistration stopped = cancellationToken.Register(() => StopCall(call));
            byte[] reply = await Task.Run(() => SiloExecutor.Run(methodId, assemblyName, start, items.AsReadOnlySequence(), cancellationToken), CancellationToken.None).ConfigureAwait(true);
            return reply.AsImmutable();
        }
        finally
        {
            items.Dispose(); // the run has read every item (formatters copy what they keep)
            _gate.Release();
        }
    }

    private bool StoppedCall(long call)
    {
        lock (_stoppedCalls)
        {
            return _stoppedCalls.Contains(call);
        }
    }

    private void StopCall(long call)
    {
        lock (_stoppedCalls)
        {
            if (!_stoppedCalls.Contains(call))
            {
                _stoppedCalls.Enqueue(call);
                if (_stoppedCalls.Count > KeptReplies)
                {
                    _stoppedCalls.Dequeue();
                }
            }
        }
    }

    public Task<int> Status(long batchId) => Task.FromResult(
        !_batches.TryGetValue(batchId, out Task<Immutable<byte[]>>? run) ? SlotBatchStatus.Unknown
        : run.IsCompleted ? SlotBatchStatus.Done
        : SlotBatchStatus.Running);

    public Task<long[]> Counters() => Task.FromResult<long[]>([SiloCounters.Batches, SiloCounters.ClientMessages, GC.GetTotalAllocatedBytes()]);

    public Task<string> Locate() => Task.FromResult(System.FormattableString.Invariant($"{Environment.ProcessId} {silo.SiloAddress}"));
}

/// <summary>The answers of <see cref="ISlotGrain.Status"/>.</summary>
internal static class SlotBatchStatus
{
    internal const int Unknown = 0;
    internal const int Running = 1;
    internal const int Done = 2;
}
