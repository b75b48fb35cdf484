using System;
using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Threading;

namespace ParallelGen.Backends.Processes;

/// <summary>
/// Ends a worker whose parent has died, even while the worker is busy with a long call: the pipe's end-of-file is
/// only seen between calls. On Unix the worker is re-parented when its parent dies, so a changed parent pid is the
/// signal; on Windows the watchdog waits on the parent's process handle.
/// </summary>
internal static partial class ParentWatchdog
{
    private static readonly TimeSpan s_poll = TimeSpan.FromMilliseconds(200);

    internal static void Start()
    {
        var thread = new Thread(Watch) { IsBackground = true, Name = "ParallelGen parent watchdog" };
        thread.UnsafeStart();
    }

    private static void Watch()
    {
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
                int original = GetParentProcessId();
                while (GetParentProcessId() == original)
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

    [LibraryImport("libc", EntryPoint = "getppid")]
    private static partial int GetParentProcessId();
}
