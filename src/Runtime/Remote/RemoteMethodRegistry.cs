using System;
using System.Collections.Generic;

namespace ParallelGen.Remote;

/// <summary>
/// The methods a worker can run, by stable id: filled by the generated module initializers (through
/// <see cref="Generated.RemoteMethods"/>) when the declaring assembly loads, in workers and in the parent alike.
/// </summary>
internal static class RemoteMethodRegistry
{
    private static readonly Dictionary<string, Entry> s_methods = new(StringComparer.Ordinal)
    {
        // Built in, so every process (parent, worker, silo) runs intercepted Delayed calls of any registered method.
        [InterceptedCallBody.Id] = new Entry(new BatchInvoker<(string, byte[]), byte[], InterceptedCallBody>(default), ObservesCancellation: true),
        [InitializedCallBody.Id] = new Entry(new BatchInvoker<(string, byte[]?, string, string, byte[]), byte[], InitializedCallBody>(default), ObservesCancellation: true),
    };

    internal static void Register(string methodId, bool observesCancellation, IBatchInvoker invoker)
    {
        lock (s_methods)
        {
            s_methods[methodId] = new Entry(invoker, observesCancellation);
        }
    }

    /// <summary>The invoker of <paramref name="methodId"/> and whether it takes the call's token; false when unknown.</summary>
    internal static bool TryGet(string methodId, out IBatchInvoker invoker, out bool observesCancellation)
    {
        lock (s_methods)
        {
            if (s_methods.TryGetValue(methodId, out Entry? entry))
            {
                (invoker, observesCancellation) = (entry.Invoker, entry.ObservesCancellation);
                return true;
            }
        }

        invoker = null!;
        observesCancellation = false;
        return false;
    }

    // A class, not a struct: Dictionary<string, Entry> then runs the framework's shared, precompiled code for reference
    // types, where a struct value needs its own instantiation compiled at run time in every process (parent, worker,
    // silo) — ~8 methods of a fresh worker's start, ReadyToRun image or not.
    private sealed record Entry(IBatchInvoker Invoker, bool ObservesCancellation);
}
