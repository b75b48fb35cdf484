using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using global::Orleans;
using global::Orleans.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using ParallelGen.Backends.Processes;
using ParallelGen.Internal;

namespace ParallelGen.Orleans;

/// <summary>
/// Silo processes on this machine, listening on 127.0.0.1 only, and a client connected to them: dask's
/// <c>LocalCluster</c>. The silos are the calling program started again with the ParallelGen.Orleans startup hook,
/// which makes them silos before <c>Main</c> (which never runs there). While it is alive it is the
/// <see cref="ClusterTarget.Default"/> cluster of <see cref="Backend.Cluster"/> calls. Silo 0 holds the membership
/// table (Orleans' development clustering): killing it leaves the others running their current work but unable to
/// agree on membership changes; use Redis clustering (<see cref="ClusterConnection"/>) where that matters.
/// </summary>
public sealed class LocalCluster : ClusterTarget, IAsyncDisposable
{
    private readonly IHost _clientHost;
    private readonly Silo[] _silos;
    private int _disposed;

    private LocalCluster(IHost clientHost, Silo[] silos)
        : base(clientHost.Services.GetRequiredService<IClusterClient>(), Environment.ProcessorCount)
    {
        _clientHost = clientHost;
        _silos = silos;
        foreach (Silo silo in silos)
        {
            silo.Process.EnableRaisingEvents = true;
            string address = silo.AddressPrefix;
            silo.Process.Exited += (_, _) => MarkSiloEndpointDead(address);
            if (silo.Process.HasExited)
            {
                MarkSiloEndpointDead(address);
            }
        }
    }

    /// <summary>The process ids of the live silos, in start order.</summary>
    public IReadOnlyList<int> SiloProcessIds => [.. _silos.Where(s => !s.Killed && !s.Process.HasExited).Select(s => s.Process.Id)];

    /// <inheritdoc/>
    internal override string? Unavailable =>
        SiloProcessIds.Count == 0 ? $"every silo of the LocalCluster ({_silos.Length}) has exited or was killed" : null;

    /// <inheritdoc/>
    public override int SiloCount => Math.Max(1, _silos.Count(s => !s.Killed && !s.Process.HasExited));

    /// <summary>How long starting the silos and connecting may take (default 60 s).</summary>
    public static TimeSpan StartTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// How long a silo of a cluster started afterwards waits for another's answer to a membership probe (default 1 s).
    /// A silo that misses <see cref="MissedProbesLimit"/> probes in a row is declared dead: the membership, and so the
    /// placement of new slots, drops it. (A <see cref="LocalCluster"/> re-runs a killed silo's batches as soon as its
    /// process exits, before that.) Raise both on a machine so loaded that live silos miss probes.
    /// </summary>
    public static TimeSpan ProbeTimeout
    {
        get => s_probeTimeout;
        set => s_probeTimeout = value > TimeSpan.Zero ? value : throw new ArgumentOutOfRangeException(nameof(value), value, "ProbeTimeout must be positive.");
    }

    /// <summary>How many probes in a row a silo may miss before it is declared dead (default 2); see <see cref="ProbeTimeout"/>.</summary>
    public static int MissedProbesLimit
    {
        get => s_missedProbes;
        set => s_missedProbes = value > 0 ? value : throw new ArgumentOutOfRangeException(nameof(value), value, "MissedProbesLimit must be at least 1.");
    }

    private static TimeSpan s_probeTimeout = ClusterSettings.DefaultProbeTimeout;
    private static int s_missedProbes = ClusterSettings.DefaultMissedProbesLimit;

    /// <summary>
    /// Starts <paramref name="silos"/> silo processes of the calling program on 127.0.0.1 and connects a client. The
    /// silos load the calling assembly, so the <c>[Parallelize(Backend = Backend.Cluster)]</c> methods it declares
    /// (and those of assemblies it references, loaded on first use) run there.
    /// </summary>
    /// <param name="silos">How many silo processes (at least 1).</param>
    /// <param name="cancellationToken">Stops the start; started silos are killed.</param>
    /// <returns>The cluster, once every silo has joined; it is the default cluster until disposed.</returns>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static Task<LocalCluster> StartAsync(int silos, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(silos, 1);
        return StartAsync(silos, Assembly.GetCallingAssembly(), cancellationToken);
    }

    private static async Task<LocalCluster> StartAsync(int count, Assembly assembly, CancellationToken cancellationToken)
    {
        LaunchSpec spec = LaunchSpec.For(assembly);
        string clusterId = "parallelgen-" + Environment.ProcessId.ToString(CultureInfo.InvariantCulture) + "-" + Guid.NewGuid().ToString("N")[..8];
        int[] ports = FreePorts(count * 2);
        var silos = new List<Silo>();
        IHost? client = null;
        try
        {
            for (int i = 0; i < count; i++)
            {
                silos.Add(Silo.Start(spec, i, ports[2 * i], ports[2 * i + 1], primaryPort: ports[0], clusterId));
            }

            int[] gateways = [.. Enumerable.Range(0, count).Select(i => ports[2 * i + 1])];
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(StartTimeout);
            await WaitForSilosReadyAsync(silos, timeout.Token).ConfigureAwait(false);

            // A client whose first connection races the silos' start can stay stuck fetching the cluster manifest:
            // each attempt gets a fresh client and a bounded time.
            for (int attempt = 1; ; attempt++)
            {
                client = BuildClient(gateways, clusterId);
                using var attemptTimeout = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token);
                attemptTimeout.CancelAfter(TimeSpan.FromSeconds(15));
                try
                {
                    await client.StartAsync(attemptTimeout.Token).ConfigureAwait(false);
                    break;
                }
                catch (OperationCanceledException) when (!timeout.IsCancellationRequested && attempt < 4)
                {
                    client.Dispose();
                    client = null;
                }
            }

            var cluster = new LocalCluster(client, [.. silos]);
            await cluster.WaitForSilosAsync(count, StartTimeout, cancellationToken).ConfigureAwait(false);
            cluster.BecomeDefault();
            return cluster;
        }
        catch
        {
            client?.Dispose();
            foreach (Silo silo in silos)
            {
                silo.Kill();
            }

            throw;
        }
    }

    private static IHost BuildClient(int[] gateways, string clusterId)
    {
        HostApplicationBuilder builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.ClearProviders();
        builder.UseOrleansClient(c =>
        {
            c.UseLocalhostClustering(gateways, clusterId, clusterId);
            ClusterSettings.ConfigureClient(c);
        });
        return builder.Build();
    }

    /// <summary>
    /// Waits until every silo has written <see cref="SiloHost.ReadyLine"/> (its host has started: it joined the
    /// cluster and its gateway is open); a silo that exits makes the start fail with its output.
    /// </summary>
    private static async Task WaitForSilosReadyAsync(List<Silo> silos, CancellationToken cancellationToken)
    {
        foreach (Silo silo in silos)
        {
            Task exited = silo.Process.WaitForExitAsync(cancellationToken);
            if (await Task.WhenAny(silo.Ready, exited).ConfigureAwait(false) != silo.Ready)
            {
                cancellationToken.ThrowIfCancellationRequested();
                throw new InvalidOperationException(
                    $"Silo {silo.Index} (process {silo.Process.Id}) exited with code {silo.Process.ExitCode} while starting:{Environment.NewLine}{silo.Output}");
            }
        }
    }

    /// <summary>Kills silo <paramref name="index"/> (SIGKILL, in start order): fault drills and tests.</summary>
    /// <param name="index">The silo's position in start order.</param>
    /// <returns>A task that completes once the process has exited.</returns>
    public async Task KillSiloAsync(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, _silos.Length);
        Silo silo = _silos[index];
        silo.Kill();
        await silo.Process.WaitForExitAsync().ConfigureAwait(false);
        MarkSiloEndpointDead(silo.AddressPrefix);
    }

    /// <summary>Disconnects the client and kills every silo; the default cluster is then none (or another one).</summary>
    /// <returns>A task that completes once every silo process has exited.</returns>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        StopBeingDefault();
        foreach (Silo silo in _silos)
        {
            silo.Kill();
        }

        try
        {
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            await _clientHost.StopAsync(cts.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // the silos are gone: nothing to wait for
        }

        _clientHost.Dispose();
        foreach (Silo silo in _silos)
        {
            await silo.Process.WaitForExitAsync().ConfigureAwait(false);
            silo.Process.Dispose();
        }
    }

    private static int[] FreePorts(int count)
    {
        var listeners = new List<TcpListener>();
        try
        {
            for (int i = 0; i < count; i++)
            {
                var listener = new TcpListener(IPAddress.Loopback, 0);
                listener.Start();
                listeners.Add(listener);
            }

            return [.. listeners.Select(l => ((IPEndPoint)l.LocalEndpoint).Port)];
        }
        finally
        {
            foreach (TcpListener listener in listeners)
            {
                listener.Stop();
            }
        }
    }

    private sealed class Silo
    {
        private const int OutputLines = 40;
        private readonly LineTail _output = new(OutputLines);
        private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);

        private Silo(int index, Process process, int siloPort)
        {
            Index = index;
            Process = process;
            AddressPrefix = $"S127.0.0.1:{siloPort.ToString(CultureInfo.InvariantCulture)}:";
        }

        /// <summary>How its Orleans silo address starts (<c>S127.0.0.1:port:</c>; the generation follows).</summary>
        internal string AddressPrefix { get; }

        internal int Index { get; }

        internal Process Process { get; }

        internal bool Killed { get; private set; }

        internal string Output => _output.ToString();

        /// <summary>Completes when the silo has written <see cref="SiloHost.ReadyLine"/>.</summary>
        internal Task Ready => _ready.Task;

        internal static Silo Start(LaunchSpec spec, int index, int siloPort, int gatewayPort, int primaryPort, string clusterId)
        {
            var info = new ProcessStartInfo(spec.FileName)
            {
                UseShellExecute = false,
                RedirectStandardInput = true,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                CreateNoWindow = true,
                StandardOutputEncoding = Encoding.UTF8,
                StandardErrorEncoding = Encoding.UTF8,
            };
            foreach (string argument in spec.Arguments)
            {
                info.ArgumentList.Add(argument);
            }

            string? hooks = Environment.GetEnvironmentVariable("DOTNET_STARTUP_HOOKS");
            info.Environment["DOTNET_STARTUP_HOOKS"] = string.IsNullOrEmpty(hooks) ? "ParallelGen.Orleans" : hooks + System.IO.Path.PathSeparator + "ParallelGen.Orleans";
            info.Environment[SiloHost.SiloVariable] = "1";
            info.Environment[SiloHost.AssemblyVariable] = spec.AssemblyName;
            info.Environment[SiloHost.AddressVariable] = "127.0.0.1";
            info.Environment[SiloHost.SiloPortVariable] = siloPort.ToString(CultureInfo.InvariantCulture);
            info.Environment[SiloHost.GatewayPortVariable] = gatewayPort.ToString(CultureInfo.InvariantCulture);
            info.Environment[SiloHost.PrimaryPortVariable] = primaryPort.ToString(CultureInfo.InvariantCulture);
            info.Environment[SiloHost.ClusterIdVariable] = clusterId;
            info.Environment[SiloHost.ParentVariable] = Environment.ProcessId.ToString(CultureInfo.InvariantCulture);
            info.Environment.Remove(SiloHost.RedisVariable);
            info.Environment[ClusterSettings.ProbeTimeoutVariable] = ((long)ProbeTimeout.TotalMilliseconds).ToString(CultureInfo.InvariantCulture);
            info.Environment[ClusterSettings.MissedProbesVariable] = MissedProbesLimit.ToString(CultureInfo.InvariantCulture);
            info.Environment[ClusterSettings.ResponseTimeoutVariable] = ((long)Math.Ceiling(ResponseTimeout.TotalSeconds)).ToString(CultureInfo.InvariantCulture);

            // Without dynamic PGO a silo compiles its hot start-up code once more (optimized) instead of twice (instrumented,
            // then optimized): on the loaded 2-core machine 3 idle silos still spent 0.3-0.8 CPU-s per 2 s a minute after
            // start with it, 0.1-0.2 from 20 s on without it (docs/benchmarks/cluster.md). A value the program was started
            // with is kept.
            info.Environment.TryAdd("DOTNET_TieredPGO", "0");

            Process process = Process.Start(info) ?? throw new InvalidOperationException($"Could not start '{spec.FileName}' as a silo.");
            var silo = new Silo(index, process, siloPort);
            process.OutputDataReceived += (_, e) => silo.Add(e.Data);
            process.ErrorDataReceived += (_, e) => silo.Add(e.Data);
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            return silo;
        }

        internal void Kill()
        {
            Killed = true;
            try
            {
                Process.Kill(entireProcessTree: true);
            }
            catch (InvalidOperationException)
            {
                // already exited
            }
        }

        private void Add(string? line)
        {
            if (line is not null && line.StartsWith(SiloHost.ReadyLine, StringComparison.Ordinal))
            {
                _ready.TrySetResult();
            }

            _output.Add(line);
        }
    }
}
