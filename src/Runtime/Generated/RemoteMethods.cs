using System.ComponentModel;
using ParallelGen.Backends.Processes;
using ParallelGen.Remote;

namespace ParallelGen.Generated;

/// <summary>
/// Registration of remote-backend methods, called by a module initializer generated next to each method: a worker
/// (another process, another machine) finds the method's typed batch invoker by the body's
/// <see cref="IRemoteBody.MethodId"/>.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class RemoteMethods
{
    /// <summary>Registers a value-returning method.</summary>
    /// <typeparam name="TItem">The item type.</typeparam>
    /// <typeparam name="TResult">The result type.</typeparam>
    /// <typeparam name="TFunc">The generated body.</typeparam>
    /// <param name="func">The body.</param>
    public static void RegisterFunc<TItem, TResult, TFunc>(TFunc func)
        where TFunc : struct, IParallelFunc<TItem, TResult>, IRemoteBody =>
        Register(func, new BatchInvoker<TItem, TResult, TFunc>(func));

    /// <summary>Registers a void method.</summary>
    /// <typeparam name="TItem">The item type.</typeparam>
    /// <typeparam name="TAction">The generated body.</typeparam>
    /// <param name="action">The body.</param>
    public static void RegisterAction<TItem, TAction>(TAction action)
        where TAction : struct, IParallelAction<TItem>, IRemoteBody =>
        Register(action, new BatchInvoker<TItem, MessagePack.Nil, ActionAdapter<TItem, TAction>>(new(action)));

    /// <summary>Registers a method returning <c>Task&lt;T&gt;</c>/<c>ValueTask&lt;T&gt;</c>.</summary>
    /// <typeparam name="TItem">The item type.</typeparam>
    /// <typeparam name="TResult">The result type.</typeparam>
    /// <typeparam name="TFunc">The generated body.</typeparam>
    /// <param name="func">The body.</param>
    public static void RegisterAsyncFunc<TItem, TResult, TFunc>(TFunc func)
        where TFunc : struct, IAsyncParallelFunc<TItem, TResult>, IRemoteBody =>
        Register(func, new BatchInvoker<TItem, TResult, AwaitedFuncAdapter<TItem, TResult, TFunc>>(new(func)));

    /// <summary>Registers a method returning <c>Task</c>/<c>ValueTask</c>.</summary>
    /// <typeparam name="TItem">The item type.</typeparam>
    /// <typeparam name="TAction">The generated body.</typeparam>
    /// <param name="action">The body.</param>
    public static void RegisterAsyncAction<TItem, TAction>(TAction action)
        where TAction : struct, IAsyncParallelAction<TItem>, IRemoteBody =>
        Register(action, new BatchInvoker<TItem, MessagePack.Nil, AwaitedActionAdapter<TItem, TAction>>(new(action)));

    private static void Register<TBody>(TBody body, IBatchInvoker invoker)
        where TBody : struct, IRemoteBody
    {
        RemoteMethodRegistry.Register(body.MethodId, body.ObservesCancellation, invoker);

        // A process that carries the worker variable but was not made a worker by the startup hook must not run Main.
        WorkerServer.EnsureNotAStrayWorker();
    }
}
