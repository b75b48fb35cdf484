using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Runtime.InteropServices;
using System.Threading;

namespace ParallelGen.Backends.Processes;

/// <summary>
/// Lets the workers of a call that fills the cores have them: on Linux, the parent's tiered-compilation thread (the
/// runtime's background tier-1 JIT) gets the lowest CPU priority (nice 19).
/// </summary>
/// <remarks>
/// While a process call runs, the parent only waits for replies (a few milliseconds of CPU per call), but in a fresh
/// program its runtime is still re-compiling the start-up code at tier 1 in the background: measured 45–90 ms of CPU on
/// the ".NET Tiered Compilation Worker" thread during the first heavy call of the π benchmark, against ~5 ms for the
/// call's own threads (docs/benchmarks/processes.md, "Cold start and the first heavy call"). On 2 cores with 2 busy
/// workers that is a third runnable thread, which stretches the call that waits for the slower worker. At nice 19 the
/// JIT thread runs when a core is free and hardly at all while the workers use them; the parent's code gets to tier 1
/// later on a busy machine, and as before on an idle one. A lowered thread cannot be raised again without privileges;
/// the runtime starts a new JIT thread (at the priority of the thread that starts it) after an idle spell, and the next
/// such call lowers that one. Off with the AppContext switch <c>ParallelGen.Processes.LowerParentJitPriority=false</c>.
/// </remarks>
internal static partial class ParentJitPriority
{
    internal const string SwitchName = "ParallelGen.Processes.LowerParentJitPriority";
    private const string JitThreadName = ".NET Tiered Com"; // ".NET Tiered Compilation Worker", cut to 15 characters
    private const int Lowest = 19;

    private static readonly HashSet<int> s_seen = [];
    private static int s_threadCount = -1;
    private static long s_nextScan;
    private static long s_nextCheck;
    private static string? s_processName;
    private static int s_enabled = -1;

    /// <summary>How many threads were lowered (for tests and benchmarks).</summary>
    internal static int Lowered { get; private set; }

    /// <summary>
    /// Lowers the tiered-compilation threads not seen before. Costs nothing more than a clock read within 10 ms of the
    /// last check, then one read of /proc/self/stat when the process has as many threads as at the last look, less than
    /// a second ago; otherwise a look at the threads not seen before.
    /// </summary>
    internal static void Lower()
    {
        if (!Enabled)
        {
            return;
        }

        lock (s_seen)
        {
            try
            {
                // At most one check per 10 ms (a program making many short calls pays nothing per call); threads that
                // came and went in equal numbers (or got their name late) are caught by the look once a second.
                long now = System.Diagnostics.Stopwatch.GetTimestamp();
                if (now < s_nextCheck)
                {
                    return;
                }

                s_nextCheck = now + (System.Diagnostics.Stopwatch.Frequency / 100);
                int count = ThreadCount();
                if (count == s_threadCount && now < s_nextScan)
                {
                    return;
                }

                s_nextScan = now + System.Diagnostics.Stopwatch.Frequency;

                s_processName ??= File.ReadAllText("/proc/self/comm").TrimEnd('\n');
                foreach (string task in Directory.EnumerateDirectories("/proc/self/task"))
                {
                    if (!int.TryParse(Path.GetFileName(task), NumberStyles.None, CultureInfo.InvariantCulture, out int tid) || s_seen.Contains(tid))
                    {
                        continue;
                    }

                    string name = File.ReadAllText(Path.Combine(task, "comm")).TrimEnd('\n');
                    if (name == s_processName)
                    {
                        continue; // maybe not named yet: look again next time
                    }

                    s_seen.Add(tid);
                    if (name.StartsWith(JitThreadName, StringComparison.Ordinal) && Libc.SetPriority(0 /* PRIO_PROCESS: a thread id on Linux */, tid, Lowest) == 0)
                    {
                        Lowered++;
                    }
                }

                s_threadCount = count;
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
            {
                // A thread ended while being read, or no /proc: nothing to lower this time.
            }
        }
    }

    /// <summary>The process's thread count, field 20 of /proc/self/stat.</summary>
    private static int ThreadCount()
    {
        string stat = File.ReadAllText("/proc/self/stat");
        return int.Parse(stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[17], CultureInfo.InvariantCulture);
    }

    private static bool Enabled
    {
        get
        {
            int enabled = Volatile.Read(ref s_enabled);
            if (enabled < 0)
            {
                enabled = OperatingSystem.IsLinux() && (!AppContext.TryGetSwitch(SwitchName, out bool on) || on) ? 1 : 0;
                Volatile.Write(ref s_enabled, enabled);
            }

            return enabled == 1;
        }
    }
}
