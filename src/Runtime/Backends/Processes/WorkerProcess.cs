using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Threading;
using ParallelGen.Diagnostics;
using ParallelGen.Internal;

namespace ParallelGen.Backends.Processes;

/// <summary>One worker process as the parent sees it: the process, its private stdin/stdout pipes, its stderr.</summary>
internal sealed partial class WorkerProcess : IDisposable
{
    private const int StderrTailLines = 30;
    private readonly Process _process;
    private readonly LineTail _stderrTail = new(StderrTailLines);
    private string? _killReason;
    private int _disposed;
    private int _stopRequested;
    private Timer? _graceTimer;
    private string? _graceReason;

    private WorkerProcess(Process process, int number)
    {
        _process = process;
        Number = number;
        (Stream output, Stream input, _stderr, _ownsPipes) = OwnPipes(process);
        Channel = new FrameChannel(output, input);
    }

    /// <summary>
    /// The worker's stdout, stdin and stderr pipes as this process reads and writes them. On Unix a pipe stream of
    /// <see cref="Process"/> reads and writes through a socket made over the pipe, whose first use starts the socket
    /// engine (System.Net.Sockets, an epoll thread) in the parent while its first worker starts; plain file streams
    /// over duplicates of the descriptors read and write with read(2) and write(2). The duplicates are closed with the
    /// worker (<see cref="Dispose"/>; stderr by its forwarding thread), the originals with the process object.
    /// </summary>
    private static (Stream Output, Stream Input, Stream? Error, bool Owned) OwnPipes(Process process)
    {
        Stream output = process.StandardOutput.BaseStream, input = process.StandardInput.BaseStream, error = process.StandardError.BaseStream;
        if ((OperatingSystem.IsLinux() || OperatingSystem.IsMacOS())
            && Duplicate(output, FileAccess.Read) is { } ownOutput
            && Duplicate(input, FileAccess.Write) is { } ownInput)
        {
            return (ownOutput, ownInput, Duplicate(error, FileAccess.Read), true);
        }

        return (output, input, null, false);
    }

    private static FileStream? Duplicate(Stream pipe, FileAccess access)
    {
        int descriptor = SpinPoll.DescriptorOf(pipe);
        int copy = descriptor < 0 ? -1 : ProtocolStreams.DuplicateCloseOnExec(descriptor);
        return copy < 0 ? null : ProtocolStreams.FileStreamOver(copy, access);
    }

    private readonly Stream? _stderr;
    private readonly bool _ownsPipes;

    /// <summary>The worker's number in its pool, shown in front of its console output.</summary>
    internal int Number { get; }

    internal int ProcessId { get; private set; }

    internal FrameChannel Channel { get; }

    internal FrameBuffer Frame { get; } = new();

    /// <summary>Items this worker has completed (for <see cref="ParallelizeOptions.MaxTasksPerWorker"/>).</summary>
    internal int ItemsDone { get; set; }

    /// <summary>The working set the worker reported after its last batch.</summary>
    internal long WorkingSet { get; set; }

    internal long IdleSinceTimestamp { get; set; }

    /// <summary>Why the parent killed the worker, or null if it was not killed by the parent.</summary>
    internal string? KillReason => Volatile.Read(ref _killReason);

    internal bool HasExited
    {
        get
        {
            try
            {
                return _process.HasExited;
            }
            catch (InvalidOperationException)
            {
                return true;
            }
        }
    }

    /// <summary>
    /// The worker's last standard error lines. Once it has exited, waits briefly (bounded) for the forwarding thread to
    /// read what the worker wrote before it died.
    /// </summary>
    internal string StandardErrorTail
    {
        get
        {
            if (_stderrThread is { } reader && HasExited)
            {
                reader.Join(StderrDrainTimeout);
            }

            return _stderrTail.ToString();
        }
    }

    private static readonly TimeSpan StderrDrainTimeout = TimeSpan.FromSeconds(1);
    private Thread? _stderrThread;

    /// <summary>
    /// Starts a worker process without waiting for it (<see cref="AwaitReady"/> waits for its hello): a pool starts the
    /// workers a call needs at once, before the parent prepares the rest of the call, so their start-up overlaps.
    /// </summary>
    internal static WorkerProcess Launch(LaunchSpec spec, int number)
    {
        StartupTrace.Reached("launch");

        string token = NewToken();
        var info = new ProcessStartInfo(spec.FileName)
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            CreateNoWindow = true,
        };
        foreach (string argument in spec.Arguments)
        {
            info.ArgumentList.Add(argument);
        }

        info.Environment[WorkerServer.WorkerVariable] = token;
        info.Environment[WorkerServer.AssemblyVariable] = spec.AssemblyName;
        if (!WorkerServer.EntersFromModuleInitializer && !spec.RunsWorkerProgram)
        {
            // A JIT worker becomes a worker in the worker program (ParallelGen.Worker.dll, next to the application) or,
            // where that is missing, in the startup hook; a Native AOT one in the generated worker entry.
            string? hooks = Environment.GetEnvironmentVariable("DOTNET_STARTUP_HOOKS");
            info.Environment["DOTNET_STARTUP_HOOKS"] = string.IsNullOrEmpty(hooks) ? "ParallelGen" : hooks + System.IO.Path.PathSeparator + "ParallelGen";
        }

        info.Environment[WorkerServer.ParentVariable] = Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture);

        Process process;
        StartupTrace.Reached("spawn");
        try
        {
            // From the launcher thread on Linux: the worker's parent-death signal follows this process, not a call's thread.
            process = WorkerKill.Start(info) ?? throw new WorkerStartException($"Could not start '{spec.FileName}'.");
        }
        catch (Exception ex) when (ex is not WorkerStartException)
        {
            throw new WorkerStartException($"Could not start a ParallelGen worker with '{spec.FileName}': {ex.Message}", ex);
        }

        StartupTrace.Reached("spawned");
        var worker = new WorkerProcess(process, number) { _spec = spec, _token = token, ProcessId = process.Id };

        // A plain thread blocked in read() forwards the worker's standard error. Process.BeginErrorReadLine would do it
        // asynchronously, which on Unix starts the socket engine (System.Net.Sockets, an epoll thread) and its async
        // machinery: JIT and CPU in the parent while its first worker starts. (So do Process's own pipe streams at their
        // first read: see OwnPipes.)
        var stderr = new Thread(static w => ((WorkerProcess)w!).ForwardStandardError())
        {
            IsBackground = true,
            Name = "ParallelGen worker stderr",
        };
        worker._stderrThread = stderr;
        stderr.UnsafeStart(worker);
        return worker;
    }

    /// <summary>
    /// The token a worker answers its hello with: a Guid in hex. Guid.NewGuid draws from the operating system's secure
    /// random source (getrandom on Linux) without loading OpenSSL, which RandomNumberGenerator does at its first use;
    /// the hex is written here because Guid's own formatting compiles vectorized code at its first use (3–4 ms of the
    /// thread's CPU before the first spawn, against ~1.2 ms for this).
    /// </summary>
    private static string NewToken()
    {
        Span<byte> bytes = stackalloc byte[16];
        Guid.NewGuid().TryWriteBytes(bytes);
        Span<char> hex = stackalloc char[32];
        for (int i = 0; i < bytes.Length; i++)
        {
            hex[2 * i] = HexDigit(bytes[i] >> 4);
            hex[(2 * i) + 1] = HexDigit(bytes[i] & 0xF);
        }

        return new string(hex);

        static char HexDigit(int d) => (char)(d < 10 ? '0' + d : 'a' + d - 10);
    }

    private LaunchSpec? _spec;
    private string? _token;
    private int _ready;

    /// <summary>Whether the worker's hello has been read (it is then serving calls).</summary>
    internal bool IsReady => Volatile.Read(ref _ready) != 0;

    /// <summary>
    /// Waits for the hello of a worker from <see cref="Launch"/> (at once if it came already). On failure the worker
    /// is disposed and <see cref="WorkerStartException"/> says why.
    /// </summary>
    internal void AwaitReady(TimeSpan startTimeout)
    {
        if (IsReady)
        {
            return;
        }

        WarmHelloPath();
        WorkerProcess worker = this;
        LaunchSpec spec = _spec!;

        // Where the descriptor is known (Unix), the kernel measures the wait for the hello, so a busy thread pool cannot
        // make a late worker look punctual; elsewhere a timer kills the worker when the time is up.
        Timer? timer = worker.Channel.CanWaitReadable
            ? null
            : new Timer(static s => ((WorkerProcess)s!).Kill("it did not start in time"), worker, startTimeout, Timeout.InfiniteTimeSpan);
        try
        {
            bool inTime = worker.Channel.WaitReadable(startTimeout);
            if (!inTime)
            {
                worker.Kill("it did not start in time");
            }

            if (!inTime || !worker.Channel.TryRead(out FrameType type, out ReadOnlyMemory<byte> payload) || type != FrameType.Hello)
            {
                string exit = worker.Describe(out int? exitCode, out _);
                string why = worker.KillReason
                    ?? (exitCode == WorkerServer.StrayWorkerExitCode
                        ? "startup hooks are disabled in this application (trimming, or System.StartupHookProvider.IsSupported=false), and Backend.Processes needs them"
                        : $"it exited with code {exit}");
                string stderr = worker.StandardErrorTail;
                worker.Dispose();
                throw new WorkerStartException(
                    $"A ParallelGen worker ('{spec.FileName} {string.Join(' ', spec.Arguments)}') did not start: {why}." +
                    (stderr.Length > 0 ? $" Its standard error:{Environment.NewLine}{stderr}" : ""));
            }

            (string? answered, int processId) = WireMessages.ReadHello(payload);
            if (answered != _token)
            {
                worker.Dispose();
                throw new WorkerStartException("A ParallelGen worker answered with the wrong token.");
            }

            worker.ProcessId = processId;
            Volatile.Write(ref _ready, 1);
            StartupTrace.Reached("hello");
        }
        finally
        {
            timer?.Dispose();
        }
    }

    private static int s_helloWarmed;

    /// <summary>
    /// Once per process, before the first wait for a hello: writes and reads a hello in a scratch buffer, so that the
    /// reading code (MessagePack's reader, the process's first UTF-8 decoding) is compiled while the worker is still
    /// starting rather than after its hello has arrived, when it delays the first call (~10 ms after the worker's
    /// hello in a fresh JIT program, docs/benchmarks/processes.md).
    /// </summary>
    private static void WarmHelloPath()
    {
        if (Interlocked.Exchange(ref s_helloWarmed, 1) != 0)
        {
            return;
        }

        var frame = new FrameBuffer();
        WireMessages.WriteHello(frame, "warm-up", 0);
        _ = WireMessages.ReadHello(frame.Array.AsMemory(FrameChannel.HeaderSize, frame.Count - FrameChannel.HeaderSize));
        StartupTrace.Reached("hello-warm");
    }

    /// <summary>
    /// Kills the worker (and its children) with SIGKILL, which also ends a stopped worker, and never with the SIGSTOP
    /// that <c>Process.Kill(entireProcessTree: true)</c> sends first (see <see cref="WorkerKill"/>); the pipe then
    /// closes and any read returns end-of-file.
    /// </summary>
    internal void Kill(string reason)
    {
        Interlocked.CompareExchange(ref _killReason, reason, null);
        try
        {
            WorkerKill.Kill(_process);
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
        catch (System.ComponentModel.Win32Exception)
        {
            // Already gone or not ours any more.
        }
    }

    /// <summary>
    /// Asks a busy worker to stop its call: SIGTERM cancels the token the running method received; the worker replies
    /// and exits. If it is still running after <paramref name="grace"/>, it is killed. Needs Unix; elsewhere it kills.
    /// </summary>
    internal void RequestStop(TimeSpan grace, string reason)
    {
        if (OperatingSystem.IsWindows() || grace <= TimeSpan.Zero || Interlocked.Exchange(ref _stopRequested, 1) != 0)
        {
            Kill(reason);
            return;
        }

        if (HasExited)
        {
            return; // nothing to stop (and its pid must not be signalled: it may belong to another process by now)
        }

        _graceReason = reason;
        _graceTimer = new Timer(static s => ((WorkerProcess)s!).KillAfterGrace(), this, grace, Timeout.InfiniteTimeSpan);
        if (Libc.Kill(ProcessId, SigTerm) != 0)
        {
            Kill(reason);
        }
    }

    /// <summary>The worker was asked to stop (and exits after its reply): it must not be reused.</summary>
    internal bool StopRequested => Volatile.Read(ref _stopRequested) != 0;

    private void KillAfterGrace()
    {
        if (Volatile.Read(ref _disposed) == 0 && !HasExited)
        {
            Kill(_graceReason ?? "the call was stopped");
        }
    }

    private const int SigTerm = 15;

    /// <summary>Asks an idle worker to exit.</summary>
    internal void Shutdown()
    {
        try
        {
            Channel.Send(FrameType.Shutdown, ReadOnlySpan<byte>.Empty);
        }
        catch (Exception ex) when (ex is System.IO.IOException or ObjectDisposedException)
        {
            // It is gone already.
        }
    }

    /// <summary>Waits briefly for the exit and describes it: "134 (killed by SIGABRT)".</summary>
    internal string Describe(out int? exitCode, out string? signal)
    {
        exitCode = null;
        signal = null;
        try
        {
            if (!_process.WaitForExit(2000))
            {
                return "unknown (still running)";
            }

            int code = _process.ExitCode;
            exitCode = code;
            if (!OperatingSystem.IsWindows() && code > 128 && code < 128 + 65)
            {
                signal = SignalName(code - 128);
                return $"{code} (killed by {signal})";
            }

            return code.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
        catch (InvalidOperationException)
        {
            return "unknown";
        }
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _graceTimer?.Dispose();
        if (!HasExited)
        {
            Kill("disposed");
        }

        _process.Dispose();
        if (_ownsPipes)
        {
            // The streams over the duplicated descriptors (the stderr one is the forwarding thread's to close).
            Channel.Input.Dispose();
            Channel.Output.Dispose();
        }
    }

    private void ForwardStandardError()
    {
        try
        {
            using StreamReader stderr = _stderr is null ? _process.StandardError : new StreamReader(_stderr);
            while (stderr.ReadLine() is { } line)
            {
                OnStandardError(line);
            }
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException or InvalidOperationException)
        {
            // The worker is gone and its process object disposed: nothing more to forward.
        }
    }

    private void OnStandardError(string? line)
    {
        if (line is null)
        {
            return;
        }

        _stderrTail.Add(line);
        Console.Error.WriteLine($"[worker {Number}] {line}");
    }

    private static string SignalName(int signal) => signal switch
    {
        1 => "SIGHUP",
        2 => "SIGINT",
        3 => "SIGQUIT",
        4 => "SIGILL",
        6 => "SIGABRT",
        7 => "SIGBUS",
        8 => "SIGFPE",
        9 => "SIGKILL",
        11 => "SIGSEGV",
        13 => "SIGPIPE",
        15 => "SIGTERM",
        _ => "signal " + signal.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };
}
