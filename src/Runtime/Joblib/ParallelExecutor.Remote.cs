using System;
using System.Collections.Generic;
using System.Threading;

namespace ParallelGen;

// The calls the generated interceptors route here (ParallelGen.Generated.InterceptedCalls): Submit(F, …) and Map(F, …)
// of an internal or public static method F on an executor whose backend is not Threads. The generated body TBody carries
// F's method id; its module initializer registered it for workers, so the call crosses as (id, typed arguments).
public sealed partial class ParallelExecutor
{
    /// <summary>Schedules the intercepted static method of <typeparamref name="TBody"/> with <paramref name="arguments"/> on the executor's backend.</summary>
    internal Future<TResult> SubmitRemote<TArgs, TResult, TBody>(TArgs arguments)
        where TBody : struct, IParallelFunc<TArgs, TResult>, Generated.IRemoteBody
    {
        var defaults = new ParallelDefaults(1, Backend, 1);
        ParallelizeOptions options = OneCallOptions();
        return Enqueue(new Future<TResult>(
            () => ParallelRunner.Map<TArgs, TResult, TBody>([arguments], default, defaults, options, CancellationToken.None)[0],
            isParallelBody: false));
    }

    /// <summary>Maps the intercepted static method of <typeparamref name="TBody"/> over <paramref name="items"/> on the executor's backend.</summary>
    internal TResult[] MapRemote<T, TResult, TBody>(IEnumerable<T> items, TimeSpan? timeout)
        where TBody : struct, IParallelFunc<T, TResult>, Generated.IRemoteBody
    {
        ArgumentNullException.ThrowIfNull(items);
        ThrowIfUnusable();
        return ParallelRunner.Map<T, TResult, TBody>(
            items, default, new ParallelDefaults(MaxWorkers, Backend, 0), new ParallelizeOptions { Jobs = MaxWorkers, Backend = Backend, Timeout = timeout }, CancellationToken.None);
    }

    private void ThrowIfUnusable()
    {
        lock (_lock)
        {
            if (_broken is { } broken)
            {
                throw new BrokenExecutorException(broken.Message, broken.InnerException);
            }

            ObjectDisposedException.ThrowIf(_shutdown, this);
        }
    }
}
