using System;
using System.Diagnostics;
using System.IO;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;
using System.Threading;
using MessagePack;
using ParallelGen.Diagnostics;
using ParallelGen.Remote;

namespace ParallelGen.Backends.Processes;

/// <summary>
/// The worker side of <see cref="Backend.Processes"/> (the parent's handle on a worker is <see cref="WorkerProcess"/>).
/// Generated module initializers register a typed batch invoker for every remote method under a stable id
/// (<see cref="RemoteMethodRegistry"/>). A worker is the declaring assembly's program started again with
/// ParallelGen as a startup hook: the hook runs before <c>Main</c>, registers the methods, serves calls until the
/// parent goes away and exits, so the program's <c>Main</c> never runs in a worker.
/// </summary>
internal static class WorkerServer
{
    internal const string WorkerVariable = "PARALLELGEN_WORKER";
    internal const string ParentVariable = "PARALLELGEN_PARENT_PID";
    internal const string AssemblyVariable = "PARALLELGEN_WORKER_ASSEMBLY";

    // The running call's cancellation, for methods that take a token (null otherwise and between calls). Never
    // disposed: it has no timer, and the signal handler may still hold it after the call is over.
    /// <summary>
    /// The worker's side of a batch in a trace: parented by the parent's batch activity (its traceparent came in the
    /// call), recorded when something in the worker process listens to the ParallelGen source.
    /// </summary>
    private static Activity? StartWorkerActivity(string? traceParent) =>
        traceParent is not null && Telemetry.Source.HasListeners() && ActivityContext.TryParse(traceParent, null, out ActivityContext parent)
            ? Telemetry.Source.StartActivity(ParallelGenDiagnostics.WorkerBatchActivityName, ActivityKind.Server, parent)
            : null;

    private static CancellationTokenSource? s_callCancellation;
    private static volatile bool s_stopAfterCall;

    /// <summary><see langword="true"/> inside a ParallelGen worker process.</summary>
    internal static bool IsWorkerProcess { get; private set; }

    /// <summary>
    /// Called after each generated registration (<see cref="Generated.RemoteMethods"/>): a JIT process that carries the
    /// worker variable but was not turned into a worker by the startup hook (startup hooks disabled, e.g. by trimming)
    /// must not go on to run the program's <c>Main</c>, so it exits with a message the parent shows. A Native AOT
    /// process is left alone here: the generated worker entry of its target assembly makes it a worker.
    /// </summary>
    // A trimmed JIT application that keeps startup hooks (StartupHookSupport) must keep the hook's entry point, which
    // only the runtime names (DOTNET_STARTUP_HOOKS): every application with process-backend methods reaches this method.
    [System.Diagnostics.CodeAnalysis.DynamicDependency(nameof(global::StartupHook.Initialize), typeof(global::StartupHook))]
    internal static void EnsureNotAStrayWorker()
    {
        if (!IsWorkerProcess && !EntersFromModuleInitializer && !string.IsNullOrEmpty(Environment.GetEnvironmentVariable(WorkerVariable))
            && !TryEnterFromWorkerProgram())
        {
            ExitAsStrayWorker();
        }
    }

    // The hand-over with ParallelGen.Worker (src/Worker/Program.cs), the program a JIT worker runs: it puts EntryMark in
    // this AppContext slot before it loads ParallelGen and the target assembly, and runs the Func<int> found there afterwards.
    internal const string EntrySlot = "ParallelGen.WorkerEntry";
    internal const string EntryMark = "ParallelGen.Worker";

    /// <summary>The file name of the worker program, next to the application (<see cref="LaunchSpec"/>).</summary>
    internal const string WorkerProgramFileName = "ParallelGen.Worker.dll";

    /// <summary>
    /// In a JIT worker started as <c>ParallelGen.Worker.dll</c> (<see cref="WorkerProgramFileName"/>), called from
    /// ParallelGen's module initializer (<see cref="WorkerProgramEntry"/>; or else from the target assembly's first
    /// registration): makes the process a worker (its warm-up starts now, beside the target's loading and registration)
    /// and leaves the loop for the worker program to run once the
    /// module initializer is over — a loop run inside it would hold the module's class-constructor lock, which every other
    /// thread touching the assembly would wait for. <see langword="false"/> in any other process.
    /// </summary>
    internal static void EnterIfWorkerProgram()
    {
        if (!IsWorkerProcess && !EntersFromModuleInitializer)
        {
            _ = TryEnterFromWorkerProgram();
        }
    }

    private static bool TryEnterFromWorkerProgram()
    {
        if (!string.Equals(AppContext.GetData(EntrySlot) as string, EntryMark, StringComparison.Ordinal))
        {
            return false;
        }

        string? token = Environment.GetEnvironmentVariable(WorkerVariable);
        if (string.IsNullOrEmpty(token))
        {
            return false;
        }

        BecomeWorker(token, "hook");
        AppContext.SetData(EntrySlot, (Func<int>)RunFromWorkerProgram);
        return true;
    }

    /// <summary>The worker program's loop (<see cref="TryEnterFromWorkerProgram"/>): serves calls until the parent goes away, and exits.</summary>
    private static int RunFromWorkerProgram()
    {
        ServeUntilExit("The worker program's loop runs only after its registration made the process a worker.");
        return 0; // not reached
    }

    /// <summary>
    /// Serves calls with the token <see cref="BecomeWorker"/> kept until the parent goes away, and exits the process;
    /// <paramref name="register"/> first, when the entry has not registered the methods yet (the startup hook). A failure
    /// of either is reported on standard error, which the parent shows, with exit code 3.
    /// </summary>
    private static void ServeUntilExit(string misuse, Action? register = null)
    {
        string token = s_entryToken ?? throw new InvalidOperationException(misuse);
        int exitCode;
        try
        {
            register?.Invoke();
            StartupTrace.Reached("registered");
            exitCode = Serve(token);
        }
        catch (Exception ex)
        {
            Console.Error.WriteLine($"ParallelGen worker failed to start: {ex}");
            exitCode = 3;
        }

        Environment.Exit(exitCode);
    }

    private static void ExitAsStrayWorker()
    {
        Console.Error.WriteLine(
            "ParallelGen: this process was started as a worker, but the ParallelGen startup hook did not run " +
            "(startup hooks are disabled, for example by trimming or System.StartupHookProvider.IsSupported=false). " +
            "Backend.Processes needs them in a JIT application (<StartupHookSupport>true</StartupHookSupport>), or a Native AOT publish.");
        Environment.Exit(StrayWorkerExitCode);
    }

    internal const int StrayWorkerExitCode = 87;

    /// <summary>
    /// Whether workers of this program enter worker mode from the generated module initializer (the worker entry)
    /// rather than from the startup hook: in Native AOT, which has no startup hooks and runs every module initializer
    /// eagerly before <c>Main</c>, as plain calls. A JIT runtime runs a module initializer as the module's class
    /// constructor, under its lock: a worker serving calls from inside it would block every other thread that touches
    /// the user's assembly (a thread-pool continuation of an async method, a thread the method starts), so JIT workers
    /// keep the startup hook.
    /// </summary>
    internal static bool EntersFromModuleInitializer => !RuntimeFeature.IsDynamicCodeSupported;

    /// <summary>
    /// The generated worker entry's question (<see cref="Generated.RemoteMethods.IsWorkerStartFor"/>): in a worker
    /// process started for <paramref name="assemblyName"/> that is not a worker yet, makes it one and returns
    /// <see langword="true"/> (the caller registers its methods, then calls <see cref="RunFromModuleInitializer"/>).
    /// A JIT process there is a stray worker (its startup hook did not run) and exits.
    /// </summary>
    internal static bool TryEnterFromModuleInitializer(string assemblyName)
    {
        string? token = Environment.GetEnvironmentVariable(WorkerVariable);
        if (string.IsNullOrEmpty(token) || IsWorkerProcess)
        {
            return false;
        }

        if (!EntersFromModuleInitializer)
        {
            // A JIT worker started as the worker program becomes one here (its registrations follow); any other
            // JIT process with the worker variable that no startup hook made a worker is a stray.
            if (!TryEnterFromWorkerProgram())
            {
                ExitAsStrayWorker();
            }

            return false;
        }

        string? target = Environment.GetEnvironmentVariable(AssemblyVariable);
        if (target is null || !string.Equals(new AssemblyName(target).Name, assemblyName, StringComparison.Ordinal))
        {
            return false; // the entry of the assembly the worker was started for takes it
        }

        BecomeWorker(token, "entry");
        return true;
    }

    private static string? s_entryToken;

    /// <summary>The generated worker entry's loop: serves calls until the parent goes away, and exits. Never returns.</summary>
    internal static void RunFromModuleInitializer() =>
        ServeUntilExit("RunWorker is called by the generated worker entry only, after IsWorkerStartFor returned true.");

    /// <summary>
    /// Marks this process as a worker serving <paramref name="token"/>'s parent (the loop, <see cref="ServeUntilExit"/>,
    /// reads it), removes the variables so processes it starts are not workers, notes the start-up
    /// <paramref name="stage"/> and starts the parent watchdog, whose thread first warms the call path.
    /// </summary>
    private static void BecomeWorker(string token, string stage)
    {
        s_entryToken = token;
        Environment.SetEnvironmentVariable(WorkerVariable, null);
        Environment.SetEnvironmentVariable(AssemblyVariable, null);
        Environment.SetEnvironmentVariable("DOTNET_STARTUP_HOOKS", null);
        IsWorkerProcess = true;
        StartupTrace.Reached(stage);
        ParentWatchdog.Start(WarmUp);
    }

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
        BecomeWorker(token, "hook");
        ServeUntilExit("unreachable: the hook made this process a worker", () =>
        {
            // Runs the generated module initializers, which register the invokers.
            Assembly assembly = Assembly.Load(new AssemblyName(target ?? throw new InvalidOperationException("No target assembly was given.")));
            RuntimeHelpers.RunModuleConstructor(assembly.ManifestModule.ModuleHandle);
        });
    }

    /// <summary>
    /// What every worker's first call needs whatever the call, run on the parent watchdog's thread before it starts
    /// watching (<see cref="ParentWatchdog.Start"/>): MessagePack's options (made without their SipHash key, so without
    /// loading OpenSSL: <see cref="KeylessOptions"/>), and the call path's reads and writes (a
    /// call header and a result written and read in a scratch buffer, so a JIT worker compiles them here rather than in
    /// its first call). The worker's main thread meanwhile loads the program and opens its pipes, and its parent only
    /// waits for the hello, so on two cores the warm-up is off the path.
    /// </summary>
    private static void WarmUp()
    {
        try
        {
            GC.KeepAlive(RemoteSerializer.Options);
            var frame = new FrameBuffer();
            WireMessages.WriteCall(frame, new CallHeader("warm-up", MeasureMemory: false, Spin: false), Array.Empty<int>(), 0, 0, MessagePack.Formatters.Int32Formatter.Instance);
            var reader = new MessagePackReader(frame.Array.AsMemory(FrameChannel.HeaderSize, frame.Count - FrameChannel.HeaderSize));
            _ = WireMessages.ReadCallHeader(ref reader);
            _ = reader.ReadArrayHeader();
            FrameChannel.BeginFrame(frame);
            var writer = new MessagePackWriter(frame);
            writer.WriteArrayHeader(0);
            WireMessages.WriteResultTrailer(ref writer, -1);
            writer.Flush();
            StartupTrace.Reached("warmup-done");
        }
#pragma warning disable CA1031 // a warm-up that fails leaves the work to the first call; it must never end the worker
        catch (Exception)
#pragma warning restore CA1031
        {
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
        using PosixSignalRegistration? stopSignal = OperatingSystem.IsWindows() ? null : PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnStopSignal);

        var hello = new FrameBuffer();
        WireMessages.WriteHello(hello, token, Environment.ProcessId);
        channel.Send(FrameType.Hello, hello);
        StartupTrace.Reached("ready");

        var frame = new FrameBuffer();
        while (channel.TryRead(out FrameType type, out ReadOnlyMemory<byte> payload))
        {
            switch (type)
            {
                case FrameType.Call:
                    StartupTrace.Reached("call");
                    RunCall(channel, payload, frame);
                    StartupTrace.Reached("replied");
                    StartupTrace.Flush();
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
            CallHeader header = WireMessages.ReadCallHeader(ref reader);
            if (!RemoteMethodRegistry.TryGet(header.MethodId, out IBatchInvoker invoker, out bool observesCancellation))
            {
                throw new InvalidOperationException(
                    $"The worker process has no method '{header.MethodId}'. Was the program rebuilt while the worker was running?");
            }

            channel.Spin = header.Spin; // poll briefly for the next call when the parent says cores are free
            RemoteBatch.Start = header.Start; // ParallelContext.ItemIndex = Start + the item's position in the batch
            ParallelContext.SetWorkerShare(header.Workers); // nested calls: cpus / the parent call's workers
            using Activity? activity = StartWorkerActivity(header.TraceParent);
            FrameChannel.BeginFrame(frame);
            var writer = new MessagePackWriter(frame);
            CancellationTokenSource? cancellation = observesCancellation ? new CancellationTokenSource() : null;
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
            WireMessages.WriteResultTrailer(ref writer, header.MeasureMemory ? Environment.WorkingSet : -1L);
            writer.Flush();
            Console.Out.Flush(); // output without a final newline is shown with its batch
            channel.Send(FrameType.Result, frame);
        }
        catch (Exception ex)
        {
            Console.Out.Flush();
            WireMessages.WriteError(frame, index, ex);
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
            WireMessages.WriteOutput(_frame, _line.ToString());
            _line.Clear();
            channel.Send(FrameType.Output, _frame);
        }
    }
}
