using System;
using System.Diagnostics;
using System.IO;
using System.IO.Pipes;
using System.Runtime.InteropServices;
using System.Threading;

namespace ParallelGen.Backends.Processes;

/// <summary>
/// Waits a few microseconds for a pipe to become readable by polling before a blocking read. A reply usually arrives
/// within microseconds, but a thread that blocks lets its core go idle, and waking it again costs far more than the
/// round trip itself on a virtual machine (a blocking ping-pong measured ~45 µs median here against ~5 µs minimum).
/// Polling briefly keeps the round trip near the minimum for small batches, and costs at most the spin budget of CPU
/// per wait. Unix only; elsewhere it does nothing.
/// </summary>
internal static partial class SpinPoll
{
    private const short PollIn = 0x1;
    private static readonly long s_budgetTicks = Stopwatch.Frequency * 200 / 1_000_000; // 200 µs

    /// <summary>The descriptor behind a pipe stream, or -1.</summary>
    internal static int DescriptorOf(Stream stream)
    {
        if (OperatingSystem.IsWindows())
        {
            return -1;
        }

        try
        {
            return stream switch
            {
                PipeStream pipe => (int)pipe.SafePipeHandle.DangerousGetHandle(),
                FileStream file => (int)file.SafeFileHandle.DangerousGetHandle(),
                _ => -1,
            };
        }
        catch (Exception ex) when (ex is ObjectDisposedException or InvalidOperationException)
        {
            return -1;
        }
    }

    /// <summary>Returns when the descriptor is readable or the spin budget is spent (the caller then blocks).</summary>
    internal static void WaitBriefly(int descriptor)
    {
        if (descriptor < 0)
        {
            return;
        }

        var entry = new Libc.PollEntry { Descriptor = descriptor, Events = PollIn };
        long deadline = Stopwatch.GetTimestamp() + s_budgetTicks;
        int spins = 0;
        do
        {
            entry.ReturnedEvents = 0;
            if (Libc.Poll(ref entry, 1, 0) != 0)
            {
                return; // readable, closed, or an error: the read will tell
            }

            Thread.SpinWait(++spins < 10 ? 8 : 32);
        }
        while (Stopwatch.GetTimestamp() < deadline);
    }

    /// <summary>
    /// Blocks until the descriptor is readable (or closed) or <paramref name="timeout"/> has passed; false on timeout.
    /// True at once for an unknown descriptor.
    /// </summary>
    internal static bool WaitReadable(int descriptor, TimeSpan timeout)
    {
        if (descriptor < 0)
        {
            return true;
        }

        var entry = new Libc.PollEntry { Descriptor = descriptor, Events = PollIn };
        long deadline = Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
        while (true)
        {
            long remainingTicks = deadline - Stopwatch.GetTimestamp();
            if (remainingTicks <= 0)
            {
                return false;
            }

            int milliseconds = (int)Math.Min(int.MaxValue, Math.Max(1, remainingTicks * 1000 / Stopwatch.Frequency));
            entry.ReturnedEvents = 0;
            int ready = Libc.Poll(ref entry, 1, milliseconds);
            if (ready > 0)
            {
                return true;
            }

            if (ready < 0 && Marshal.GetLastPInvokeError() != EIntr)
            {
                return true; // the read will report what is wrong
            }
        }
    }

    private const int EIntr = 4;
}
