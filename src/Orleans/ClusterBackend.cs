using System;
using System.Buffers;
using System.Runtime.ExceptionServices;
using System.Threading;
using System.Threading.Tasks;
using MessagePack;
using MessagePack.Formatters;
using ParallelGen.Backends;
using ParallelGen.Internal;
using ParallelGen.Remote;

namespace ParallelGen.Orleans;

/// <summary>
/// <see cref="Backend.Cluster"/>: one dispatch loop per slot (<see cref="ClusterTarget.Capacity"/> = silos × slots per
/// silo, capped by Jobs and the item count). Each loop takes the next batch, sends it to its slot grain by the method's
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
        RunLoops(call, target, lifecycle).GetAwaiter().GetResult();
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
        var state = new RunState<TItem, TResult>(call, target, lifecycle, workers, batchSize);
        var loops = new Task[workers];
        for (int i = 0; i < workers; i++)
        {
            loops[i] = state.LoopAsync(i);
        }

        await Task.WhenAll(loops).ConfigureAwait(false);
    }

    private sealed class RunState<TItem, TResult>(
        ParallelCall<TItem, TResult> call, ClusterTarget target, CallLifecycle lifecycle, int workers, int batchSize)
    {
        private readonly RemoteMethod _method = call.RequireRemote();
        private readonly string _assembly = call.RequireRemote().Assembly.FullName!;
        private int _nextBatch = -1;

        internal async Task LoopAsync(int slot)
        {
            await Task.Yield();
            long key = slot;
            while (!lifecycle.IsStopping)
            {
                int start = checked(Interlocked.Increment(ref _nextBatch) * batchSize);
                if (start >= call.Count)
                {
                    return;
                }

                int count = Math.Min(batchSize, call.Count - start);
                byte[] items = WriteItems(start, count);
                for (int attempt = 0; ; attempt++)
                {
                    byte[] reply;
                    try
                    {
                        string silo = await target.LocateAsync(key, lifecycle.StopToken).ConfigureAwait(false);
                        CancellationToken lost = target.SiloLostToken(silo);
                        using var both = CancellationTokenSource.CreateLinkedTokenSource(lifecycle.StopToken, lost);
                        reply = await target.Client.GetGrain<ISlotGrain>(key)
                            .RunBatch(_method.MethodId, _assembly, items, both.Token)
                            .WaitAsync(both.Token).ConfigureAwait(false);
                        target.RecordSiloProcess(PeekProcess(reply), silo);
                    }
                    catch (Exception) when (lifecycle.StopToken.IsCancellationRequested)
                    {
                        return; // the call was cancelled, timed out or failed elsewhere: the lifecycle has the outcome
                    }
                    catch (Exception ex)
                    {
                        // Not a user exception (those come back as values): the silo died, is unreachable or did not answer.
                        if (attempt >= target.MaxRetries)
                        {
                            lifecycle.Fail(-1, new ClusterUnavailableException(
                                $"A batch of {count} items (from item {start}) failed on the cluster {attempt + 1} times; the last failure: {ex.Message}", ex));
                            return;
                        }

                        key += workers * (attempt + 1L) + 1_000_000L; // another slot grain, placed on a live silo
                        try
                        {
                            await Task.Delay(TimeSpan.FromMilliseconds(100 * (attempt + 1)), lifecycle.StopToken).ConfigureAwait(false);
                        }
                        catch (OperationCanceledException)
                        {
                            return;
                        }

                        continue;
                    }

                    if (!ReadReply(reply, start, count))
                    {
                        return;
                    }

                    break;
                }
            }
        }

        private static int PeekProcess(byte[] reply)
        {
            var reader = new MessagePackReader(reply);
            reader.ReadInt32();
            return reader.ReadInt32();
        }

        private byte[] WriteItems(int start, int count)
        {
            MessagePackSerializerOptions options = RemoteSerializer.Options;
            IMessagePackFormatter<TItem> formatter = options.Resolver.GetFormatterWithVerify<TItem>();
            var buffer = new ArrayBufferWriter<byte>();
            var writer = new MessagePackWriter(buffer);
            writer.WriteArrayHeader(count);
            for (int i = start; i < start + count; i++)
            {
                formatter.Serialize(ref writer, call.Items[i], options);
            }

            writer.Flush();
            return buffer.WrittenSpan.ToArray();
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
                IMessagePackFormatter<TResult> formatter = options.Resolver.GetFormatterWithVerify<TResult>();
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
