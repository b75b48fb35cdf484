using System;
using System.Globalization;
using System.IO;
using System.Runtime;
using System.Security.Cryptography;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace ParallelGen.Orleans;

/// <summary>
/// A silo's start-up JIT, spread over two cores: .NET's multi-core JIT (<see cref="ProfileOptimization"/>). A silo
/// records which methods it compiled while starting and serving its first batch; the next silo of the same application
/// compiles them ahead on a background thread while its main thread builds the Orleans host, which is JIT-bound
/// (Orleans' assemblies are IL only). Measured: the main thread's CPU to "silo ready" drops by about 45% (the total stays the
/// same), so on an idle core silo 0 is ready sooner (docs/benchmarks/cluster.md).
/// </summary>
/// <remarks>
/// The profile lives in a per-user cache directory (<c>$XDG_CACHE_HOME/parallelgen/silo-jit</c>, else
/// <c>~/.cache/parallelgen/silo-jit</c>; the local application data folder on Windows), one file per application and
/// silo kind, or in the directory <c>PARALLELGEN_SILO_JIT_PROFILE</c> names (<c>off</c> disables it). The runtime checks
/// each recorded module's identity, so a profile from another build of an assembly is not used for it. Each silo records
/// into a file of its own and renames it over the shared one when done, so silos that start together never read a
/// half-written profile. Any failure (no home, read-only disk) leaves the silo without a profile; it starts as before.
/// </remarks>
internal static class SiloJitProfile
{
    internal const string Variable = "PARALLELGEN_SILO_JIT_PROFILE";

    /// <summary>How long after the silo is ready the recording stops if no batch has run by then.</summary>
    private static readonly TimeSpan RecordAfterReady = TimeSpan.FromSeconds(3);

    private static string? s_recording; // the file this silo records into
    private static string? s_final; // the shared profile it replaces when done
    private static int s_finished;

    /// <summary>Starts playing the application's profile (if any) and recording this start: first thing in the silo.</summary>
    /// <param name="kind">What makes this application's silos start differently (clustering kind, target assembly).</param>
    internal static void Start(string kind)
    {
        try
        {
            string? directory = Directory();
            if (directory is null || Environment.ProcessorCount < 2)
            {
                return; // multi-core JIT needs a second core
            }

            System.IO.Directory.CreateDirectory(directory);
            string key = Key(kind);
            string final = Path.Combine(directory, key + ".jitprofile");
            string recording = Path.Combine(directory, key + "." + Environment.ProcessId.ToString(CultureInfo.InvariantCulture) + ".tmp");
            RemoveStale(directory);
            if (File.Exists(final))
            {
                File.Copy(final, recording, overwrite: true); // the runtime plays the file it records into
            }

            ProfileOptimization.SetProfileRoot(directory);
            ProfileOptimization.StartProfile(Path.GetFileName(recording));
            (s_recording, s_final) = (recording, final);
            StartTrace.MarkSilo(File.Exists(final) ? "JIT profile playing" : "JIT profile recording (none yet)");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            // no profile: the silo starts as it would without one
        }
    }

    /// <summary>The silo is ready: the recording stops once its first batch has run, or a few seconds from now.</summary>
    internal static void SiloReady()
    {
        if (s_recording is not null)
        {
            _ = Task.Delay(RecordAfterReady).ContinueWith(_ => Finish(), TaskScheduler.Default);
        }
    }

    /// <summary>A batch has run here: the first one ends the recording (on a thread-pool thread, off the reply's path).</summary>
    internal static void BatchRan()
    {
        if (s_recording is not null && Volatile.Read(ref s_finished) == 0)
        {
            ThreadPool.UnsafeQueueUserWorkItem(_ => Finish(), null);
        }
    }

    private static void Finish()
    {
        if (Interlocked.Exchange(ref s_finished, 1) != 0 || s_recording is not { } recording || s_final is not { } final)
        {
            return;
        }

        try
        {
            ProfileOptimization.StartProfile(null); // stops the recording and writes the file
            if (new FileInfo(recording) is { Exists: true, Length: > 0 })
            {
                File.Move(recording, final, overwrite: true);
                StartTrace.MarkSilo("JIT profile written");
            }
            else
            {
                File.Delete(recording);
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // the next silo records again
        }
    }

    /// <summary>
    /// In the driver, once silo process <paramref name="processId"/> has exited: removes the recording it was killed
    /// before finishing (a finished one was renamed already).
    /// </summary>
    internal static void RemoveRecording(int processId)
    {
        try
        {
            if (Directory() is { } directory && System.IO.Directory.Exists(directory))
            {
                foreach (string file in System.IO.Directory.EnumerateFiles(directory, "*." + processId.ToString(CultureInfo.InvariantCulture) + ".tmp"))
                {
                    File.Delete(file);
                }
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // removed after an hour by the next silo that starts
        }
    }

    private static string? Directory()
    {
        string? setting = Environment.GetEnvironmentVariable(Variable);
        if (setting is "off" or "0")
        {
            return null;
        }

        return string.IsNullOrEmpty(setting) ? CacheDirectory("silo-jit") : setting;
    }

    /// <summary><paramref name="leaf"/> in the per-user cache directory (null without a home).</summary>
    internal static string? CacheDirectory(string leaf)
    {
        string? cache = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
        if (string.IsNullOrEmpty(cache))
        {
            string home = Environment.GetFolderPath(OperatingSystem.IsWindows() ? Environment.SpecialFolder.LocalApplicationData : Environment.SpecialFolder.UserProfile);
            if (string.IsNullOrEmpty(home))
            {
                return null;
            }

            cache = OperatingSystem.IsWindows() ? home : Path.Combine(home, ".cache");
        }

        return Path.Combine(cache, "parallelgen", leaf);
    }

    /// <summary>One profile per application (its executable and directory) and silo kind.</summary>
    internal static string Key(string kind)
    {
        string identity = string.Join('|', Environment.ProcessPath, AppContext.BaseDirectory, kind);
        byte[] hash = SHA256.HashData(Encoding.UTF8.GetBytes(identity));
        return Convert.ToHexStringLower(hash.AsSpan(0, 10));
    }

    /// <summary>Recordings of silos killed before they finished (an hour old) are removed.</summary>
    internal static void RemoveStale(string directory)
    {
        foreach (string file in System.IO.Directory.EnumerateFiles(directory, "*.tmp"))
        {
            try
            {
                if (File.GetLastWriteTimeUtc(file) < DateTime.UtcNow.AddHours(-1))
                {
                    File.Delete(file);
                }
            }
            catch (IOException)
            {
                // another silo removed it
            }
        }
    }
}
