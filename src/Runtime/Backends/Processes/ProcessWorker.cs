using System;
using System.Collections.Generic;
using System.ComponentModel;
using System.IO;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;
using System.Threading;
using MessagePack;

namespace ParallelGen.Backends.Processes;

/// <summary>
/// The worker side of <see cref="Backend.Processes"/>. A generated module initializer registers a typed invoker for
/// every process-backend method under a stable id. A worker is the declaring assembly's program started again with
/// ParallelGen as a startup hook: the hook runs before <c>Main</c>, registers the methods, serves calls until the
/// parent goes away and exits, so the program's <c>Main</c> never runs in a worker.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class ProcessWorker
{
    internal const string WorkerVariable = "PARALLELGEN_WORKER";
    internal const string ParentVariable = "PARALLELGEN_PARENT_PID";
    internal const string AssemblyVariable = "PARALLELGEN_WORKER_ASSEMBLY";

    private static readonly Dictionary<string, IWorkerInvoker> s_invokers = new(StringComparer.Ordinal);

    // The running call's cancellation, for methods that take a token (null otherwise and between calls). Never
    // disposed: it has no timer, and the signal handler may still hold it after the call is over.
    private static CancellationTokenSource? s_callCancellation;
    private static volatile bool s_stopAfterCall;

    /// <summary><see langword="true"/> inside a ParallelGen worker process.</summary>
    public static bool IsWorkerProcess { get; private set; }

    /// <summary>Registers a value-returning method (generated code).</summary>
    /// <typeparam name="TItem">The item type.</typeparam>
    /// <typeparam name="TResult">The result type.</typeparam>
    /// <typeparam name="TFunc">The body that calls the method.</typeparam>
    /// <param name="methodId">The method's stable id.</param>
    /// <param name="func">The body.</param>
    /// <param name="observesCancellation">Whether the method takes the call's <see cref="CancellationToken"/>.</param>
    public static void RegisterFunc<TItem, TResult, TFunc>(string methodId, TFunc func, bool observesCancellation = false)
        where TFunc : struct, IParallelFunc<TItem, TResult> =>
        Register(methodId, new WorkerInvoker<TItem, TResult, TFunc>(func, observesCancellation));

    /// <summary>Registers a void method (generated code).</summary>
    /// <typeparam name="TItem">The item type.</typeparam>
    /// <typeparam name="TAction">The body that calls the method.</typeparam>
    /// <param name="methodId">The method's stable id.</param>
    /// <param name="action">The body.</param>
    /// <param name="observesCancellation">Whether the method takes the call's <see cref="CancellationToken"/>.</param>
    public static void RegisterAction<TItem, TAction>(string methodId, TAction action, bool observesCancellation = false)
        where TAction : struct, IParallelAction<TItem> =>
        Register(methodId, new WorkerInvoker<TItem, Nil, ActionAdapter<TItem, TAction>>(new(action), observesCancellation));

    /// <summary>Registers a method returning <c>Task&lt;T&gt;</c>/<c>ValueTask&lt;T&gt;</c> (generated code).</summary>
    /// <typeparam name="TItem">The item type.</typeparam>
    /// <typeparam name="TResult">The result type.</typeparam>
    /// <typeparam name="TFunc">The body that calls the method.</typeparam>
    /// <param name="methodId">The method's stable id.</param>
    /// <param name="func">The body.</param>
    /// <param name="observesCancellation">Whether the method takes the call's <see cref="CancellationToken"/>.</param>
    public static void RegisterAsyncFunc<TItem, TResult, TFunc>(string methodId, TFunc func, bool observesCancellation = false)
        where TFunc : struct, IAsyncParallelFunc<TItem, TResult> =>
        Register(methodId, new WorkerInvoker<TItem, TResult, AwaitedFuncAdapter<TItem, TResult, TFunc>>(new(func), observesCancellation));

    /// <summary>Registers a method returning <c>Task</c>/<c>ValueTask</c> (generated code).</summary>
    /// <typeparam name="TItem">The item type.</typeparam>
    /// <typeparam name="TAction">The body that calls the method.</typeparam>
    /// <param name="methodId">The method's stable id.</param>
    /// <param name="action">The body.</param>
    /// <param name="observesCancellation">Whether the method takes the call's <see cref="CancellationToken"/>.</param>
    public static void RegisterAsyncAction<TItem, TAction>(string methodId, TAction action, bool observesCancellation = false)
        where TAction : struct, IAsyncParallelAction<TItem> =>
        Register(methodId, new WorkerInvoker<TItem, Nil, AwaitedActionAdapter<TItem, TAction>>(new(action), observesCancellation));

    /// <summary>
    /// Called by the generated module initializer after registering: a process that carries the worker variable but
    /// was not turned into a worker by the startup hook (startup hooks disabled, e.g. by trimming) must not go on to
    /// run the program's <c>Main</c>, so it exits with a message the parent shows.
    /// </summary>
    public static void EnsureNotAStrayWorker()
    {
        if (!IsWorkerProcess && !string.IsNullOrEmpty(Environment.GetEnvironmentVariable(WorkerVariable)))
        {
            Console.Error.WriteLine(
                "ParallelGen: this process was started as a worker, but the ParallelGen startup hook did not run " +
                "(startup hooks are disabled, for example by trimming or System.StartupHookProvider.IsSupported=false). " +
                "Backend.Processes needs them.");
            Environment.Exit(StrayWorkerExitCode);
        }
    }

    internal const int StrayWorkerExitCode = 87;

    /// <summary>
    /// The worker's entry, from the startup hook (so not inside any module initializer, which would block every other
    /// thread that touches the user's assembly): registers the target assembly's methods, serves calls until the parent
    /// goes away, and exits. <c>Main</c> never runs.
    /// </summary>
    internal static void RunFromStartupHook()
    {
        string? token = Environment.GetEnvironmentVariable(WorkerVariable);
        if (string.IsNullOrEmpty(token) || IsWorkerProcess)
        {
            return;
        }

        string? target = Environment.GetEnvironmentVariable(AssemblyVariable);

        // Processes this worker starts must not become workers themselves.
        Environment.SetEnvironmentVariable(WorkerVariable, null);
        Environment.SetEnvironmentVariable(AssemblyVariable, null);
        Environment.SetEnvironmentVariable("DOTNET_STARTUP_HOOKS", null);
        IsWorkerProcess = true;

        int exitCode;
        try
        {
            // Runs the generated module initializer, which registers the invokers.
            Assembly assembly = Assembly.Load(new AssemblyName(target ?? throw new InvalidOperationException("No target assembly was given.")));
            RuntimeHelpers.RunModuleConstructor(assembly.ManifestModule.ModuleHandle);
            exitCode = Serve(token);
        }
        catch (Exception ex)
        {
            Console.Error.WriteLine($"ParallelGen worker failed to start: {ex}");
            exitCode = 3;
        }

        Environment.Exit(exitCode);
    }

    private static void Register(string methodId, IWorkerInvoker invoker)
    {
        lock (s_invokers)
        {
            s_invokers[methodId] = invoker;
        }
    }

    /// <summary>
    /// Whether the method takes the call's <see cref="CancellationToken"/>: the parent then asks a busy worker to stop
    /// (SIGTERM, which cancels the token) and waits <see cref="ProcessBackend.CancelGracePeriod"/> before killing it.
    /// The generated module initializer registers the methods in the parent process too.
    /// </summary>
    internal static bool ObservesCancellation(string methodId)
    {
        lock (s_invokers)
        {
            return s_invokers.TryGetValue(methodId, out IWorkerInvoker? invoker) && invoker.ObservesCancellation;
        }
    }

    /// <summary>
    /// SIGTERM while a call runs cancels the call's token and the worker exits once it has replied; while the worker is
    /// idle, or runs a method that takes no token, SIGTERM ends it as usual.
    /// </summary>
    private static void OnStopSignal(PosixSignalContext context)
    {
        if (Volatile.Read(ref s_callCancellation) is { } call)
        {
            context.Cancel = true;
            s_stopAfterCall = true;
            call.Cancel();
        }
    }

    private static int Serve(string token)
    {
        (Stream input, Stream output) = ProtocolStreams.Open();
        var channel = new FrameChannel(input, output);

        // The program's own Console writes become Output frames the parent prints.
        Console.SetOut(new OutputFrameWriter(channel));
        Console.SetIn(TextReader.Null);

        // Every call in a worker is "inside a parallel body": nested parallel calls run sequentially, in-process.
        ParallelContext.EnterThread();
        ParentWatchdog.Start();
        using PosixSignalRegistration? stopSignal = OperatingSystem.IsWindows() ? null : PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnStopSignal);

        var hello = new FrameBuffer();
        FrameChannel.BeginFrame(hello);
        var helloWriter = new MessagePackWriter(hello);
        helloWriter.Write(token);
        helloWriter.Write(Environment.ProcessId);
        helloWriter.Flush();
        channel.Send(FrameType.Hello, hello);

        var frame = new FrameBuffer();
        while (channel.TryRead(out FrameType type, out ReadOnlyMemory<byte> payload))
        {
            switch (type)
            {
                case FrameType.Call:
                    RunCall(channel, payload, frame);
                    if (s_stopAfterCall)
                    {
                        return 0; // the parent asked this worker to stop: it has replied, and is not reused
                    }

                    break;
                case FrameType.Shutdown:
                    return 0;
                default:
                    return 2;
            }
        }

        // The parent closed the pipe (it exited, or was killed): never outlive it.
        return 0;
    }

    private static void RunCall(FrameChannel channel, ReadOnlyMemory<byte> payload, FrameBuffer frame)
    {
        var reader = new MessagePackReader(payload);
        int index = -1;
        try
        {
            string methodId = reader.ReadString() ?? "";
            IWorkerInvoker? invoker;
            lock (s_invokers)
            {
                s_invokers.TryGetValue(methodId, out invoker);
            }

            if (invoker is null)
            {
                throw new InvalidOperationException(
                    $"The worker process has no method '{methodId}'. Was the program rebuilt while the worker was running?");
            }

            bool measureMemory = reader.ReadBoolean();
            channel.Spin = reader.ReadBoolean(); // poll briefly for the next call when the parent says cores are free
            FrameChannel.BeginFrame(frame);
            var writer = new MessagePackWriter(frame);
            CancellationTokenSource? cancellation = invoker.ObservesCancellation ? new CancellationTokenSource() : null;
            Volatile.Write(ref s_callCancellation, cancellation);
            try
            {
                invoker.InvokeBatch(ref reader, ref writer, ref index, cancellation?.Token ?? CancellationToken.None);
            }
            finally
            {
                Volatile.Write(ref s_callCancellation, null);
            }

            // Reading the working set costs tens of microseconds on Linux: only when a memory ceiling asks for it.
            writer.Write(measureMemory ? Environment.WorkingSet : -1L);
            writer.Flush();
            Console.Out.Flush(); // output without a final newline is shown with its batch
            channel.Send(FrameType.Result, frame);
        }
        catch (Exception ex)
        {
            Console.Out.Flush();
            FrameChannel.BeginFrame(frame);
            var writer = new MessagePackWriter(frame);
            writer.Write(index);
            writer.Write(ex.GetType().AssemblyQualifiedName);
            writer.Write(ex.GetType().FullName);
            writer.Write(ex.Message);
            writer.Write(ex.StackTrace);
            writer.Write(ex.ToString());
            writer.Flush();
            channel.Send(FrameType.Error, frame);
        }
    }

    /// <summary>Turns console writes in a worker into Output frames, a line at a time.</summary>
    private sealed class OutputFrameWriter(FrameChannel channel) : TextWriter
    {
        private readonly StringBuilder _line = new();
        private readonly FrameBuffer _frame = new();

        public override Encoding Encoding => Encoding.UTF8;

        public override void Write(char value)
        {
            lock (_line)
            {
                if (value == '\n')
                {
                    SendLine();
                }
                else if (value != '\r')
                {
                    _line.Append(value);
                }
            }
        }

        public override void Write(string? value)
        {
            if (value is null)
            {
                return;
            }

            lock (_line)
            {
                foreach (char c in value)
                {
                    Write(c);
                }
            }
        }

        public override void Flush()
        {
            lock (_line)
            {
                if (_line.Length > 0)
                {
                    SendLine();
                }
            }
        }

        private void SendLine()
        {
            FrameChannel.BeginFrame(_frame);
            var writer = new MessagePackWriter(_frame);
            writer.Write(_line.ToString());
            writer.Flush();
            _line.Clear();
            channel.Send(FrameType.Output, _frame);
        }
    }
}
