using System;
using System.Collections.Generic;
using System.ComponentModel;
using ParallelGen.Remote;

namespace ParallelGen.Generated;

/// <summary>
/// What the generated interceptors of <c>Delayed.Call(F, …)</c>, <c>executor.Submit(F, …)</c> and
/// <c>executor.Map(F, …)</c> call when <c>F</c> is an internal or public static method: the call crosses to a worker
/// as the generated body's method id plus the typed arguments (no delegate, no lookup by name), dispatched through
/// the same remote layer as <c>[Parallelize]</c> methods.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class InterceptedCalls
{
    /// <summary>Submits <c>F(arguments)</c> to an executor whose backend is not <see cref="Backend.Threads"/>.</summary>
    /// <typeparam name="TArgs">F's parameters: the one parameter's type, a tuple of several, or <see cref="int"/> (unused) for none.</typeparam>
    /// <typeparam name="TResult">F's result type.</typeparam>
    /// <typeparam name="TBody">The generated body that calls F, registered for workers under its method id.</typeparam>
    /// <param name="executor">The executor.</param>
    /// <param name="arguments">The arguments.</param>
    /// <returns>The call's future.</returns>
    public static Future<TResult> Submit<TArgs, TResult, TBody>(ParallelExecutor executor, TArgs arguments)
        where TBody : struct, IParallelFunc<TArgs, TResult>, IRemoteBody
    {
        ArgumentNullException.ThrowIfNull(executor);
        return executor.SubmitRemote<TArgs, TResult, TBody>(arguments);
    }

    /// <summary>Maps F over <paramref name="items"/> on an executor whose backend is not <see cref="Backend.Threads"/>.</summary>
    /// <typeparam name="T">F's parameter type.</typeparam>
    /// <typeparam name="TResult">F's result type.</typeparam>
    /// <typeparam name="TBody">The generated body that calls F.</typeparam>
    /// <param name="executor">The executor.</param>
    /// <param name="items">The items.</param>
    /// <param name="timeout">The whole call's limit, or <see langword="null"/>.</param>
    /// <returns>The results in order.</returns>
    public static TResult[] Map<T, TResult, TBody>(ParallelExecutor executor, IEnumerable<T> items, TimeSpan? timeout)
        where TBody : struct, IParallelFunc<T, TResult>, IRemoteBody
    {
        ArgumentNullException.ThrowIfNull(executor);
        return executor.MapRemote<T, TResult, TBody>(items, timeout);
    }

    /// <summary>
    /// Adds F's method id and <paramref name="arguments"/> to a described call, so that a <see cref="ParallelJobs"/> on
    /// a remote backend can run it in a worker (on threads it still calls the delegate).
    /// </summary>
    /// <typeparam name="TArgs">F's parameters, as for <see cref="Submit{TArgs, TResult, TBody}"/>.</typeparam>
    /// <typeparam name="TResult">F's result type.</typeparam>
    /// <typeparam name="TBody">The generated body that calls F.</typeparam>
    /// <param name="call">The call as <see cref="ParallelGen.Delayed"/> described it.</param>
    /// <param name="arguments">The arguments.</param>
    /// <returns>The call with its remote descriptor.</returns>
    public static DelayedCall<TResult> Delayed<TArgs, TResult, TBody>(DelayedCall<TResult> call, TArgs arguments)
        where TBody : struct, IParallelFunc<TArgs, TResult>, IRemoteBody =>
        call.WithRemote(new RemoteCallDescriptor<TArgs, TResult, TBody>(arguments));
}
