using System;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Threading;

namespace ParallelGen.SharedMemory;

/// <summary>
/// Where shared arrays live and how their files are named, created and swept. A file is
/// <c>parallelgen-{owner pid}-{owner start time}-{random}.shm</c> in /dev/shm when it exists (memory, never the disk),
/// else in the temp folder. The owner (the parent process) deletes its files when a call ends or a
/// <see cref="SharedArray{T}"/> is disposed; files whose owner is dead (killed before it could) are deleted by the
/// next process that shares an array (<see cref="SweepOrphans"/>), so a crash leaks nothing for long.
/// </summary>
internal static class SharedMemoryFiles
{
    internal const string Prefix = "parallelgen-";
    internal const string Extension = ".shm";

    private static int s_swept;
    private static string? s_directory;
    private static string? s_ownerTag;

    /// <summary>/dev/shm when it is a writable directory, else the temp folder.</summary>
    internal static string Directory => s_directory ??= ChooseDirectory();

    /// <summary>This process's part of the name: <c>{pid}-{start time in Unix milliseconds}</c>.</summary>
    private static string OwnerTag => s_ownerTag ??= string.Create(
        CultureInfo.InvariantCulture, $"{Environment.ProcessId}-{StartTimeOf(Process.GetCurrentProcess())}");

    private static string ChooseDirectory()
    {
        const string shm = "/dev/shm";
        if (!OperatingSystem.IsWindows() && System.IO.Directory.Exists(shm))
        {
            try
            {
                string probe = Path.Combine(shm, $"{Prefix}probe-{Environment.ProcessId}-{Guid.NewGuid():N}");
                File.WriteAllBytes(probe, []);
                File.Delete(probe);
                return shm;
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // Not writable here (a locked-down container): the temp folder will do.
            }
        }

        return Path.GetTempPath();
    }

    /// <summary>A new file name owned by this process (sweeping dead owners' files the first time).</summary>
    internal static string NewPath()
    {
        if (Interlocked.Exchange(ref s_swept, 1) == 0)
        {
            SweepOrphans();
        }

        return Path.Combine(Directory, $"{Prefix}{OwnerTag}-{Guid.NewGuid():N}{Extension}");
    }

    /// <summary>
    /// Writes <paramref name="bytes"/> to a new file of this process and returns its path. The file is not readable
    /// by other users (0600 on Unix).
    /// </summary>
    internal static string Create(ReadOnlySpan<byte> bytes)
    {
        string path = NewPath();
        var options = new FileStreamOptions
        {
            Mode = FileMode.CreateNew,
            Access = FileAccess.Write,
            Share = FileShare.Read,
            BufferSize = 0,
            PreallocationSize = bytes.Length,
        };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        try
        {
            using var stream = new FileStream(path, options);
            stream.Write(bytes);
        }
        catch
        {
            TryDelete(path);
            throw;
        }

        return path;
    }

    /// <summary>
    /// True when <paramref name="path"/> names a shared-array file in <see cref="Directory"/>: a worker maps only
    /// such files, whatever a message says.
    /// </summary>
    internal static bool IsSharedFile(string path)
    {
        string name = Path.GetFileName(path);
        return name.StartsWith(Prefix, StringComparison.Ordinal)
            && name.EndsWith(Extension, StringComparison.Ordinal)
            && string.Equals(Path.GetDirectoryName(path), Path.TrimEndingDirectorySeparator(Directory), StringComparison.Ordinal)
            && name.IndexOf("..", StringComparison.Ordinal) < 0;
    }

    internal static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Someone else removed it, or it is still open on Windows: the sweep will retry once the owner is gone.
        }
    }

    /// <summary>
    /// Deletes the shared-array files whose owner process is gone (killed before it could delete them): the owner's
    /// pid and start time are in the name, so a reused pid does not keep a dead owner's files alive.
    /// </summary>
    /// <returns>How many files were deleted.</returns>
    internal static int SweepOrphans()
    {
        int deleted = 0;
        string[] files;
        try
        {
            files = System.IO.Directory.GetFiles(Directory, Prefix + "*" + Extension);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return 0;
        }

        foreach (string file in files)
        {
            if (TryParseOwner(Path.GetFileName(file), out int pid, out long started) && !IsAlive(pid, started))
            {
                TryDelete(file);
                deleted += File.Exists(file) ? 0 : 1;
            }
        }

        return deleted;
    }

    /// <summary>Reads <c>parallelgen-{pid}-{start}-{random}.shm</c>.</summary>
    internal static bool TryParseOwner(string name, out int pid, out long started)
    {
        pid = 0;
        started = 0;
        if (!name.StartsWith(Prefix, StringComparison.Ordinal) || !name.EndsWith(Extension, StringComparison.Ordinal))
        {
            return false;
        }

        string[] parts = name[Prefix.Length..^Extension.Length].Split('-');
        return parts.Length == 3
            && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out pid)
            && long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out started);
    }

    private static bool IsAlive(int pid, long started)
    {
        try
        {
            using Process process = Process.GetProcessById(pid);

            // The same pid with another start time is a new process that reused the number: the owner is dead.
            return !process.HasExited && Math.Abs(StartTimeOf(process) - started) <= 1000;
        }
        catch (ArgumentException)
        {
            return false; // no such process
        }
        catch (Exception ex) when (ex is InvalidOperationException or System.ComponentModel.Win32Exception or NotSupportedException)
        {
            return true; // cannot tell: keep the file
        }
    }

    private static long StartTimeOf(Process process) =>
        new DateTimeOffset(process.StartTime.ToUniversalTime()).ToUnixTimeMilliseconds();
}
