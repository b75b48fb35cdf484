using System;
using System.IO;
using System.Runtime.InteropServices;
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
    internal const int DupFdCloseOnExec = 1030; // F_DUPFD_CLOEXEC on Linux
    internal const int DupFdCloseOnExecMac = 67; // F_DUPFD_CLOEXEC on macOS

    internal static (Stream Input, Stream Output) Open()
    {
        if (OperatingSystem.IsLinux() || OperatingSystem.IsMacOS())
        {
            int command = OperatingSystem.IsMacOS() ? DupFdCloseOnExecMac : DupFdCloseOnExec;
            int input = Libc.Fcntl(0, command, 3);
            int output = Libc.Fcntl(1, command, 3);
            int devNull = Libc.Open("/dev/null", 0);
            if (input >= 0 && output >= 0 && devNull >= 0 && Libc.Dup2(devNull, 0) >= 0 && Libc.Dup2(2, 1) >= 0)
            {
                Libc.Close(devNull);
                return (
                    new FileStream(new SafeFileHandle(input, ownsHandle: true), FileAccess.Read, bufferSize: 0),
                    new FileStream(new SafeFileHandle(output, ownsHandle: true), FileAccess.Write, bufferSize: 0));
            }
        }

        return (Console.OpenStandardInput(), Console.OpenStandardOutput());
    }
}
