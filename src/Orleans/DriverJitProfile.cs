using System;
using System.Globalization;
using System.IO;
using System.Runtime;
using System.Threading;

namespace ParallelGen.Orleans;

/// <summary>
/// The driver's side of a fresh program's first <see cref="LocalCluster"/> start, compiled ahead: .NET's multi-core JIT
/// (<see cref="ProfileOptimization"/>), as the silos do (<see cref="SiloJitProfile"/>). The first start of a program
/// records the methods the driver compiled from <c>StartAsync</c> until the first results (building and connecting the
/// Orleans client, the first call); the first start of the next run of the same program compiles them on a background
/// thread while silo 0 starts, so that what the driver does after silo 0 is ready (connect, first call) finds them
/// compiled instead of compiling them then, on the start's critical path.
/// </summary>
/// <remarks>
/// <see cref="ProfileOptimization"/> is process-wide, and this is the user's process: a profile root can be set once per
/// process (the first call wins) and starting a profile ends the one running. So this runs at most once per process, at
/// the first <see cref="LocalCluster.StartAsync(int, System.Threading.CancellationToken)"/>, stops recording at the first
/// results (or 30 s after the start if no call has results by then; a start that fails drops it), and is off when the program says so: the AppContext switch
/// <c>ParallelGen.Orleans.DriverJitProfile=false</c> (for a program that uses <see cref="ProfileOptimization"/> itself), or
/// <c>PARALLELGEN_DRIVER_JIT_PROFILE=off</c>; <c>PARALLELGEN_DRIVER_JIT_PROFILE=&lt;dir&gt;</c> puts the profile elsewhere
/// (default <c>~/.cache/parallelgen/driver-jit</c>). A process whose runtime was told to use a profile of its own
/// (<c>DOTNET_MultiCoreJitProfile</c>) is left alone too. Any file-system failure leaves the start as it was.
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
    /// At the first <see cref="LocalCluster"/> start of this process: plays the program's profile, if any, and records
    /// this start. Returns what it did (for the start trace), or null when it did nothing.
    /// </summary>
    internal static string? Start()
    {
        if (Interlocked.Exchange(ref s_started, 1) != 0)
        {
            return null; // a later start: the code is compiled already, and the profile root is set once per process
        }

        if (AppContext.TryGetSwitch(SwitchName, out bool on) && !on)
        {
            return "driver JIT profile off (AppContext switch)";
        }

        if (!string.IsNullOrEmpty(Environment.GetEnvironmentVariable("DOTNET_MultiCoreJitProfile"))
            || !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("COMPlus_MultiCoreJitProfile")))
        {
            return "driver JIT profile off (the runtime has a profile of its own)";
        }

        try
        {
            string? directory = SiloJitProfile.CacheDirectory(Variable, "driver-jit");
            if (directory is null || Environment.ProcessorCount < 2)
            {
                return "driver JIT profile off";
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
