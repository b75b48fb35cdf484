using System;
using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Threading;

namespace ParallelGen.Backends.Processes;

/// <summary>
/// Ends a worker whose parent has died, even while the worker is busy with a long call: the pipe's end-of-file is
/// only seen between calls. On Unix the worker is re-parented when its parent dies, so a changed parent pid is the
/// signal; on Windows the watchdog waits on the parent's process handle. On Linux the kernel also sends the worker
/// SIGKILL when its parent dies (<c>PR_SET_PDEATHSIG</c>): that reaches a worker the watchdog cannot help, one that is
/// stopped (SIGSTOP, SIGTSTP, a debugger) and so runs no thread at all (see <see cref="WorkerKill"/>).
/// </summary>
internal static partial class ParentWatchdog
{
    private static readonly TimeSpan s_poll = TimeSpan.FromMilliseconds(200);

    /// <summary>
    /// Starts the watchdog's thread, which first runs <paramref name="first"/> (the worker's warm-up: one thread started
    /// instead of two, and starting a thread waits until it runs, which under load is a scheduling delay).
    /// </summary>
    internal static void Start(Action? first = null)
    {
        if (OperatingSystem.IsLinux())
        {
            ArmParentDeathSignal();
        }

        var thread = new Thread(static f => Watch((Action?)f)) { IsBackground = true, Name = "ParallelGen parent watchdog" };
        thread.UnsafeStart(first);
    }

    private static void Watch(Action? first)
    {
        int original = OperatingSystem.IsWindows() ? 0 : Libc.GetParentProcessId();
        first?.Invoke();
        try
        {
            if (OperatingSystem.IsWindows())
            {
                if (int.TryParse(Environment.GetEnvironmentVariable(WorkerServer.ParentVariable), out int pid))
                {
                    using Process parent = Process.GetProcessById(pid);
                    parent.WaitForExit();
                }
            }
            else
            {
                while (Libc.GetParentProcessId() == original)
                {
                    Thread.Sleep(s_poll);
                }
            }
        }
        catch (ArgumentException)
        {
            // The parent was already gone.
        }

        Environment.Exit(0);
    }

    /// <summary>
    /// Asks for SIGKILL when the parent dies; if it died before this line ran (the worker is already someone else's
    /// child), exits now. The parent starts workers from a thread that lives as long as it does: the kernel sends the
    /// signal when the thread that started the worker ends.
    /// </summary>
    private static void ArmParentDeathSignal()
    {
        const int PrSetParentDeathSignal = 1;
        const int SigKill = 9;
        if (Libc.Prctl(PrSetParentDeathSignal, SigKill, 0, 0, 0) != 0)
        {
            return; // the watchdog still covers a running worker
        }

        if (int.TryParse(Environment.GetEnvironmentVariable(WorkerServer.ParentVariable), out int parent) && Libc.GetParentProcessId() != parent)
        {
            Environment.Exit(0);
        }
    }
}
