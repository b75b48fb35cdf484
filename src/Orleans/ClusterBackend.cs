using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Buffers;
using System.Runtime.ExceptionServices;
using System.Threading;
using System.Threading.Tasks;
using MessagePack;
using MessagePack.Formatters;
using ParallelGen.Backends;
using ParallelGen.Internal;
using ParallelGen.Remote;
using global::Orleans.Concurrency;
using global::Orleans.Runtime;
using Payload = global::Orleans.Serialization.Buffers.PooledBuffer;

namespace ParallelGen.Orleans;

/// <summary>
/// <see cref="Backend.Cluster"/>: dispatch loops (<see cref="ClusterTarget.Capacity"/> = silos × slots per silo, capped by
/// Jobs and the item count; twice that for Jobs = -1, see <see cref="SlotPool"/>). Each loop takes the next batch and a
/// slot from the target's pool (the emptiest, on the emptiest silo), sends the batch to that slot grain by the method's
/// id, and stores the results; a batch whose silo fails (died, unreachable, no answer) is sent again to another slot,
/// up to <see cref="ClusterTarget.MaxRetries"/> times. User exceptions come back as values and are never retried.
/// </summary>
internal sealed class ClusterBackend : IParallelBackend
{
    internal static readonly ClusterBackend Instance = new();

    public int GetWorkerCount(int jobs, int itemCount) =>
        Math.Max(1, Math.Min(itemCount, BackendJobs.Resolve(jobs, ClusterTarget.Current?.Capacity ?? 1)));

    public void Run<TItem, TResult, TBody>(ParallelCall<TItem, TResult> call, TBody body)
        where TBody : struct, IParallelCallBody
    {
        ClusterTarget target = RequireTarget(call);
        CallLifecycle lifecycle = call.StartLifecycle();
        RunLoops(call, target, lifecycle).GetAwaiter().GetResult(); // spins briefly, then blocks: measured faster than blocking at once (docs/benchmarks/cluster.md)
        if (lifecycle.Finish() is { } failure)
        {
            ExceptionDispatchInfo.Throw(failure);
        }
    }

    public Task RunAsync<TItem, TResult, TBody>(ParallelCall<TItem, TResult> call, TBody body)
        where TBody : struct, IParallelCallBody
    {
        ClusterTarget target = RequireTarget(call);
        CallLifecycle lifecycle = call.StartLifecycle();
        var completion = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _ = FinishAsync();
        return completion.Task;

        async Task FinishAsync()
        {
            await RunLoops(call, target, lifecycle).ConfigureAwait(false);
            lifecycle.Finish(completion);
        }
    }

    private static ClusterTarget RequireTarget<TItem, TResult>(ParallelCall<TItem, TResult> call)
    {
        call.RequireRemote();
        ClusterTarget target = ClusterTarget.For(call.Options) ?? throw new ClusterUnavailableException(
            "Backend.Cluster needs a cluster: start one with `await LocalCluster.StartAsync(silos)`, connect to one with " +
            "`await ClusterConnection.ConnectRedisAsync(redis)`, or pass one in ParallelizeOptions.BackendInstance.");
        return target.Unavailable is { } reason
            ? throw new ClusterUnavailableException($"Backend.Cluster cannot run the call: {reason}.")
            : target;
    }

    private static async Task RunLoops<TItem, TResult>(ParallelCall<TItem, TResult> call, ClusterTarget target, CallLifecycle lifecycle)
    {
        int workers = Math.Max(1, Math.Min(call.Count, BackendJobs.Resolve(call.Jobs, target.Capacity)));
        int batchSize = call.BatchSize > 0 ? call.BatchSize : Math.Max(1, call.Count / (workers * 4));
        var state = new RunState<TItem, TResult>(call, target, lifecycle, batchSize);

        // Jobs = -1 (-2, ...): about twice the capacity in flight, so that a slot's next batch waits on its silo while
        // the current one runs (SlotPool); a positive Jobs is the number of batches running at once.
        int batches = (int)Math.Min(int.MaxValue, ((long)call.Count + batchSize - 1) / batchSize);
        int inFlight = call.Jobs > int.MaxValue - 1000 ? Math.Min(batches, workers * SlotPool.InFlightPerSlot) : workers;
        if (inFlight <= 1)
        {
            // One loop (a one-batch call, or Jobs = 1): it runs on the caller's thread up to the grain call, instead of a
            // hop to a thread-pool thread and a task to wait for all loops.
            await state.LoopAsync(yieldFirst: false).ConfigureAwait(false);
            return;
        }

        var loops = new Task[inFlight];
        for (int i = 0; i < loops.Length; i++)
        {
            loops[i] = state.LoopAsync(yieldFirst: true);
        }

        await Task.WhenAll(loops).ConfigureAwait(false);
    }

    private sealed class RunState<TItem, TResult>(
        ParallelCall<TItem, TResult> call, ClusterTarget target, CallLifecycle lifecycle, int batchSize)
    {
        private readonly RemoteMethod _method = call.RequireRemote();
        private readonly string _assembly = call.RequireRemote().Assembly.FullName!;
        private readonly int _maxRetries = call.Options?.Retries is > 0 and var retries ? retries : target.MaxRetries;
        private readonly TimeSpan? _itemTimeout = call.Options?.ItemTimeout;

        // A batch's id: this call's random high half and the batch's index. A slot grain runs a batch id once and answers
        // every request for it (ClusterTarget.ResendAfterLoss), so sending it again after a fault never runs it twice there.
        private readonly long _callId = (long)Random.Shared.Next(1, int.MaxValue) << 32;
        private readonly (IMessagePackFormatter<TItem> Items, IMessagePackFormatter<TResult> Results) _formatters =
            RemoteSerializer.FormattersOf<TItem, TResult>(call.RequireRemote().MethodId);
        private int _nextBatch = -1;
        private long _answeredTicks;
        private int _answered;

        // The token the silo's run gets. A call of one batch with no caller's token, no timeout and no item timeout
        // can never cancel a running batch (a failure stops the call only once its one batch has returned): it sends
        // none, which spares Orleans' cancellation bookkeeping for the call on the client and on the silo.
        private readonly CancellationToken _siloToken =
            call.CancellationToken.CanBeCanceled || call.Timeout is not null || call.Options?.ItemTimeout is not null || call.Count > batchSize
                ? lifecycle.StopToken
                : CancellationToken.None;

        /// <summary>One dispatch loop; loops of a call with several start on the thread pool (<paramref name="yieldFirst"/>).</summary>
        internal async Task LoopAsync(bool yieldFirst)
        {
            if (yieldFirst)
            {
                await Task.Yield();
            }

            while (!lifecycle.IsStopping)
            {
                int batch = Interlocked.Increment(ref _nextBatch);
                int start = checked(batch * batchSize);
                if (start >= call.Count)
                {
                    return;
                }

                int count = Math.Min(batchSize, call.Count - start);
                PooledBuffer items = WriteItems(start, count);
                DateTime? deadline = _itemTimeout is { } itemTimeout ? DateTime.UtcNow + itemTimeout * count : null;
                long batchId = _callId | (uint)batch;
                try
                {
                    string? failedOn = null;
                    DateTime? undeliveredSince = null;
                    for (int attempt = 0; ; attempt++)
                    {
                        if (target.Unavailable is { } reason)
                        {
                            lifecycle.Fail(-1, new ClusterUnavailableException(
                                $"Backend.Cluster lost the cluster while running the call: {reason}; {(count == 1 ? $"item {start}" : $"items {start} to {start + count - 1}")} did not finish."));
                            return;
                        }

                        long key;
                        try
                        {
                            key = await target.AcquireSlotAsync(failedOn, lifecycle.StopToken).ConfigureAwait(false);
                        }
                        catch (OperationCanceledException)
                        {
                            return; // the call was cancelled, timed out or failed elsewhere
                        }
                        catch (ClusterUnavailableException)
                        {
                            attempt--;
                            continue; // reported at the top of the loop
                        }

                        byte[] reply;
                        try
                        {
                            reply = (await RunOnSlotAsync(key, batchId, start, items.WrittenMemory, deadline, speculate: attempt < _maxRetries).ConfigureAwait(false)).Value;
                        }
                        catch (Exception) when (lifecycle.StopToken.IsCancellationRequested)
                        {
                            return; // the call was cancelled, timed out or failed elsewhere: the lifecycle has the outcome
                        }
                        catch (TimeoutException) when (deadline is { } end && DateTime.UtcNow >= end)
                        {
                            string what = count == 1 ? $"item {start}" : $"items {start} to {start + count - 1}";
                            lifecycle.Fail(start, new TimeoutException(
                                $"{what} did not finish within the item timeout of {_itemTimeout} on the cluster; the silo's run was cancelled."));
                            return;
                        }
                        catch (Exception ex)
                        {
                            // Not a user exception (those come back as values): the silo died, is unreachable or did not answer.
                            // A message Orleans could not deliver (e.g. the grain directory's partition for a new slot
                            // still belongs to a silo that just died, until the membership declares it dead) never ran
                            // the batch: it is sent again without using up a retry, for at most UndeliveredLimit.
                            bool undelivered = ex is OrleansMessageRejectionException;
                            undeliveredSince = undelivered ? undeliveredSince ?? DateTime.UtcNow : null;
                            if (undelivered && DateTime.UtcNow - undeliveredSince < UndeliveredLimit)
                            {
                                attempt--;
                            }
                            else if (attempt >= _maxRetries || undelivered)
                            {
                                lifecycle.Fail(-1, new ClusterUnavailableException(
                                    undelivered
                                        ? $"A batch of {count} items (from item {start}) could not be delivered to the cluster for {UndeliveredLimit.TotalSeconds:0} s; the last failure: {ex.Message}"
                                        : $"A batch of {count} items (from item {start}) failed on the cluster {attempt + 1} times (retries: {_maxRetries}); the last failure: {ex.Message}",
                                    ex));
                                return;
                            }

                            failedOn = target.KnownSilo(key) ?? target.IntendedSilo(key); // the next try goes elsewhere
                            try
                            {
                                await Task.Delay(TimeSpan.FromMilliseconds(undelivered ? 100 : 20 * (attempt + 1)), lifecycle.StopToken).ConfigureAwait(false);
                            }
                            catch (OperationCanceledException)
                            {
                                return;
                            }

                            continue;
                        }
                        finally
                        {
                            target.ReleaseSlot(key);
                        }

                        if (!ReadReply(reply, start, count))
                        {
                            return;
                        }

                        break;
                    }
                }
                finally
                {
                    items.Return(); // every send copied it into a payload of its own (Send)
                }
            }
        }

        /// <summary>
        /// Runs one batch on slot <paramref name="key"/>. Throws <see cref="SiloLostException"/> as soon as the slot's silo
        /// is known to be dead, <see cref="TimeoutException"/> past <paramref name="deadline"/>, or the grain call's failure.
        /// A request or reply can be lost on its way without its slot's silo dying (through a gateway silo that died, or a
        /// dropped connection): when any silo is lost, and every <see cref="ClusterTarget.PollInterval"/> of waiting, the
        /// driver asks the slot how the batch is doing and sends it again if the slot does not have it, or has finished
        /// it (the reply was lost). The slot answers a repeated request from its one run; it never runs a batch twice.
        /// </summary>
        private async Task<Immutable<byte[]>> RunOnSlotAsync(long key, long batchId, int start, ReadOnlyMemory<byte> items, DateTime? deadline, bool speculate)
        {
            long sent = Stopwatch.GetTimestamp();
            string silo = await LocateAsync(key, deadline).ConfigureAwait(false);
            CancellationToken siloLost = target.SiloLostToken(silo);
            ISlotGrain grain = target.Slot(key);
            var requests = new List<Task<Immutable<byte[]>>>(2) { Send(grain, batchId, start, items) };
            Exception? lastFailure = null;
            while (true)
            {
                // Woken by the call's stop, any silo's loss (the slot's silo's loss cancels AnyLossToken after its own
                // token: read in this order, a loss after the check below still wakes the wait), or the poll interval.
                CancellationToken anyLoss = target.AnyLossToken;
                Task<Immutable<byte[]>>? done = null;
                if (!siloLost.IsCancellationRequested)
                {
                    using var wait = CancellationTokenSource.CreateLinkedTokenSource(lifecycle.StopToken, anyLoss);
                    TimeSpan limit = ClusterTarget.PollInterval;
                    if (deadline is { } end && end - DateTime.UtcNow < limit)
                    {
                        limit = Max(end - DateTime.UtcNow, TimeSpan.Zero);
                    }

                    wait.CancelAfter(limit);
                    Task pending = requests.Count == 1 ? requests[0] : Task.WhenAny(requests);
                    await pending.WaitAsync(wait.Token).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                    done = FirstCompleted(requests);
                }

                if (done is null)
                {
                    lifecycle.StopToken.ThrowIfCancellationRequested();
                    if (siloLost.IsCancellationRequested)
                    {
                        throw new SiloLostException($"The silo {silo} running the batch was lost.");
                    }

                    if (deadline is { } limitAt && DateTime.UtcNow >= limitAt)
                    {
                        throw new TimeoutException("The batch passed its item timeout.");
                    }

                    if (await AskAgainAsync(grain, batchId, siloLost).ConfigureAwait(false))
                    {
                        requests.Add(Send(grain, batchId, start, items));
                    }
                    else if (speculate && Straggling(Stopwatch.GetElapsedTime(sent)))
                    {
                        throw new SiloLostException($"The batch has run for {Stopwatch.GetElapsedTime(sent)} on {silo} while every batch of the call was handed out: run again elsewhere.");
                    }


                    continue;
                }

                if (done.IsCompletedSuccessfully)
                {
                    Interlocked.Add(ref _answeredTicks, Stopwatch.GetElapsedTime(sent).Ticks);
                    Interlocked.Increment(ref _answered);
                    return done.Result;
                }

                lastFailure = done.Exception?.GetBaseException() ?? lastFailure;
                requests.Remove(done);
                if (requests.Count == 0)
                {
                    ExceptionDispatchInfo.Throw(lastFailure ?? new InvalidOperationException("The slot grain call failed."));
                }
            }
        }

        /// <summary>
        /// A straggler at the call's tail: every batch is handed out and this one has run far longer than the batches
        /// answered so far (10 times their mean, and at least 10 s). It is run again on another slot (at-least-once), in
        /// case its silo is stuck; whichever answer comes first is used.
        /// </summary>
        private bool Straggling(TimeSpan elapsed)
        {
            int answered = Volatile.Read(ref _answered);
            if (answered == 0 || (Volatile.Read(ref _nextBatch) + 1L) * batchSize < call.Count)
            {
                return false;
            }

            var mean = TimeSpan.FromTicks(Volatile.Read(ref _answeredTicks) / answered);
            return elapsed > TimeSpan.FromSeconds(10) && elapsed > mean * 10;
        }

        /// <summary>
        /// Whether the batch must be sent again: the slot does not have it (the request was lost) or has finished it (the
        /// reply was lost). An unanswered question (through a lost gateway) asks again at the next poll.
        /// </summary>
        private async Task<bool> AskAgainAsync(ISlotGrain grain, long batchId, CancellationToken siloLost)
        {
            using var wait = CancellationTokenSource.CreateLinkedTokenSource(lifecycle.StopToken, siloLost);
            wait.CancelAfter(ClusterTarget.PollInterval);
            try
            {
                return await grain.Status(batchId).WaitAsync(wait.Token).ConfigureAwait(false) != SlotBatchStatus.Running;
            }
            catch (Exception) when (!lifecycle.StopToken.IsCancellationRequested)
            {
                return false;
            }
        }

        /// <summary>
        /// Sends the batch. Each send gets a payload of its own: Orleans' codec returns a sent payload's pooled segments
        /// once it has written them, and a batch may be sent again after a fault. The copy is a memory copy into pooled
        /// segments; a new large array per batch (what a <c>byte[]</c> argument costs) is far dearer (see PooledBuffer).
        /// </summary>
        private Task<Immutable<byte[]>> Send(ISlotGrain grain, long batchId, int start, ReadOnlyMemory<byte> items)
        {
            target.ApplyPlacementHint();
            var payload = new Payload();
            payload.Write(items.Span);
            return grain.RunBatch(batchId, start, _method.MethodId, _assembly, payload, _siloToken);
        }

        /// <summary>Finds the slot's silo; a silo lost meanwhile (it may have been the one) moves to another slot.</summary>
        private async Task<string> LocateAsync(long key, DateTime? deadline)
        {
            if (target.KnownSilo(key) is { } known)
            {
                return known;
            }

            CancellationToken anyLoss = target.AnyLossToken;
            using var wait = CancellationTokenSource.CreateLinkedTokenSource(lifecycle.StopToken, anyLoss);
            if (deadline is { } end)
            {
                wait.CancelAfter(Max(end - DateTime.UtcNow, TimeSpan.Zero));
            }

            try
            {
                return await target.LocateAsync(key, wait.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!lifecycle.StopToken.IsCancellationRequested)
            {
                if (deadline is { } limit && DateTime.UtcNow >= limit)
                {
                    throw new TimeoutException("The batch passed its item timeout.");
                }

                throw new SiloLostException("A silo was lost while the slot was being placed.");
            }
        }

        private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;

        private static Task<Immutable<byte[]>>? FirstCompleted(List<Task<Immutable<byte[]>>> requests)
        {
            foreach (Task<Immutable<byte[]>> request in requests)
            {
                if (request.IsCompleted)
                {
                    return request;
                }
            }

            return null;
        }

        /// <summary>
        /// How long a batch Orleans cannot deliver is sent again (every 100 ms) before the call fails: longer than the
        /// membership takes to declare a killed silo dead (ClusterSettings' probe settings), so that a lost silo's
        /// directory partition has moved to a survivor by then.
        /// </summary>
        private static readonly TimeSpan UndeliveredLimit = TimeSpan.FromSeconds(30);

        /// <summary>The batch's items, serialized into a pooled buffer; the caller returns it once the batch is done.</summary>
        private PooledBuffer WriteItems(int start, int count)
        {
            MessagePackSerializerOptions options = RemoteSerializer.Options;
            IMessagePackFormatter<TItem> formatter = _formatters.Items;
            var buffer = new PooledBuffer();
            try
            {
                var writer = new MessagePackWriter(buffer);
                writer.WriteArrayHeader(count);
                for (int i = start; i < start + count; i++)
                {
                    formatter.Serialize(ref writer, call.Items[i], options);
                }

                writer.Flush();
                return buffer;
            }
            catch
            {
                buffer.Return();
                throw;
            }
        }

        /// <summary>Stores a batch's results, or fails the call with its exception; false when the loop must stop.</summary>
        private bool ReadReply(byte[] reply, int start, int count)
        {
            var reader = new MessagePackReader(reply);
            int status = reader.ReadInt32();
            int siloProcess = reader.ReadInt32();
            if (status == SlotReply.Error)
            {
                int index = reader.ReadInt32();
                Exception error = ExceptionCodec.Read(ref reader, siloProcess);
                lifecycle.Fail(index >= 0 ? start + index : -1, error);
                return false;
            }

            MessagePackSerializerOptions options = RemoteSerializer.Options;
            int n = reader.ReadArrayHeader();
            if (n != count)
            {
                lifecycle.Fail(-1, new System.IO.InvalidDataException($"A silo returned {n} results for {count} items."));
                return false;
            }

            if (call.Results is { } results)
            {
                IMessagePackFormatter<TResult> formatter = _formatters.Results;
                for (int i = 0; i < count; i++)
                {
                    results[start + i] = formatter.Deserialize(ref reader, options);
                }
            }

            target.CountItems(siloProcess, count);
            lifecycle.AddCompleted(start, count);
            return true;
        }
    }
}
