using System;
using System.Diagnostics;
using System.Runtime.InteropServices;

namespace ParallelGen.Benchmarks;

/// <summary>
/// The CPU time (user + system) this process has consumed, in milliseconds: from <c>getrusage(RUSAGE_SELF)</c> on Linux
/// (microsecond resolution), otherwise <see cref="Process.TotalProcessorTime"/>.
/// </summary>
internal static partial class CpuTime
{
    internal static double ProcessMilliseconds()
    {
        if (OperatingSystem.IsLinux() && getrusage(0, out RUsage usage) == 0)
        {
            return ((usage.UserSeconds + usage.SystemSeconds) * 1e3) + ((usage.UserMicroseconds + usage.SystemMicroseconds) / 1e3);
        }

        using var process = Process.GetCurrentProcess();
        return process.TotalProcessorTime.TotalMilliseconds;
    }

    [LibraryImport("libc", SetLastError = false)]
    private static partial int getrusage(int who, out RUsage usage);

    // struct rusage on 64-bit Linux: two timevals (long seconds, long microseconds), then 14 longs.
    [StructLayout(LayoutKind.Sequential)]
    private struct RUsage
    {
        public long UserSeconds;
        public long UserMicroseconds;
        public long SystemSeconds;
        public long SystemMicroseconds;
        public long MaxRss;
        public long IxRss;
        public long IdRss;
        public long IsRss;
        public long MinFlt;
        public long MajFlt;
        public long NSwap;
        public long InBlock;
        public long OuBlock;
        public long MsgSnd;
        public long MsgRcv;
        public long NSignals;
        public long NVcsw;
        public long NIvcsw;
    }
}
