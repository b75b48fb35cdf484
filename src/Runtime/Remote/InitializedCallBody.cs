using System;
using System.Collections.Generic;
using System.Reflection;
using System.Threading;
using ParallelGen.Generated;

namespace ParallelGen.Remote;

/// <summary>
/// A call of a process executor that has an initializer: in the worker, the executor's initializer runs first, once
/// per worker process and executor (with its arguments, read from the envelope), then the intercepted method runs as in <see cref="InterceptedCallBody"/>. If the
/// initializer throws, this call and every later call of that executor in this worker fail with
/// <see cref="BrokenExecutorException"/>, which breaks the executor in the parent.
/// </summary>
internal readonly struct InitializedCallBody
    : IParallelFunc<(string Initializer, byte[]? Arguments, string Executor, string MethodId, byte[] Batch), byte[]>, IRemoteBody, IRemoteAssembly
{
    internal const string Id = "ParallelGen:InitializedCall";

    private static readonly Dictionary<string, Exception?> s_ran = new(StringComparer.Ordinal);

    private readonly Assembly? _assembly;

    internal InitializedCallBody(Assembly assembly) => _assembly = assembly;

    public string MethodId => Id;

    public bool ObservesCancellation => true;

    public Assembly? Assembly => _assembly;

    public byte[] Invoke((string Initializer, byte[]? Arguments, string Executor, string MethodId, byte[] Batch) item, CancellationToken cancellationToken)
    {
        Exception? failure;
        lock (s_ran)
        {
            if (!s_ran.TryGetValue(item.Executor, out failure))
            {
                Action? initializer = item.Arguments is null ? RemoteInitializers.Get(item.Initializer) : null;
                try
                {
                    // With arguments: read once per worker and executor (the parent wrote them once, for the executor).
                    bool ran = item.Arguments is { } arguments
                        ? RemoteInitializers.TryRun(item.Initializer, arguments)
                        : initializer is not null && Run(initializer);
                    if (!ran)
                    {
                        throw new InvalidOperationException($"The initializer '{item.Initializer}' is not registered in process {Environment.ProcessId}.");
                    }
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

    private static bool Run(Action initializer)
    {
        initializer();
        return true;
    }
}
