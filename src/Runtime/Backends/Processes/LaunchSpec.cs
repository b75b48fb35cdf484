using System;
using System.Collections.Generic;
using System.IO;
using System.Reflection;
using System.Runtime.InteropServices;

namespace ParallelGen.Backends.Processes;

/// <summary>
/// How to start a worker for methods declared in one assembly. The worker runs that assembly again with the ParallelGen
/// startup hook, which loads it, runs its generated registration and serves calls before any user code (so <c>Main</c>
/// never runs):
/// <list type="bullet">
/// <item>the assembly is the entry assembly of an apphost or single-file executable: that executable again;</item>
/// <item>otherwise (<c>dotnet app.dll</c>, <c>dotnet run</c>, a test assembly under <c>dotnet test</c>): <c>dotnet exec</c>
/// of the assembly with its own runtimeconfig.json and deps.json;</item>
/// <item>a class library (no runtimeconfig.json): the application that loaded it, started as above, or an application
/// built next to it whose deps.json lists it; the worker then loads the library by name.</item>
/// </list>
/// </summary>
internal sealed record LaunchSpec(string FileName, IReadOnlyList<string> Arguments, string Key, string AssemblyName)
{
    /// <summary>
    /// Whether the worker runs <c>ParallelGen.Worker.dll</c> (<see cref="WorkerServer.WorkerProgramFileName"/>) with the
    /// application's runtimeconfig.json and deps.json rather than the application itself with the startup hook. A JIT
    /// worker then starts ~20 ms of CPU sooner: the runtime finds a startup hook with <c>Assembly.GetType(string)</c>,
    /// whose first use costs that much (docs/benchmarks/processes.md, "A worker program instead of the startup hook").
    /// </summary>
    internal bool RunsWorkerProgram { get; init; }

    /// <summary>Tests only: launch with the startup hook even where the worker program is next to the application.</summary>
    internal static bool UseStartupHookOnly { get; set; }

    [System.Diagnostics.CodeAnalysis.UnconditionalSuppressMessage(
        "SingleFile", "IL3000", Justification = "An empty Location (single-file) is handled: the entry executable is started instead.")]
    internal static LaunchSpec For(Assembly assembly)
    {
        string? processPath = ProcessPath;
        bool isEntry = assembly == Assembly.GetEntryAssembly();
        string location = assembly.Location;

        if ((isEntry || (WorkerServer.EntersFromModuleInitializer && string.IsNullOrEmpty(location))) && RunningMuxer() is null && processPath is not null)
        {
            // A framework-dependent apphost: its application dll, run by the installation's dotnet host through the
            // worker program. Self-contained and single-file applications have no dotnet host to run it: themselves again.
            if (isEntry && !WorkerServer.EntersFromModuleInitializer && !string.IsNullOrEmpty(location) && InstalledMuxer() is { } muxer)
            {
                string config = Path.ChangeExtension(location, ".runtimeconfig.json");
                if (File.Exists(config) && ExecSpec(location, config, assembly.FullName!, "dll:" + location, muxer) is { RunsWorkerProgram: true } exec)
                {
                    return exec;
                }
            }

            // apphost, self-contained or single-file: the executable itself. In Native AOT every assembly is part of
            // the executable, whose generated worker entries pick the target assembly.
            return new LaunchSpec(processPath, [], "exe:" + processPath + (isEntry ? "" : "|" + assembly.FullName), assembly.FullName!);
        }

        if (string.IsNullOrEmpty(location))
        {
            throw new NotSupportedException(
                $"Backend.Processes needs the assembly '{assembly.GetName().Name}' on disk, or to be the entry assembly of a single-file application.");
        }

        string directory = Path.GetDirectoryName(location)!;
        string name = Path.GetFileNameWithoutExtension(location);
        string runtimeConfig = Path.Combine(directory, name + ".runtimeconfig.json");
        if (!File.Exists(runtimeConfig))
        {
            // A class library: the worker runs an application that can load it (the running application, or one
            // built next to the library), whose startup hook then loads the library by name; Main still never runs.
            return ForLibrary(assembly, directory)
                ?? throw new NotSupportedException(
                    $"Backend.Processes starts workers by running the assembly that declares the method, or for a class library " +
                    $"an application next to it, but '{name}' has no {name}.runtimeconfig.json and no application that could load it " +
                    $"was found in '{directory}'. Declare process-backend methods in the application or test project, or set " +
                    "<GenerateRuntimeConfigurationFiles>true</GenerateRuntimeConfigurationFiles> in the library's project.");
        }

        return ExecSpec(location, runtimeConfig, assembly.FullName!, "dll:" + location);
    }

    /// <summary>
    /// The launch of an application that can load <paramref name="library"/>: the entry application if it has what it
    /// needs to start, otherwise an application built into the library's directory (for example the test project
    /// next to a library under <c>dotnet test</c>).
    /// </summary>
    private static LaunchSpec? ForLibrary(Assembly library, string directory)
    {
        string target = library.FullName!;
        Assembly? entry = Assembly.GetEntryAssembly();
        if (entry is not null && entry != library)
        {
            try
            {
                LaunchSpec app = For(entry);
                return app with { AssemblyName = target, Key = app.Key + "|" + target };
            }
            catch (NotSupportedException)
            {
                // The entry application cannot be started again as it is (no runtimeconfig): look next to the library.
            }
        }

        foreach (string config in Directory.EnumerateFiles(directory, "*.runtimeconfig.json"))
        {
            string app = config.Substring(0, config.Length - ".runtimeconfig.json".Length) + ".dll";
            string deps = Path.ChangeExtension(app, ".deps.json");
            if (File.Exists(app) && File.Exists(deps) && File.ReadAllText(deps).Contains($"\"{library.GetName().Name}/", StringComparison.Ordinal))
            {
                return ExecSpec(app, config, target, "dll:" + app + "|" + target);
            }
        }

        return null;
    }

    /// <summary><c>dotnet exec</c> of an application with its runtimeconfig.json and deps.json.</summary>
    /// <remarks>
    /// A JIT worker runs the worker program next to the application (<see cref="RunsWorkerProgram"/>) when it is there —
    /// the package's build targets and project references copy it — and the application itself with the startup hook
    /// otherwise. The worker program must sit in the application's directory: the host resolves the deps.json's
    /// assets against the directory of the program it runs.
    /// </remarks>
    private static LaunchSpec ExecSpec(string location, string runtimeConfig, string assemblyName, string key, string? host = null)
    {
        string directory = Path.GetDirectoryName(location)!;
        string name = Path.GetFileNameWithoutExtension(location);
        var arguments = new List<string> { "exec", "--runtimeconfig", runtimeConfig };
        string deps = Path.Combine(directory, name + ".deps.json");
        if (File.Exists(deps))
        {
            arguments.Add("--depsfile");
            arguments.Add(deps);
        }

        string program = Path.Combine(directory, WorkerServer.WorkerProgramFileName);
        bool runsProgram = !UseStartupHookOnly && !WorkerServer.EntersFromModuleInitializer && File.Exists(program);
        arguments.Add(runsProgram ? program : location);
        return new LaunchSpec(host ?? FindDotnetHost(), arguments, key, assemblyName) { RunsWorkerProgram = runsProgram };
    }

    /// <summary>
    /// The <c>dotnet</c> host of the shared framework this process runs on (<c>&lt;root&gt;/shared/Microsoft.NETCore.App/&lt;version&gt;/</c>
    /// → <c>&lt;root&gt;/dotnet</c>), or null: a self-contained application has no shared framework and maybe no host.
    /// </summary>
    private static string? InstalledMuxer()
    {
        string runtime = Path.TrimEndingDirectorySeparator(RuntimeEnvironment.GetRuntimeDirectory());
        DirectoryInfo? framework = Directory.GetParent(runtime);
        if (framework is null || !framework.Name.Equals("Microsoft.NETCore.App", StringComparison.Ordinal) || framework.Parent is not { Name: "shared" } shared || shared.Parent is null)
        {
            return null;
        }

        string muxer = Path.Combine(shared.Parent.FullName, RuntimeInformation.IsOSPlatform(OSPlatform.Windows) ? "dotnet.exe" : "dotnet");
        return File.Exists(muxer) ? muxer : null;
    }

    /// <summary>
    /// <see cref="Environment.ProcessPath"/>, read on Linux without most of its first-call cost: the path comes from
    /// <c>/proc/self/exe</c> as there, but the framework decodes it as UTF-8, and a process's first UTF-8 (or ASCII)
    /// decoding compiles vectorized transcoding code (5–7 ms of the thread's CPU), which an ASCII path does not need:
    /// it is widened byte by byte (~1.4 ms). The environment copy of the first launch still decodes, so the launch path
    /// gains ~2.5 ms net (docs/benchmarks/processes.md, "The first process call launches first"). Any other path, or
    /// any other system, asks the framework.
    /// </summary>
    private static string? ProcessPath => s_processPath ??= ReadProcessPath() ?? Environment.ProcessPath;

    private static string? s_processPath;

    private static unsafe string? ReadProcessPath()
    {
        if (!OperatingSystem.IsLinux())
        {
            return null;
        }

        const int Size = 4096;
        byte* buffer = stackalloc byte[Size];
        nint length;
        fixed (byte* link = "/proc/self/exe\0"u8)
        {
            length = Libc.ReadLink(link, buffer, Size);
        }

        if (length <= 0 || length >= Size)
        {
            return null;
        }

        Span<char> path = length <= 512 ? stackalloc char[(int)length] : new char[length];
        for (int i = 0; i < path.Length; i++)
        {
            byte b = buffer[i];
            if (b >= 0x80)
            {
                return null; // not ASCII: the framework decodes it
            }

            path[i] = (char)b;
        }

        return new string(path);
    }

    /// <summary>The path of the <c>dotnet</c> host running this process, or null (an apphost or single-file executable).</summary>
    private static string? RunningMuxer() =>
        ProcessPath is { } path && Path.GetFileNameWithoutExtension(path).Equals("dotnet", StringComparison.OrdinalIgnoreCase)
            ? path
            : null;

    private static string FindDotnetHost()
    {
        if (RunningMuxer() is { } current)
        {
            return current;
        }

        string exe = RuntimeInformation.IsOSPlatform(OSPlatform.Windows) ? "dotnet.exe" : "dotnet";
        foreach (string? candidate in new[]
        {
            Environment.GetEnvironmentVariable("DOTNET_HOST_PATH"),
            Environment.GetEnvironmentVariable("DOTNET_ROOT") is { Length: > 0 } root ? Path.Combine(root, exe) : null,
            Path.GetFullPath(Path.Combine(RuntimeEnvironment.GetRuntimeDirectory(), "..", "..", "..", exe)),
        })
        {
            if (!string.IsNullOrEmpty(candidate) && File.Exists(candidate))
            {
                return candidate;
            }
        }

        return exe;
    }
}
