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
using global::Orleans.Configuration;
using global::Orleans.Hosting;
using global::Orleans.Messaging;
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
    private int _released;

    private LocalCluster(IHost clientHost, Silo[] silos, StartTrace? trace)
        : base(clientHost.Services.GetRequiredService<IClusterClient>(), Environment.ProcessorCount)
    {
        _clientHost = clientHost;
        _silos = silos;
        Trace = trace;
        foreach (Silo silo in silos)
        {
            silo.Process.EnableRaisingEvents = true;
            silo.Process.Exited += (_, _) => OnSiloExited(silo);
            if (silo.Process.HasExited)
            {
                OnSiloExited(silo);
            }
        }

        AllSilosJoined = Task.WhenAll(silos.Select(JoinAsync));

        async Task JoinAsync(Silo silo) => SiloJoined(await silo.Joined.ConfigureAwait(false));
    }

    /// <summary>
    /// Completes when every silo has joined the cluster. <see cref="StartAsync(int, CancellationToken)"/> returns once the
    /// first silo has joined and the client is connected; the others join while the first calls run, and their slots
    /// take batches as they come (calls already running included). Awaiting this is only needed to know that they all
    /// did (a silo that exits before joining faults it with that silo's output).
    /// </summary>
    public Task AllSilosJoined { get; }

    /// <inheritdoc/>
    private protected override bool ReportsSilos => true;

    /// <summary>How many of the silos have joined the cluster so far (their slots take batches).</summary>
    public int JoinedSiloCount => _silos.Count(s => s.Joined.IsCompletedSuccessfully);

    private void OnSiloExited(Silo silo)
    {
        silo.ExitSeen = true;
        MarkSiloEndpointDead(silo.AddressPrefix);
        silo.Exited();
        if (silo.Index == 0)
        {
            // Silo 0 holds the membership table (development clustering): a silo that has not joined yet never will.
            foreach (Silo other in _silos)
            {
                if (!other.Joined.IsCompleted)
                {
                    other.Kill();
                }
            }
        }
    }

    /// <summary>The process ids of the live silos, in start order.</summary>
    public IReadOnlyList<int> SiloProcessIds => [.. _silos.Where(s => !s.Killed && !s.Process.HasExited).Select(s => s.Process.Id)];

    /// <inheritdoc/>
    internal override string? Unavailable =>
        LiveSilos == 0 ? $"every silo of the LocalCluster ({_silos.Length}) has exited or was killed" : null;

    /// <inheritdoc/>
    public override int SiloCount => Math.Max(1, LiveSilos);

    /// <summary>
    /// Silos not killed and not seen exiting (the process's exit event): read on every call, so it asks no process
    /// (<c>Process.HasExited</c> for every silo, several times a call, was ~8 % of a one-item call's driver samples).
    /// </summary>
    private int LiveSilos
    {
        get
        {
            int live = 0;
            foreach (Silo silo in _silos)
            {
                if (!silo.Killed && !silo.ExitSeen)
                {
                    live++;
                }
            }

            return live;
        }
    }

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
        StartTrace? trace = StartTrace.ForDriver();
        trace?.Mark("StartAsync called");
        LaunchSpec spec = LaunchSpec.For(assembly);
        string clusterId = "parallelgen-" + Environment.ProcessId.ToString(CultureInfo.InvariantCulture) + "-" + Guid.NewGuid().ToString("N")[..8];
        int[] ports = FreePorts(count * 2);
        var silos = new Silo[count];
        IHost? client = null;
        Task<IHost>? connecting = null;
        bool profiling = false;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(StartTimeout);
        // Until the first results (or StartJitYield), this process's background tier-1 JIT yields the cores to silo 0:
        // measured, the driver's ".NET Tiered Compilation Worker" thread used ~0.4 CPU-s during a start, on a 2-core
        // machine where silo 0's own start is CPU-bound. The process backend does the same during calls that fill the
        // cores (ParentJitPriority; the same AppContext switch turns both off).
        var jitYield = new Timer(static _ => global::ParallelGen.Backends.Processes.ParentJitPriority.Lower(), null, TimeSpan.Zero, TimeSpan.FromMilliseconds(20));
        _ = Task.Delay(StartJitYield, CancellationToken.None).ContinueWith(_ => jitYield.Dispose(), TaskScheduler.Default);
        try
        {
            // A silo's start is 1.5-2 CPU-seconds (loading and compiling Orleans; silo 0 spreads its JIT over two cores,
            // SiloJitProfile) and the client's up to one: the first silos get a core each, the client one more. The rest
            // are started now but held (runtime up, Orleans not started) until the first results of a call have arrived,
            // or HeldSiloRelease after StartAsync returns, so that they do not slow down silo 0, the client's connection and
            // the first call (silo 0 holds the membership table: they could not join before it anyway).
            int firstWave = Math.Clamp(Environment.ProcessorCount - 1, 1, count);
            for (int i = 0; i < count; i++)
            {
                silos[i] = StartSilo(i, hold: i >= firstWave);
            }

            // The client starts at once, in parallel with the silos (its own start-up costs about a CPU-second), and
            // connects as soon as a gateway answers. When it first asks for gateways (and waits for silo 0), the driver's
            // JIT profile, if asked for, starts compiling ahead what the connection and the first call need.
            var gateways = new JoinedGateways(silos, [.. Enumerable.Range(0, count).Select(i => ports[2 * i + 1])], () =>
            {
                if (DriverJitProfile.Start() is { } profile)
                {
                    profiling = true;
                    trace?.Mark(profile);
                }
            });
            connecting = ConnectAsync(gateways, clusterId, silos[0].Joined, trace, timeout.Token);

            await WaitForJoinAsync(silos[0], timeout.Token).ConfigureAwait(false);
            client = await connecting.ConfigureAwait(false);
            var cluster = new LocalCluster(client, silos, trace) { _jitYield = jitYield };
            trace?.Mark("StartAsync returns (silo 0 joined, client connected)");
            cluster.BecomeDefault();
            _ = Task.Delay(HeldSiloRelease, CancellationToken.None).ContinueWith(_ => cluster.ReleaseHeldSilos("timer"), TaskScheduler.Default);
            return cluster;
        }
        catch
        {
            if (profiling)
            {
                DriverJitProfile.Stop(keep: false); // this start's recording, not a complete one
            }

            await jitYield.DisposeAsync().ConfigureAwait(false);
            await timeout.CancelAsync().ConfigureAwait(false);
            foreach (Silo? silo in silos)
            {
                silo?.Kill();
                silo?.Exited(); // the client's wait for a gateway ends
            }

            if (client is null && connecting is not null)
            {
                try
                {
                    client = await connecting.ConfigureAwait(false);
                }
                catch (Exception)
                {
                    // cancelled above: the start's own failure is the one to report
                }
            }

            client?.Dispose();
            throw;
        }

        Silo StartSilo(int i, bool hold)
        {
            Silo silo = Silo.Start(spec, i, ports[2 * i], ports[2 * i + 1], primaryPort: ports[0], clusterId, hold, trace);
            trace?.Mark($"silo {i} process started{(hold ? " (held)" : "")}");
            return silo;
        }
    }

    /// <summary>
    /// How long after <see cref="StartAsync(int, CancellationToken)"/> returns the silos it holds back (those beyond the
    /// machine's cores minus one) start their Orleans host if no call's results have arrived by then.
    /// </summary>
    private static readonly TimeSpan HeldSiloRelease = TimeSpan.FromSeconds(1);

    /// <summary>The longest the driver's background JIT yields to the silos after StartAsync is called (see StartAsync).</summary>
    private static readonly TimeSpan StartJitYield = TimeSpan.FromSeconds(10);

    private Timer? _jitYield;

    /// <inheritdoc/>
    private protected override void FirstResultsArrived()
    {
        ReleaseHeldSilos("first results");
        DriverJitProfile.Stop(keep: true);
    }

    private void ReleaseHeldSilos(string why)
    {
        if (Interlocked.Exchange(ref _released, 1) != 0)
        {
            return;
        }

        Trace?.Mark($"held silos released ({why}); driver JIT threads lowered: {(global::ParallelGen.Backends.Processes.ParentJitPriority.Lowered)}");
        _jitYield?.Dispose(); // the JIT thread stays lowered; new ones (after an idle spell) start at normal priority
        foreach (Silo silo in _silos)
        {
            silo.Release();
        }
    }

    /// <summary>
    /// Starts a client of the cluster and returns it once connected. Orleans retries the connection (every 50 ms) while
    /// no gateway answers yet; an attempt that is still not connected 15 s after silo 0 joined (a client whose first
    /// connection raced the silos' start has been seen stuck fetching the cluster manifest) is replaced by a fresh client.
    /// </summary>
    private static async Task<IHost> ConnectAsync(JoinedGateways gateways, string clusterId, Task firstJoined, StartTrace? trace, CancellationToken cancellationToken)
    {
        for (int attempt = 1; ; attempt++)
        {
            IHost client = BuildClient(gateways, clusterId);
            trace?.Mark($"client host built (attempt {attempt})");
            using var attemptTimeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            _ = firstJoined.ContinueWith(
                _ =>
                {
                    try
                    {
                        attemptTimeout.CancelAfter(TimeSpan.FromSeconds(15));
                    }
                    catch (ObjectDisposedException)
                    {
                        // connected (or failed) before silo 0 joined
                    }
                },
                CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            try
            {
                await client.StartAsync(attemptTimeout.Token).ConfigureAwait(false);
                trace?.Mark("client connected");
                return client;
            }
            catch (Exception) when (!cancellationToken.IsCancellationRequested && attempt < 4)
            {
                client.Dispose();
            }
            catch
            {
                client.Dispose();
                throw;
            }
        }
    }

    private static IHost BuildClient(JoinedGateways gateways, string clusterId)
    {
        // The client's services alone, without Host.CreateApplicationBuilder's configuration, environment and host services
        // (ClientHost), which a fresh program would compile on the start's path.
        var services = new ServiceCollection();
        services.AddLogging(logging =>
        {
            if (StartTrace.Logs)
            {
                logging.AddProvider(new StartTrace.LogProvider("client"));
            }
        });
        services.AddOrleansClient(c =>
        {
            c.Configure<ClusterOptions>(o => (o.ClusterId, o.ServiceId) = (clusterId, clusterId));
            c.Services.AddSingleton<IGatewayListProvider>(gateways);
            ClusterSettings.ConfigureClient(c);
            c.Services.AddSingleton<IClientConnectionRetryFilter, RetryWhileStarting>();
        });
        return new ClientHost(services.BuildServiceProvider());
    }

    /// <summary>
    /// Waits until <paramref name="silo"/> has written <see cref="SiloHost.ReadyLine"/> (its host has started: it joined
    /// the cluster and its gateway is open); a silo that exits first makes the start fail with its output.
    /// </summary>
    private static async Task WaitForJoinAsync(Silo silo, CancellationToken cancellationToken)
    {
        Task exited = silo.Process.WaitForExitAsync(cancellationToken);
        await Task.WhenAny(silo.Joined, exited).ConfigureAwait(false);
        if (!silo.Joined.IsCompletedSuccessfully)
        {
            cancellationToken.ThrowIfCancellationRequested();
            throw new InvalidOperationException(
                $"Silo {silo.Index} (process {silo.Process.Id}) exited with code {silo.Process.ExitCode} while starting:{Environment.NewLine}{silo.Output}");
        }
    }

    /// <summary>
    /// The client's gateways: those of the silos that have joined and not exited (a silo's gateway opens before it has
    /// finished starting, and a client that picks a gateway not open yet waits seconds before it tries another). The
    /// first call waits until silo 0 has joined; the client asks again every second (<see cref="ClusterSettings"/>), so
    /// silos that join later become gateways too, and a killed one stops being one.
    /// </summary>
    private sealed class JoinedGateways(Silo?[] silos, int[] ports, Action? firstAsk) : IGatewayListProvider
    {
        private Action? _firstAsk = firstAsk;

        public TimeSpan MaxStaleness => TimeSpan.FromSeconds(1);

        public bool IsUpdatable => true;

        public Task InitializeGatewayListProvider() => Task.CompletedTask;

        public async Task<IList<Uri>> GetGateways()
        {
            Interlocked.Exchange(ref _firstAsk, null)?.Invoke();
            if (silos[0] is { } first)
            {
                await Task.WhenAny(first.Joined).ConfigureAwait(false); // joined or exited: either way, answer now
            }

            var gateways = new List<Uri>();
            for (int i = 0; i < silos.Length; i++)
            {
                if (silos[i] is { } silo && silo.Joined.IsCompletedSuccessfully && !silo.Killed && !silo.Process.HasExited)
                {
                    gateways.Add(new Uri(string.Create(CultureInfo.InvariantCulture, $"gwy.tcp://127.0.0.1:{ports[i]}/0")));
                }
            }

            return gateways;
        }
    }

    /// <summary>The client's connection attempts while no silo's gateway answers yet: again after 50 ms, until cancelled.</summary>
    private sealed class RetryWhileStarting : IClientConnectionRetryFilter
    {
        public async Task<bool> ShouldRetryConnectionAttempt(Exception exception, CancellationToken cancellationToken)
        {
            await Task.Delay(50, cancellationToken).ConfigureAwait(false);
            return !cancellationToken.IsCancellationRequested;
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
        StopGatewayProbes();
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
        private readonly TaskCompletionSource<string> _joined = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly int _processId;
        private StartTrace? _trace;
        private volatile bool _exitSeen;
        private int _held; // 1 until released

        private Silo(int index, Process process, int siloPort)
        {
            Index = index;
            Process = process;
            _processId = process.Id;
            AddressPrefix = $"S127.0.0.1:{siloPort.ToString(CultureInfo.InvariantCulture)}:";
        }

        /// <summary>How its Orleans silo address starts (<c>S127.0.0.1:port:</c>; the generation follows).</summary>
        internal string AddressPrefix { get; }

        internal int Index { get; }

        internal Process Process { get; }

        internal bool Killed { get; private set; }

        /// <summary>The process's exit event was seen (<see cref="OnSiloExited"/>).</summary>
        internal bool ExitSeen
        {
            get => _exitSeen;
            set => _exitSeen = value;
        }

        internal string Output => _output.ToString();

        /// <summary>
        /// Completes with the silo's Orleans address when it has written <see cref="SiloHost.ReadyLine"/> (it joined the
        /// cluster); faults if it exits first.
        /// </summary>
        internal Task<string> Joined => _joined.Task;

        /// <summary>The process has exited: a silo that had not joined never will.</summary>
        internal void Exited()
        {
            SiloJitProfile.RemoveRecording(_processId); // a recording it was killed before finishing
            _joined.TrySetException(new InvalidOperationException(
                $"Silo {Index} (process {Process.Id}) exited before it joined the cluster:{Environment.NewLine}{Output}"));
        }

        internal static Silo Start(LaunchSpec spec, int index, int siloPort, int gatewayPort, int primaryPort, string clusterId, bool hold, StartTrace? trace)
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

            if (!spec.RunsWorkerProgram)
            {
                // No worker program next to the application (single file, self-contained, a folder without it): the
                // application itself with the startup hook. Otherwise the program's silo entry (SiloProgramEntry).
                string? hooks = Environment.GetEnvironmentVariable("DOTNET_STARTUP_HOOKS");
                info.Environment["DOTNET_STARTUP_HOOKS"] = string.IsNullOrEmpty(hooks) ? "ParallelGen.Orleans" : hooks + System.IO.Path.PathSeparator + "ParallelGen.Orleans";
            }

            info.Environment[SiloHost.SiloVariable] = "1";
            info.Environment[SiloHost.AssemblyVariable] = spec.AssemblyName;
            info.Environment[SiloHost.AddressVariable] = "127.0.0.1";
            info.Environment[SiloHost.SiloPortVariable] = siloPort.ToString(CultureInfo.InvariantCulture);
            info.Environment[SiloHost.GatewayPortVariable] = gatewayPort.ToString(CultureInfo.InvariantCulture);
            info.Environment[SiloHost.PrimaryPortVariable] = primaryPort.ToString(CultureInfo.InvariantCulture);
            info.Environment[SiloHost.ClusterIdVariable] = clusterId;
            info.Environment[SiloHost.ParentVariable] = Environment.ProcessId.ToString(CultureInfo.InvariantCulture);
            info.Environment.Remove(SiloHost.HoldVariable);
            if (hold)
            {
                info.Environment[SiloHost.HoldVariable] = "1";
            }

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
            var silo = new Silo(index, process, siloPort) { _trace = trace, _held = hold ? 1 : 0 };
            process.OutputDataReceived += (_, e) => silo.Add(e.Data);
            process.ErrorDataReceived += (_, e) => silo.Add(e.Data);
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            return silo;
        }

        /// <summary>A held silo (<see cref="SiloHost.HoldVariable"/>) starts its Orleans host now; any other: nothing.</summary>
        internal void Release()
        {
            if (Interlocked.Exchange(ref _held, 0) == 0)
            {
                return;
            }

            try
            {
                Process.StandardInput.WriteLine("start");
                Process.StandardInput.Flush();
            }
            catch (Exception ex) when (ex is System.IO.IOException or InvalidOperationException or ObjectDisposedException)
            {
                // it has exited (killed, or its start failed): its Exited handling reports that
            }
        }

        internal void Kill()
        {
            Killed = true;
            try
            {
                // SIGKILL only: Process.Kill(entireProcessTree: true) sends SIGSTOP first on Unix, and a driver ending in
                // that window would leave the silo stopped for ever (the process backend's workers had that bug).
                global::ParallelGen.Backends.Processes.WorkerKill.Kill(Process);
            }
            catch (InvalidOperationException)
            {
                // already exited
            }
        }

        private void Add(string? line)
        {
            if (line is not null && _trace?.TryAddSiloLine(Index, line) == true)
            {
                return;
            }

            if (line is not null && line.StartsWith(SiloHost.ReadyLine, StringComparison.Ordinal))
            {
                _trace?.Mark($"silo {Index} ready line read");
                _joined.TrySetResult(SiloHost.AddressOfReadyLine(line));
            }

            _output.Add(line);
        }
    }
}
