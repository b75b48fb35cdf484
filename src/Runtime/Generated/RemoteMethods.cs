using System.ComponentModel;
using MessagePack;
using MessagePack.Formatters;
using ParallelGen.Backends.Processes;
using ParallelGen.Remote;

namespace ParallelGen.Generated;

/// <summary>
/// Registration of remote-backend methods, called by a module initializer generated next to each method: a worker
/// (another process, another machine) finds the method's typed batch invoker by the body's
/// <see cref="IRemoteBody.MethodId"/>, and both sides find the formatters generated for the method's types. The
/// overloads without formatters (the generator uses them only when PG0006 rejected a type and the error was
/// suppressed) leave the types to MessagePack's resolver.
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
        Register(action, new BatchInvoker<TItem, Nil, ActionAdapter<TItem, TAction>>(new(action)));

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
        Register(action, new BatchInvoker<TItem, Nil, AwaitedActionAdapter<TItem, TAction>>(new(action)));

    /// <summary>Registers a value-returning method with the formatters generated for its item and result types.</summary>
    /// <typeparam name="TItem">The item type.</typeparam>
    /// <typeparam name="TResult">The result type.</typeparam>
    /// <typeparam name="TFunc">The generated body.</typeparam>
    /// <param name="func">The body.</param>
    /// <param name="items">Writes and reads the items.</param>
    /// <param name="results">Writes and reads the results.</param>
    public static void RegisterFunc<TItem, TResult, TFunc>(TFunc func, IMessagePackFormatter<TItem> items, IMessagePackFormatter<TResult> results)
        where TFunc : struct, IParallelFunc<TItem, TResult>, IRemoteBody =>
        Register(func, new BatchInvoker<TItem, TResult, TFunc>(func, items, results));

    /// <summary>Registers a void method with the formatter generated for its item type.</summary>
    /// <typeparam name="TItem">The item type.</typeparam>
    /// <typeparam name="TAction">The generated body.</typeparam>
    /// <param name="action">The body.</param>
    /// <param name="items">Writes and reads the items.</param>
    public static void RegisterAction<TItem, TAction>(TAction action, IMessagePackFormatter<TItem> items)
        where TAction : struct, IParallelAction<TItem>, IRemoteBody =>
        Register(action, new BatchInvoker<TItem, Nil, ActionAdapter<TItem, TAction>>(new(action), items, NilFormatter.Instance));

    /// <summary>Registers a method returning <c>Task&lt;T&gt;</c>/<c>ValueTask&lt;T&gt;</c> with the formatters generated for its types.</summary>
    /// <typeparam name="TItem">The item type.</typeparam>
    /// <typeparam name="TResult">The result type.</typeparam>
    /// <typeparam name="TFunc">The generated body.</typeparam>
    /// <param name="func">The body.</param>
    /// <param name="items">Writes and reads the items.</param>
    /// <param name="results">Writes and reads the results.</param>
    public static void RegisterAsyncFunc<TItem, TResult, TFunc>(TFunc func, IMessagePackFormatter<TItem> items, IMessagePackFormatter<TResult> results)
        where TFunc : struct, IAsyncParallelFunc<TItem, TResult>, IRemoteBody =>
        Register(func, new BatchInvoker<TItem, TResult, AwaitedFuncAdapter<TItem, TResult, TFunc>>(new(func), items, results));

    /// <summary>Registers a method returning <c>Task</c>/<c>ValueTask</c> with the formatter generated for its item type.</summary>
    /// <typeparam name="TItem">The item type.</typeparam>
    /// <typeparam name="TAction">The generated body.</typeparam>
    /// <param name="action">The body.</param>
    /// <param name="items">Writes and reads the items.</param>
    public static void RegisterAsyncAction<TItem, TAction>(TAction action, IMessagePackFormatter<TItem> items)
        where TAction : struct, IAsyncParallelAction<TItem>, IRemoteBody =>
        Register(action, new BatchInvoker<TItem, Nil, AwaitedActionAdapter<TItem, TAction>>(new(action), items, NilFormatter.Instance));

    /// <summary>
    /// Called by the generated worker entry of an assembly (a module initializer): <see langword="true"/> in a worker
    /// process started for that assembly that no startup hook made a worker (a Native AOT program). The process is then
    /// a worker: the entry registers the assembly's methods and calls <see cref="RunWorker"/>, so <c>Main</c> never runs.
    /// </summary>
    /// <param name="assemblyName">The simple name of the assembly whose entry asks.</param>
    /// <returns>Whether the caller must register its methods and call <see cref="RunWorker"/>.</returns>
    public static bool IsWorkerStartFor(string assemblyName) => WorkerServer.TryEnterFromModuleInitializer(assemblyName);

    /// <summary>
    /// Serves calls as a worker until the parent goes away, then exits the process; it never returns. Called by the
    /// generated worker entry after <see cref="IsWorkerStartFor"/> returned <see langword="true"/>.
    /// </summary>
    public static void RunWorker() => WorkerServer.RunFromModuleInitializer();

    private static void Register<TBody>(TBody body, IBatchInvoker invoker)
        where TBody : struct, IRemoteBody
    {
        RemoteMethodRegistry.Register(body.MethodId, body.ObservesCancellation, invoker);

        // A JIT process that carries the worker variable but was not made a worker by the startup hook must not run Main.
        WorkerServer.EnsureNotAStrayWorker();
    }
}
