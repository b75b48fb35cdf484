using System;
using System.Collections.Generic;
using System.IO;
using System.Reflection;
using System.Runtime.InteropServices;

namespace ParallelGen.Backends.Processes;

/// <summary>
/// How to start a worker for methods declared in one assembly. The worker runs that assembly again, whose generated
/// module initializer turns the process into a worker before any user code (so <c>Main</c> never runs):
/// <list type="bullet">
/// <item>the assembly is the entry assembly of an apphost or single-file executable: that executable again;</item>
/// <item>otherwise (<c>dotnet app.dll</c>, <c>dotnet run</c>, a test assembly under <c>dotnet test</c>): <c>dotnet exec</c>
/// of the assembly with its own runtimeconfig.json and deps.json.</item>
/// </list>
/// </summary>
internal sealed record LaunchSpec(string FileName, IReadOnlyList<string> Arguments, string Key, string AssemblyName)
{
    [System.Diagnostics.CodeAnalysis.UnconditionalSuppressMessage(
        "SingleFile", "IL3000", Justification = "An empty Location (single-file) is handled: the entry executable is started instead.")]
    internal static LaunchSpec For(Assembly assembly)
    {
        string? processPath = Environment.ProcessPath;
        bool hostIsMuxer = processPath is not null
            && Path.GetFileNameWithoutExtension(processPath).Equals("dotnet", StringComparison.OrdinalIgnoreCase);
        bool isEntry = assembly == Assembly.GetEntryAssembly();
        string location = assembly.Location;

        if (isEntry && !hostIsMuxer && processPath is not null)
        {
            // apphost, self-contained or single-file: the executable itself.
            return new LaunchSpec(processPath, [], "exe:" + processPath, assembly.FullName!);
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
            throw new NotSupportedException(
                $"Backend.Processes starts workers by running the assembly that declares the method, but '{name}' has no " +
                $"{name}.runtimeconfig.json (it is a class library). Declare process-backend methods in the application or test project, " +
                "or set <GenerateRuntimeConfigurationFiles>true</GenerateRuntimeConfigurationFiles> in the library's project.");
        }

        var arguments = new List<string> { "exec", "--runtimeconfig", runtimeConfig };
        string deps = Path.Combine(directory, name + ".deps.json");
        if (File.Exists(deps))
        {
            arguments.Add("--depsfile");
            arguments.Add(deps);
        }

        arguments.Add(location);
        string host = FindDotnetHost(hostIsMuxer ? processPath : null);
        return new LaunchSpec(host, arguments, "dll:" + location, assembly.FullName!);
    }

    private static string FindDotnetHost(string? current)
    {
        if (current is not null)
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
