using System;
using System.Collections.Generic;
using System.Reflection;
using System.Threading;
using ParallelGen.Generated;

namespace ParallelGen.Remote;

/// <summary>
/// A call of a process executor that has an initializer: in the worker, the executor's initializer runs first, once
/// per worker process and executor, then the intercepted method runs as in <see cref="InterceptedCallBody"/>. If the
/// initializer throws, this call and every later call of that executor in this worker fail with
/// <see cref="BrokenExecutorException"/>, which breaks the executor in the parent.
/// </summary>
internal readonly struct InitializedCallBody
    : IParallelFunc<(string Initializer, string Executor, string MethodId, byte[] Batch), byte[]>, IRemoteBody, IRemoteAssembly
{
    internal const string Id = "ParallelGen:InitializedCall";

    private static readonly Dictionary<string, Exception?> s_ran = new(StringComparer.Ordinal);

    private readonly Assembly? _assembly;

    internal InitializedCallBody(Assembly assembly) => _assembly = assembly;

    public string MethodId => Id;

    public bool ObservesCancellation => true;

    public Assembly? Assembly => _assembly;

    public byte[] Invoke((string Initializer, string Executor, string MethodId, byte[] Batch) item, CancellationToken cancellationToken)
    {
        Exception? failure;
        lock (s_ran)
        {
            if (!s_ran.TryGetValue(item.Executor, out failure))
            {
                Action initializer = RemoteInitializers.Get(item.Initializer) ?? throw new InvalidOperationException(
                    $"The initializer '{item.Initializer}' is not registered in process {Environment.ProcessId}.");
                try
                {
                    initializer();
                }
                catch (Exception ex)
                {
                    failure = ex;
                }

                s_ran[item.Executor] = failure;
            }
        }

        if (failure is not null)
        {
            throw new BrokenExecutorException(
                $"The executor's initializer failed in worker process {Environment.ProcessId} ({failure.GetType().FullName}: {failure.Message}); " +
                "the executor is broken and accepts no calls.", failure);
        }

        return new InterceptedCallBody().Invoke((item.MethodId, item.Batch), cancellationToken);
    }
}
