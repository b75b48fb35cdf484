using System;
using System.Reflection;
using System.Runtime.InteropServices;

namespace ParallelGen.Backends.Processes;

/// <summary>
/// The C library calls of the process backend (Unix), in one class whose static constructor binds the name "libc"
/// before the first of them runs. Unbound, the runtime looks "libc" up the generic way at the first call: libc.so
/// (on glibc a linker script, which fails to load), liblibc.so and libc, each in the application's folder and along
/// the whole library search path — about forty failed opens in the parent and in every worker on their start path,
/// holding the dynamic loader's lock while they last. On glibc (Linux) the name is bound to the already loaded
/// libc.so.6 at once; elsewhere (macOS, musl) the runtime's own lookup still runs.
/// </summary>
internal static partial class Libc
{
    private const string Name = "libc";

    // An explicit static constructor runs before the first call of any method below, the generated P/Invoke stubs
    // included.
    static Libc()
    {
        try
        {
            NativeLibrary.SetDllImportResolver(typeof(Libc).Assembly, Resolve);
        }
        catch (InvalidOperationException)
        {
            // A resolver for this assembly is set already: its lookup stands.
        }
    }

    private static IntPtr Resolve(string libraryName, Assembly assembly, DllImportSearchPath? searchPath) =>
        libraryName == Name && OperatingSystem.IsLinux() && NativeLibrary.TryLoad("libc.so.6", out IntPtr handle) ? handle : IntPtr.Zero;

    [LibraryImport(Name, EntryPoint = "fcntl")]
    internal static partial int Fcntl(int fd, int command, int argument);

    [LibraryImport(Name, EntryPoint = "dup2")]
    internal static partial int Dup2(int oldFd, int newFd);

    [LibraryImport(Name, EntryPoint = "open", StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int Open(string path, int flags);

    [LibraryImport(Name, EntryPoint = "close")]
    internal static partial int Close(int fd);

    [LibraryImport(Name, EntryPoint = "poll", SetLastError = true)]
    internal static partial int Poll(ref PollEntry entries, nuint count, int timeoutMilliseconds);

    [LibraryImport(Name, EntryPoint = "kill", SetLastError = true)]
    internal static partial int Kill(int pid, int signal);

    [LibraryImport(Name, EntryPoint = "setpriority", SetLastError = true)]
    internal static partial int SetPriority(int which, int who, int priority);

    [LibraryImport(Name, EntryPoint = "prctl")]
    internal static partial int Prctl(int option, nuint arg2, nuint arg3, nuint arg4, nuint arg5);

    [LibraryImport(Name, EntryPoint = "readlink")]
    internal static unsafe partial nint ReadLink(byte* path, byte* buffer, nint size);

    [LibraryImport(Name, EntryPoint = "getppid")]
    internal static partial int GetParentProcessId();

    /// <summary>C's <c>struct pollfd</c>.</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct PollEntry
    {
        public int Descriptor;
        public short Events;
        public short ReturnedEvents;
    }
}
