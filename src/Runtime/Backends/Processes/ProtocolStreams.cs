using System;
using System.IO;
using Microsoft.Win32.SafeHandles;

namespace ParallelGen.Backends.Processes;

/// <summary>
/// The worker's end of the protocol pipes. On Unix the pipes are moved off descriptors 0 and 1 to private,
/// close-on-exec descriptors; 0 then reads /dev/null and 1 writes to standard error. So native code, child processes
/// and anything else that writes to "stdout" directly can no longer corrupt the protocol: their output shows up in the
/// parent as the worker's standard error lines.
/// </summary>
internal static partial class ProtocolStreams
{
    private const int DupFdCloseOnExec = 1030; // F_DUPFD_CLOEXEC on Linux
    private const int DupFdCloseOnExecMac = 67; // F_DUPFD_CLOEXEC on macOS

    internal static (Stream Input, Stream Output) Open()
    {
        if (OperatingSystem.IsLinux() || OperatingSystem.IsMacOS())
        {
            int input = DuplicateCloseOnExec(0);
            int output = DuplicateCloseOnExec(1);
            int devNull = Libc.Open("/dev/null", 0);
            if (input >= 0 && output >= 0 && devNull >= 0 && Libc.Dup2(devNull, 0) >= 0 && Libc.Dup2(2, 1) >= 0)
            {
                Libc.Close(devNull);
                return (FileStreamOver(input, FileAccess.Read), FileStreamOver(output, FileAccess.Write));
            }
        }

        return (Console.OpenStandardInput(), Console.OpenStandardOutput());
    }

    /// <summary>
    /// A copy of <paramref name="descriptor"/> numbered 3 or above and closed on exec (Linux, macOS), or -1. The worker
    /// moves its protocol pipes with it; the parent reads and writes its workers' pipes through such copies
    /// (<see cref="WorkerProcess"/>).
    /// </summary>
    internal static int DuplicateCloseOnExec(int descriptor) =>
        Libc.Fcntl(descriptor, OperatingSystem.IsMacOS() ? DupFdCloseOnExecMac : DupFdCloseOnExec, 3);

    /// <summary>An unbuffered stream that owns <paramref name="descriptor"/> and reads or writes it with read(2)/write(2).</summary>
    internal static FileStream FileStreamOver(int descriptor, FileAccess access) =>
        new(new SafeFileHandle(descriptor, ownsHandle: true), access, bufferSize: 0);
}
