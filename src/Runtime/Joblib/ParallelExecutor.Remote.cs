using System;
using System.Collections.Generic;
using System.Threading;
using ParallelGen.Remote;

namespace ParallelGen;

// The calls the generated interceptors route here (ParallelGen.Generated.InterceptedCalls): Submit(F, …) and Map(F, …)
// of an internal or public static method F on an executor whose backend is not Threads. The generated body TBody carries
// F's method id; its module initializer registered it for workers, so the call crosses as (id, typed arguments).
// With an initializer (a registered static method), each call goes through InitializedCallBody, which runs it once per
// worker process first.
public sealed partial class ParallelExecutor
{
    private readonly string? _remoteInitializer;
    private readonly byte[]? _remoteInitializerArguments; // written once, by Create(…, initargs)
    private readonly string _key = Guid.NewGuid().ToString("N");

    /// <summary>Schedules the intercepted static method of <typeparamref name="TBody"/> with <paramref name="arguments"/> on the executor's backend.</summary>
    internal Future<TResult> SubmitRemote<TArgs, TResult, TBody>(TArgs arguments)
        where TBody : struct, IParallelFunc<TArgs, TResult>, Generated.IRemoteBody
    {
        var defaults = new ParallelDefaults(1, Backend, 1);
        ParallelizeOptions options = OneCallOptions();
        if (_remoteInitializer is null)
        {
            return Enqueue(new Future<TResult>(
                () => ParallelRunner.Map<TArgs, TResult, TBody>([arguments], default, defaults, options, CancellationToken.None)[0],
                isParallelBody: false));
        }

        var descriptor = new RemoteCallDescriptor<TArgs, TResult, TBody>(arguments);
        return Enqueue(new Future<TResult>(
            () => RemoteCallDescriptor<TResult>.ReadResult(RunInitialized([Envelope(descriptor)], descriptor.Assembly, defaults, options)[0]),
            isParallelBody: false));
    }

    /// <summary>Maps the intercepted static method of <typeparamref name="TBody"/> over <paramref name="items"/> on the executor's backend.</summary>
    internal TResult[] MapRemote<T, TResult, TBody>(IEnumerable<T> items, TimeSpan? timeout)
        where TBody : struct, IParallelFunc<T, TResult>, Generated.IRemoteBody
    {
        ArgumentNullException.ThrowIfNull(items);
        ThrowIfUnusable();
        var defaults = new ParallelDefaults(MaxWorkers, Backend, 0);
        var options = new ParallelizeOptions { Jobs = MaxWorkers, Backend = Backend, Timeout = timeout };
        if (_remoteInitializer is null)
        {
            return ParallelRunner.Map<T, TResult, TBody>(items, default, defaults, options, CancellationToken.None);
        }

        var envelopes = new List<(string, byte[]?, string, string, byte[])>();
        foreach (T item in items)
        {
            envelopes.Add(Envelope(new RemoteCallDescriptor<T, TResult, TBody>(item)));
        }

        byte[][] batches = RunInitialized(envelopes, typeof(TBody).Assembly, defaults, options);
        var results = new TResult[batches.Length];
        for (int i = 0; i < batches.Length; i++)
        {
            results[i] = RemoteCallDescriptor<TResult>.ReadResult(batches[i]);
        }

        return results;
    }

    private (string, byte[]?, string, string, byte[]) Envelope<TResult>(RemoteCallDescriptor<TResult> descriptor) =>
        (_remoteInitializer!, _remoteInitializerArguments, _key, descriptor.MethodId, descriptor.WriteBatch());

    /// <summary>Runs calls through <see cref="InitializedCallBody"/>; a failed initializer breaks this executor.</summary>
    private byte[][] RunInitialized(
        IEnumerable<(string, byte[]?, string, string, byte[])> envelopes, System.Reflection.Assembly assembly, ParallelDefaults defaults, ParallelizeOptions options)
    {
        try
        {
            return ParallelRunner.Map<(string, byte[]?, string, string, byte[]), byte[], InitializedCallBody>(
                envelopes, new InitializedCallBody(assembly), defaults, options, CancellationToken.None);
        }
        catch (BrokenExecutorException ex)
        {
            Break(ex);
            throw;
        }
    }

    /// <summary>Marks the executor broken (CPython's BrokenProcessPool): queued calls fail, later calls throw.</summary>
    private void Break(BrokenExecutorException cause)
    {
        List<WorkItem> failed;
        BrokenExecutorException broken;
        lock (_lock)
        {
            broken = _broken ??= new BrokenExecutorException(cause.Message, cause.InnerException);
            failed = [.. _queue];
            _queue.Clear();
        }

        failed.ForEach(w => w.Fail(new BrokenExecutorException(broken.Message, broken.InnerException)));
    }

    private void ThrowIfGeneratedWithRemoteInitializer()
    {
        if (_remoteInitializer is not null)
        {
            throw new NotSupportedException(
                $"This executor on Backend.{Backend} has an initializer, which runs in the workers before calls of static methods " +
                "submitted as Submit(F, …) / Map(F, …); a generated …Parallel method cannot carry it. Submit the static method itself.");
        }
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
