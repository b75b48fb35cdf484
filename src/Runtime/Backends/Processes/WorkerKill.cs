using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Runtime.InteropServices;
using System.Threading;

namespace ParallelGen.Backends.Processes;

/// <summary>
/// How the parent ends its worker processes, and how it starts them so that they die with it.
/// </summary>
/// <remarks>
/// <para><b>Never SIGSTOP.</b> <see cref="Process.Kill(bool)"/> with <c>entireProcessTree: true</c> on Unix first sends
/// the process SIGSTOP, then lists every process on the machine to find its children, and only then sends SIGKILL. A
/// parent that exits or is killed inside that window (at the end of a test run the test host is ended while its exit
/// handler kills the workers; under load, listing the processes takes long) leaves the worker <em>stopped</em> for
/// ever: a stopped process cannot see its pipe close nor run its parent watchdog. That is how CI saw stopped
/// (state T) ParallelGen.Tests workers whose parent was gone. So a worker is killed with SIGKILL alone, which also ends
/// a stopped process; its own children (processes the user's method started) are found first and killed after it.</para>
/// <para><b>Dying with the parent.</b> On Linux a worker asks the kernel for SIGKILL when its parent dies
/// (<c>PR_SET_PDEATHSIG</c>, <see cref="ParentWatchdog"/>), which reaches it even when it is stopped or busy. The
/// kernel counts the <em>thread</em> that started the child as its parent, so workers are started from one dedicated
/// thread that lives as long as the process (<see cref="Start"/>), not from a call's threads, which end.</para>
/// </remarks>
internal static partial class WorkerKill
{
    private const int SigKill = 9;

    private static readonly object s_gate = new();
    private static readonly Queue<object> s_launches = new(); // Launch or Action
    private static Thread? s_launcher;

    /// <summary>Kills <paramref name="process"/> and the processes it started, with SIGKILL only (Unix).</summary>
    internal static void Kill(Process process)
    {
        if (OperatingSystem.IsWindows())
        {
            process.Kill(entireProcessTree: true); // no SIGSTOP there: TerminateProcess
            return;
        }

        // Find the children before the worker dies: after that they belong to another parent.
        List<int> descendants = OperatingSystem.IsLinux() ? DescendantsOf(process.Id) : [];
        process.Kill(); // SIGKILL, the worker alone
        foreach (int pid in descendants)
        {
            _ = Libc.Kill(pid, SigKill);
        }
    }

    /// <summary>
    /// Starts a worker process. On Linux from the launcher thread, so that the worker's parent-death signal fires when
    /// this process ends and not when the thread that happened to start it does.
    /// </summary>
    internal static Process? Start(ProcessStartInfo info)
    {
        if (!OperatingSystem.IsLinux() || Thread.CurrentThread == s_launcher)
        {
            return Process.Start(info);
        }

        var launch = new Launch(info);
        Enqueue(launch);
        launch.Done.Wait();
        if (launch.Error is { } error)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(error);
        }

        return launch.Process;
    }

    /// <summary>
    /// Runs <paramref name="work"/> on the launcher thread without waiting for it (on every platform): a call's first
    /// worker is launched there while the calling thread sets the rest of the call up. Work that starts processes from
    /// there starts them directly (<see cref="Start"/>).
    /// </summary>
    internal static void Post(Action work) => Enqueue(work);

    private static void Enqueue(object item)
    {
        lock (s_gate)
        {
            StartLauncherLocked();
            s_launches.Enqueue(item);
            Monitor.Pulse(s_gate);
        }
    }

    /// <summary>
    /// Starts the launcher thread now if it is not running: a first call does it before it works out its launch, so
    /// that the thread's start (a scheduling delay, long under load) overlaps that work.
    /// </summary>
    internal static void StartLauncher()
    {
        lock (s_gate)
        {
            StartLauncherLocked();
        }
    }

    private static void StartLauncherLocked()
    {
        if (s_launcher is null)
        {
            s_launcher = new Thread(RunLauncher) { IsBackground = true, Name = "ParallelGen worker launcher" };
            s_launcher.UnsafeStart();
        }
    }

    /// <summary>The launcher thread: starts the processes and runs the work asked for, for the life of this process.</summary>
    private static void RunLauncher()
    {
        while (true)
        {
            object item;
            lock (s_gate)
            {
                while (s_launches.Count == 0)
                {
                    Monitor.Wait(s_gate);
                }

                item = s_launches.Dequeue();
            }

            if (item is Action work)
            {
                work(); // catches its own failures: the launcher must live as long as the process
                continue;
            }

            var launch = (Launch)item;
            try
            {
                launch.Process = Process.Start(launch.Info);
            }
            catch (Exception ex)
            {
                launch.Error = ex;
            }

            launch.Done.Set();
        }
    }

    /// <summary>The processes below <paramref name="pid"/> (children first), from /proc; empty when it cannot tell.</summary>
    internal static List<int> DescendantsOf(int pid)
    {
        var found = new List<int>();
        var pending = new Queue<int>();
        pending.Enqueue(pid);
        while (pending.TryDequeue(out int parent) && found.Count < 10_000)
        {
            foreach (int child in ChildrenOf(parent))
            {
                found.Add(child);
                pending.Enqueue(child);
            }
        }

        return found;
    }

    /// <summary>
    /// The children of <paramref name="pid"/>: /proc/pid/task/*/children where the kernel has it, otherwise the parent
    /// field of every /proc/*/stat.
    /// </summary>
    private static List<int> ChildrenOf(int pid)
    {
        var children = new List<int>();
        string tasks = $"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/task";
        try
        {
            bool listed = false;
            foreach (string task in Directory.EnumerateDirectories(tasks))
            {
                string file = Path.Combine(task, "children");
                if (!File.Exists(file))
                {
                    break;
                }

                listed = true;
                foreach (string part in File.ReadAllText(file).Split(' ', StringSplitOptions.RemoveEmptyEntries))
                {
                    if (int.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out int child))
                    {
                        children.Add(child);
                    }
                }
            }

            if (listed)
            {
                return children;
            }

            foreach (string dir in Directory.EnumerateDirectories("/proc"))
            {
                if (int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out int candidate)
                    && ParentOf(candidate) == pid)
                {
                    children.Add(candidate);
                }
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // The process is gone (or /proc is not there): nothing more to find.
        }

        return children;
    }

    /// <summary>The parent pid in /proc/pid/stat (the field after the state, after the command's closing parenthesis).</summary>
    internal static int ParentOf(int pid)
    {
        try
        {
            string stat = File.ReadAllText($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/stat");
            string[] fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return int.Parse(fields[1], CultureInfo.InvariantCulture);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException or ArgumentOutOfRangeException)
        {
            return -1;
        }
    }

    private sealed class Launch(ProcessStartInfo info)
    {
        internal ProcessStartInfo Info { get; } = info;

        internal ManualResetEventSlim Done { get; } = new();

        internal Process? Process { get; set; }

        internal Exception? Error { get; set; }
    }
}
