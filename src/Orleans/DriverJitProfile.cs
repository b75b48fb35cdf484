using System;
using System.Globalization;
using System.IO;
using System.Runtime;
using System.Threading;

namespace ParallelGen.Orleans;

/// <summary>
/// Opt-in: the driver's side of a fresh program's first <see cref="LocalCluster"/> start compiled ahead with .NET's
/// multi-core JIT (<see cref="ProfileOptimization"/>), as the silos do (<see cref="SiloJitProfile"/>). The first start of
/// a program records the methods the driver compiles from the moment its client first asks for gateways (and waits for
/// silo 0) until the first results: the client's connection and the first call. The first start of the next run of the
/// same program compiles them on a background thread during that wait, so that after silo 0 is ready they are compiled
/// already instead of being compiled then, on the start's critical path.
/// </summary>
/// <remarks>
/// Measured (docs/benchmarks/cluster.md): the driver's CPU from silo 0's ready line to the first result drops from
/// 0.5–0.7 s to 0.1–0.4 s, its total stays the same (moved before silo 0 is ready, where it competes with silo 0's
/// start), and on the loaded 2-core machine the start to the first result did not get shorter. Hence off unless asked
/// for — also because <see cref="ProfileOptimization"/> is process-wide and this is the user's process: a profile root
/// can be set once per process (the first call wins) and starting a profile ends the one running. Asked for with
/// <c>PARALLELGEN_DRIVER_JIT_PROFILE=on</c> (profile in <c>~/.cache/parallelgen/driver-jit</c>) or <c>=&lt;dir&gt;</c>, or the
/// AppContext switch <c>ParallelGen.Orleans.DriverJitProfile=true</c>; the switch set to false keeps it off whatever the
/// environment says (a program that uses <see cref="ProfileOptimization"/> itself). It runs at most once per process,
/// at the first start, stops recording at the first results (30 s at most; a failed start drops it), and leaves a
/// runtime given a profile of its own (<c>DOTNET_MultiCoreJitProfile</c>) alone. Any file-system failure leaves the start
/// as it was.
/// </remarks>
internal static class DriverJitProfile
{
    internal const string Variable = "PARALLELGEN_DRIVER_JIT_PROFILE";
    internal const string SwitchName = "ParallelGen.Orleans.DriverJitProfile";

    /// <summary>The longest the recording runs if the start never gets to its first results.</summary>
    private static readonly TimeSpan RecordAtMost = TimeSpan.FromSeconds(30);

    private static int s_started;
    private static int s_finished;
    private static string? s_recording;
    private static string? s_final;
    private static Timer? s_deadline;

    /// <summary>
    /// At the first <see cref="LocalCluster"/> start of this process, when its client first asks for gateways: plays the
    /// program's profile, if any, and records the rest of this start. Returns what it did (for the start trace), or null
    /// when it did nothing.
    /// </summary>
    internal static string? Start()
    {
        bool switchSet = AppContext.TryGetSwitch(SwitchName, out bool on);
        string? setting = Environment.GetEnvironmentVariable(Variable);
        if ((switchSet && !on) || setting is "off" or "0" || (string.IsNullOrEmpty(setting) && !switchSet))
        {
            return null; // not asked for (or turned off)
        }

        if (Interlocked.Exchange(ref s_started, 1) != 0)
        {
            return null; // a later start: the code is compiled already, and the profile root is set once per process
        }

        if (!string.IsNullOrEmpty(Environment.GetEnvironmentVariable("DOTNET_MultiCoreJitProfile"))
            || !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("COMPlus_MultiCoreJitProfile")))
        {
            return "driver JIT profile off (the runtime has a profile of its own)";
        }

        try
        {
            string? directory = string.IsNullOrEmpty(setting) || setting is "on" or "1" ? SiloJitProfile.CacheDirectory("driver-jit") : setting;
            if (directory is null || Environment.ProcessorCount < 2)
            {
                return "driver JIT profile off (no cache directory, or one core)";
            }

            System.IO.Directory.CreateDirectory(directory);
            string key = SiloJitProfile.Key("driver " + (System.Reflection.Assembly.GetEntryAssembly()?.GetName().Name ?? ""));
            string final = Path.Combine(directory, key + ".jitprofile");
            string recording = Path.Combine(directory, key + "." + Environment.ProcessId.ToString(CultureInfo.InvariantCulture) + ".tmp");
            SiloJitProfile.RemoveStale(directory);
            bool playing = File.Exists(final);
            if (playing)
            {
                File.Copy(final, recording, overwrite: true); // the runtime plays the file it records into
            }

            ProfileOptimization.SetProfileRoot(directory);
            ProfileOptimization.StartProfile(Path.GetFileName(recording));
            (s_recording, s_final) = (recording, final);
            s_deadline = new Timer(static _ => Finish(keep: true), null, RecordAtMost, Timeout.InfiniteTimeSpan);
            return playing ? "driver JIT profile playing" : "driver JIT profile recording (none yet)";
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            return "driver JIT profile off (" + ex.GetType().Name + ")";
        }
    }

    /// <summary>
    /// The first results have arrived (<paramref name="keep"/>: the recording becomes the program's profile) or the start
    /// failed (it is dropped): the recording stops, on a thread-pool thread.
    /// </summary>
    internal static void Stop(bool keep)
    {
        if (s_recording is not null && Volatile.Read(ref s_finished) == 0)
        {
            ThreadPool.UnsafeQueueUserWorkItem(k => Finish(k), keep, preferLocal: false);
        }
    }

    private static void Finish(bool keep)
    {
        if (Interlocked.Exchange(ref s_finished, 1) != 0 || s_recording is not { } recording || s_final is not { } final)
        {
            return;
        }

        s_deadline?.Dispose();
        try
        {
            ProfileOptimization.StartProfile(null); // stops the recording and writes the file
            if (keep && new FileInfo(recording) is { Exists: true, Length: > 0 })
            {
                File.Move(recording, final, overwrite: true);
            }
            else
            {
                File.Delete(recording);
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // the next program's first start records again
        }
    }
}
