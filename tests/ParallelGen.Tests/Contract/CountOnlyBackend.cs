using System.Buffers;
using System.Runtime.CompilerServices;
using System.Runtime.ExceptionServices;
using MessagePack;
using ParallelGen.Backends;
using ParallelGen.Remote;

namespace ParallelGen.Tests.Contract;

/// <summary>
/// A test-only backend shaped like a third-party remote one: it never runs the call's body, but sends each batch's
/// items (serialized) to the method's registered batch invoker, as a worker would, only here in this process, on up to
/// two threads; it stores the results it reads back and reports them with the plain
/// <see cref="CallLifecycle.AddCompleted(int)"/>, without saying which items they were. So a stream learns of its
/// results only from the window's call being over (docs/architecture.md, "The door"), and the contract suite
/// (<see cref="BackendContractTests"/>) runs over it because it is registered.
/// </summary>
internal sealed class CountOnlyBackend : IParallelBackend
{
    /// <summary>The value calls ask for; any value no other backend uses.</summary>
    internal const Backend Value = (Backend)101;

#pragma warning disable CA2255 // registering from a module initializer is how a backend package plugs itself in
    [ModuleInitializer]
    internal static void Register() => ParallelBackendRegistry.Register(Value, new CountOnlyBackend());
#pragma warning restore CA2255

    public int GetWorkerCount(int jobs, int itemCount) => Math.Clamp(Math.Min(jobs, itemCount), 1, 2);

    public void Run<TItem, TResult, TBody>(ParallelCall<TItem, TResult> call, TBody body)
        where TBody : struct, IParallelCallBody
    {
        string methodId = call.RequireRemote().MethodId;
        CallLifecycle lifecycle = call.StartLifecycle();
        Task.WaitAll(StartWorkers(call, methodId, lifecycle));
        if (lifecycle.Finish() is { } failure)
        {
            ExceptionDispatchInfo.Throw(failure);
        }
    }

    public Task RunAsync<TItem, TResult, TBody>(ParallelCall<TItem, TResult> call, TBody body)
        where TBody : struct, IParallelCallBody
    {
        string methodId = call.RequireRemote().MethodId;
        var completion = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        CallLifecycle lifecycle = call.StartLifecycle();
        Task.WhenAll(StartWorkers(call, methodId, lifecycle)).ContinueWith(
            _ => lifecycle.Finish(completion), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        return completion.Task;
    }

    /// <summary>One loop per worker, taking batches of <see cref="ParallelCall{TItem, TResult}.BatchSize"/> (1 when automatic) in turn.</summary>
    private static Task[] StartWorkers<TItem, TResult>(ParallelCall<TItem, TResult> call, string methodId, CallLifecycle lifecycle)
    {
        int batch = call.BatchSize > 0 ? call.BatchSize : 1;
        int next = 0;
        var workers = new Task[call.Workers];
        for (int w = 0; w < workers.Length; w++)
        {
            workers[w] = Task.Factory.StartNew(
                () =>
                {
                    int start;
                    while (!lifecycle.IsStopping && (start = Interlocked.Add(ref next, batch) - batch) < call.Count)
                    {
                        RunBatch(call, methodId, lifecycle, start, Math.Min(batch, call.Count - start));
                    }
                },
                CancellationToken.None,
                TaskCreationOptions.LongRunning,
                TaskScheduler.Default);
        }

        return workers;
    }

    private static void RunBatch<TItem, TResult>(ParallelCall<TItem, TResult> call, string methodId, CallLifecycle lifecycle, int start, int count)
    {
        int index = -1;
        try
        {
            if (!RemoteMethodRegistry.TryGet(methodId, out IBatchInvoker invoker, out _))
            {
                throw new InvalidOperationException($"No batch invoker is registered for '{methodId}'.");
            }

            MessagePackSerializerOptions options = RemoteSerializer.Options;
            var (itemFormatter, resultFormatter) = RemoteSerializer.FormattersOf<TItem, TResult>(methodId);

            // What a remote backend sends: the batch's items, serialized.
            var sent = new ArrayBufferWriter<byte>();
            var itemWriter = new MessagePackWriter(sent);
            itemWriter.WriteArrayHeader(count);
            for (int i = start; i < start + count; i++)
            {
                itemFormatter.Serialize(ref itemWriter, call.Items[i], options);
            }

            itemWriter.Flush();

            // What its worker does with them.
            var received = new ArrayBufferWriter<byte>();
            var reader = new MessagePackReader(sent.WrittenMemory);
            var writer = new MessagePackWriter(received);
            RemoteBatch.Start = start;
            try
            {
                using (ParallelContext.EnterBody())
                {
                    invoker.InvokeBatch(ref reader, ref writer, ref index, lifecycle.StopToken);
                }
            }
            finally
            {
                RemoteBatch.Start = -1;
            }

            writer.Flush();

            // The results stored, and only their number reported.
            if (call.Results is { } results)
            {
                var replies = new MessagePackReader(received.WrittenMemory);
                replies.ReadArrayHeader();
                for (int i = start; i < start + count; i++)
                {
                    results[i] = resultFormatter.Deserialize(ref replies, options);
                }
            }

            lifecycle.AddCompleted(count);
        }
        catch (Exception ex)
        {
            lifecycle.Fail(index >= 0 ? start + index : -1, ex);
        }
    }
}
