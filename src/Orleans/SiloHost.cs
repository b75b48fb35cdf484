using System;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Threading;
using global::Orleans;
using global::Orleans.Configuration;
using global::Orleans.Runtime;
using global::Orleans.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace ParallelGen.Orleans;

/// <summary>
/// A silo inside the user's own program. The program is started with the ParallelGen.Orleans startup hook and
/// <c>PARALLELGEN_SILO=1</c> (a <see cref="LocalCluster"/> starts the worker program, <c>ParallelGen.Worker.dll</c>, with
/// the program's runtimeconfig and deps.json instead, where it is next to the program: <see cref="SiloProgramEntry"/>);
/// the hook loads the assembly that declares the methods (its generated module initializer registers them), runs the
/// silo until the process is stopped, and exits: <c>Main</c> never runs.
/// The settings are environment variables (docs/cluster.md lists them).
/// </summary>
internal static class SiloHost
{
    internal const string SiloVariable = "PARALLELGEN_SILO";
    internal const string AssemblyVariable = "PARALLELGEN_SILO_ASSEMBLY";
    internal const string AddressVariable = "PARALLELGEN_SILO_ADDRESS";
    internal const string SiloPortVariable = "PARALLELGEN_SILO_PORT";
    internal const string GatewayPortVariable = "PARALLELGEN_GATEWAY_PORT";
    internal const string PrimaryPortVariable = "PARALLELGEN_PRIMARY_SILO_PORT";
    internal const string RedisVariable = "PARALLELGEN_CLUSTER_REDIS";
    internal const string ClusterIdVariable = "PARALLELGEN_CLUSTER_ID";
    internal const string SlotsVariable = "PARALLELGEN_SILO_SLOTS";
    internal const string ParentVariable = "PARALLELGEN_SILO_PARENT_PID";

    /// <summary>
    /// <c>1</c>: the silo waits for a line on its standard input before it loads anything (a <see cref="LocalCluster"/>
    /// holds back the silos beyond the first until its first results, so they do not compete with silo 0's start).
    /// </summary>
    internal const string HoldVariable = "PARALLELGEN_SILO_HOLD";

    /// <summary>
    /// The line a silo writes to its standard output once it has started (joined the cluster, gateway open), with its
    /// Orleans address: a <see cref="LocalCluster"/> gives the silo its slots then (and returns from its start when silo
    /// 0 has written it).
    /// </summary>
    internal const string ReadyLine = "ParallelGen silo ready";

    private static string s_description = "";

    /// <summary>The silo's Orleans address in its <see cref="ReadyLine"/> (<c>ParallelGen silo ready: S127.0.0.1:port:generation …</c>).</summary>
    internal static string AddressOfReadyLine(string line)
    {
        string rest = line[ReadyLine.Length..].TrimStart(':', ' ');
        int space = rest.IndexOf(' ', StringComparison.Ordinal);
        return space < 0 ? rest : rest[..space];
    }

    /// <summary>How error messages name this silo: host, address, port and process id.</summary>
    internal static string Describe() =>
        s_description.Length > 0 ? s_description : $"{Environment.MachineName} (process {Environment.ProcessId})";

    internal static void RunFromStartupHook()
    {
        if (Environment.GetEnvironmentVariable(SiloVariable) != "1")
        {
            return;
        }

        RunSilo("runtime started, startup hook entered");
    }

    /// <summary>
    /// A <see cref="LocalCluster"/>'s silo started as the worker program (<see cref="SiloProgramEntry"/>): the same as
    /// the startup hook, without the hook's cost at start (~20 ms of CPU: the runtime finds a hook by type name).
    /// </summary>
    internal static int RunFromWorkerProgram()
    {
        RunSilo("runtime started, worker program entered");
        return 0; // not reached: RunSilo exits the process
    }

    private static void RunSilo(string firstMark)
    {
        // Processes this silo starts must not become silos themselves.
        Environment.SetEnvironmentVariable(SiloVariable, null);
        Environment.SetEnvironmentVariable("DOTNET_STARTUP_HOOKS", null);
        StartTrace.MarkSilo(firstMark);
        if (Get(HoldVariable) == "1")
        {
            if (Console.In.ReadLine() is null)
            {
                Environment.Exit(0); // the driver is gone before it released this silo
            }

            StartTrace.MarkSilo("released by the driver");
        }

        SiloJitProfile.Start((Get(RedisVariable) is null ? "local " : "redis ") + Get(AssemblyVariable));
        int exitCode;
        try
        {
            exitCode = Run();
        }
        catch (Exception ex)
        {
            Console.Error.WriteLine($"ParallelGen silo failed: {ex}");
            exitCode = 3;
        }

        Environment.Exit(exitCode);
    }

    private static int Run()
    {
        string? target = Environment.GetEnvironmentVariable(AssemblyVariable);
        Assembly assembly = string.IsNullOrEmpty(target)
            ? Assembly.GetEntryAssembly() ?? throw new InvalidOperationException("No entry assembly and no " + AssemblyVariable + ".")
            : Assembly.Load(new AssemblyName(target));
        RuntimeHelpers.RunModuleConstructor(assembly.ManifestModule.ModuleHandle);
        StartTrace.MarkSilo("user assembly loaded, methods registered");

        IPAddress address = IPAddress.Parse(Get(AddressVariable) ?? "127.0.0.1");
        int siloPort = int.Parse(Get(SiloPortVariable) ?? "11111", CultureInfo.InvariantCulture);
        int gatewayPort = int.Parse(Get(GatewayPortVariable) ?? "30000", CultureInfo.InvariantCulture);
        string clusterId = Get(ClusterIdVariable) ?? "parallelgen";
        string? redis = Get(RedisVariable);
        s_description = $"{Environment.MachineName} {address}:{siloPort} (process {Environment.ProcessId})";

        SiloCounters.CountGatewayMessages();
        HostApplicationBuilder builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.ClearProviders();
        if (StartTrace.Logs)
        {
            builder.Logging.AddProvider(new StartTrace.LogProvider("silo " + siloPort.ToString(CultureInfo.InvariantCulture)));
        }

        builder.UseOrleans(silo =>
        {
            if (redis is null)
            {
                int primary = int.Parse(Get(PrimaryPortVariable) ?? siloPort.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
                silo.UseLocalhostClustering(siloPort, gatewayPort, new IPEndPoint(address, primary), clusterId, clusterId);
            }
            else
            {
                silo.UseRedisClustering(redis);
                silo.Configure<ClusterOptions>(o => (o.ClusterId, o.ServiceId) = (clusterId, clusterId));
            }

            silo.Configure<EndpointOptions>(o =>
            {
                o.AdvertisedIPAddress = address;
                o.SiloPort = siloPort;
                o.GatewayPort = gatewayPort;
                o.SiloListeningEndpoint = new IPEndPoint(address, siloPort);
                o.GatewayListeningEndpoint = new IPEndPoint(address, gatewayPort);
            });
            ClusterSettings.ConfigureSilo(silo);
            if (StartTrace.Enabled)
            {
                silo.Services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>, StartTrace.LifecycleMarks>();
            }
        });

        StartTrace.MarkSilo("host configured");
        using IHost host = builder.Build();
        StartTrace.MarkSilo("host built");
        using var stop = new CancellationTokenSource();
        StartParentWatch(stop);
        host.StartAsync(stop.Token).GetAwaiter().GetResult();
        StartTrace.MarkSilo("host started");
        string siloAddress = host.Services.GetRequiredService<ILocalSiloDetails>().SiloAddress.ToString();
        Console.Out.WriteLine($"{ReadyLine}: {siloAddress} {s_description}");
        Console.Out.Flush();
        SiloJitProfile.SiloReady();
        host.WaitForShutdownAsync(stop.Token).GetAwaiter().GetResult();
        return 0;
    }

    /// <summary>A silo of a <see cref="LocalCluster"/> never outlives the program that started it.</summary>
    private static void StartParentWatch(CancellationTokenSource stop)
    {
        if (!int.TryParse(Get(ParentVariable), NumberStyles.Integer, CultureInfo.InvariantCulture, out int parent))
        {
            return;
        }

        var thread = new Thread(() =>
        {
            while (true)
            {
                Thread.Sleep(500);
                try
                {
                    using Process process = Process.GetProcessById(parent);
                    if (process.HasExited)
                    {
                        break;
                    }
                }
                catch (ArgumentException)
                {
                    break;
                }
            }

            Environment.Exit(0); // the parent is gone: no graceful shutdown to wait for
        })
        { IsBackground = true, Name = "ParallelGen silo parent watch" };
        thread.Start();
    }

    private static string? Get(string name) => Environment.GetEnvironmentVariable(name) is { Length: > 0 } value ? value : null;
}
