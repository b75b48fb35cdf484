using System;
using System.Threading;
using System.Threading.Tasks;
using global::Orleans;
using global::Orleans.Runtime;
using global::Orleans.Configuration;
using global::Orleans.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace ParallelGen.Orleans;

/// <summary>
/// The driver's connection to silos that run elsewhere: the application started on other machines with
/// <c>DOTNET_STARTUP_HOOKS=ParallelGen.Orleans PARALLELGEN_SILO=1 PARALLELGEN_CLUSTER_REDIS=&lt;redis&gt;</c>
/// (docs/cluster.md), joining a Redis membership table. While it is alive it is the
/// <see cref="ClusterTarget.Default"/> cluster of <see cref="Backend.Cluster"/> calls.
/// </summary>
public sealed class ClusterConnection : ClusterTarget, IAsyncDisposable
{
    private readonly IHost? _host; // null: the application's own client (ForClientAsync), which it stops itself
    private readonly Timer _refresh;
    private volatile int _silos;
    private int _disposed;

    private ClusterConnection(IHost? host, IClusterClient client, int slotsPerSilo)
        : base(client, slotsPerSilo > 0 ? slotsPerSilo : Environment.ProcessorCount)
    {
        _host = host;
        _refresh = new Timer(_ => _ = RefreshAsync(), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    /// <inheritdoc/>
    private protected override bool ReportsSilos => true;

    /// <inheritdoc/>
    public override int SiloCount => Math.Max(1, _silos);

    /// <summary>
    /// Connects to the silos registered in the Redis membership table at <paramref name="redis"/> under
    /// <paramref name="clusterId"/>, and waits until at least <paramref name="minimumSilos"/> are active.
    /// </summary>
    /// <param name="redis">A StackExchange.Redis connection string, e.g. <c>redis.example:6379</c>.</param>
    /// <param name="clusterId">The cluster's id: the silos' <c>PARALLELGEN_CLUSTER_ID</c> (default <c>parallelgen</c>).</param>
    /// <param name="minimumSilos">How many silos must be active before the connection is returned.</param>
    /// <param name="slotsPerSilo">Batches each silo runs at once (default: this machine's CPU count).</param>
    /// <param name="cancellationToken">Stops the wait.</param>
    /// <returns>The connection; it is the default cluster until disposed.</returns>
    public static async Task<ClusterConnection> ConnectRedisAsync(
        string redis, string clusterId = "parallelgen", int minimumSilos = 1, int slotsPerSilo = 0, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(redis);
        HostApplicationBuilder builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.ClearProviders();
        builder.UseOrleansClient(c =>
        {
            c.UseRedisClustering(redis);
            c.Configure<ClusterOptions>(o => (o.ClusterId, o.ServiceId) = (clusterId, clusterId));
            ClusterSettings.ConfigureClient(c);
        });
        IHost host = builder.Build();
        try
        {
            await host.StartAsync(cancellationToken).ConfigureAwait(false);
            var connection = new ClusterConnection(host, host.Services.GetRequiredService<IClusterClient>(), slotsPerSilo);
            await connection.StartCountingAsync(minimumSilos, cancellationToken).ConfigureAwait(false);
            connection.BecomeDefault();
            return connection;
        }
        catch
        {
            host.Dispose();
            throw;
        }
    }

    /// <summary>
    /// A cluster target over the application's own Orleans client: its own silos (with
    /// <see cref="ParallelGenOrleansExtensions.AddParallelGen(ISiloBuilder)"/>), or an in-process test cluster. Waits until
    /// at least <paramref name="minimumSilos"/> silos are active. The application owns the client: disposing the
    /// connection only stops counting silos. It is not made the <see cref="ClusterTarget.Default"/> (the application may
    /// use its cluster for other things): name it per call (<see cref="ParallelizeOptions.BackendInstance"/>) or around
    /// calls (<see cref="ClusterTarget.Use"/>).
    /// </summary>
    /// <param name="client">A started client of a cluster whose silos call <c>AddParallelGen()</c>.</param>
    /// <param name="minimumSilos">How many silos must be active before the connection is returned.</param>
    /// <param name="slotsPerSilo">Batches each silo runs at once (default: this machine's CPU count).</param>
    /// <param name="cancellationToken">Stops the wait.</param>
    /// <returns>The connection.</returns>
    /// <exception cref="TimeoutException">Fewer than <paramref name="minimumSilos"/> silos were active within 60 seconds.</exception>
    public static async Task<ClusterConnection> ForClientAsync(
        IClusterClient client, int minimumSilos = 1, int slotsPerSilo = 0, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentOutOfRangeException.ThrowIfNegative(slotsPerSilo);
        var connection = new ClusterConnection(null, client, slotsPerSilo);
        await connection.StartCountingAsync(minimumSilos, cancellationToken).ConfigureAwait(false);
        return connection;
    }

    /// <summary>Waits until <paramref name="minimumSilos"/> silos are active, then counts them every second.</summary>
    private async Task StartCountingAsync(int minimumSilos, CancellationToken cancellationToken)
    {
        await WaitForSilosAsync(minimumSilos, TimeSpan.FromSeconds(60), cancellationToken).ConfigureAwait(false);
        await RefreshAsync().ConfigureAwait(false);
        _refresh.Change(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));
    }

    /// <summary>Disconnects (a connection made by <see cref="ForClientAsync"/> leaves its client running); the silos keep running.</summary>
    /// <returns>A task that completes once the client has stopped.</returns>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        StopBeingDefault();
        StopGatewayProbes();
        await _refresh.DisposeAsync().ConfigureAwait(false);
        if (_host is null)
        {
            return;
        }

        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        try
        {
            await _host.StopAsync(cts.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // stopping took too long: dispose anyway
        }

        _host.Dispose();
    }

    private async Task RefreshAsync()
    {
        try
        {
            var hosts = await Client.GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true).ConfigureAwait(false);
            _silos = hosts.Count;
            foreach (SiloAddress silo in hosts.Keys)
            {
                SiloJoined(silo.ToString()); // a silo that joined since: its slots take batches
            }

            await CheckMembershipAsync().ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // keep the last count; calls report unreachable silos themselves
        }
    }
}
