using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using global::Orleans;
using global::Orleans.Runtime;
using ParallelGen.Backends;

namespace ParallelGen.Orleans;

/// <summary>
/// A cluster that <see cref="Backend.Cluster"/> calls can run on: a <see cref="LocalCluster"/> of silo processes on this
/// machine, or a <see cref="ClusterConnection"/> to silos elsewhere. A call uses, in this order, the one in its
/// <see cref="ParallelizeOptions.BackendInstance"/>, the innermost <see cref="Use"/> scope around it, and the
/// <see cref="Default"/> (the most recently started live <see cref="LocalCluster"/> or connection).
/// </summary>
public abstract class ClusterTarget
{
    private static readonly AsyncLocal<ClusterTarget?> s_scope = new();
    private static volatile ClusterTarget? s_default;
    private readonly ConcurrentDictionary<int, long> _itemsBySilo = new();
    private int _maxRetries = 3;

    static ClusterTarget() => ParallelBackendRegistry.Register(Backend.Cluster, ClusterBackend.Instance);

    private protected ClusterTarget(IClusterClient client, int slotsPerSilo)
    {
        Client = client;
        SlotsPerSilo = slotsPerSilo;
    }

    /// <summary>The Orleans client the calls go through.</summary>
    public IClusterClient Client { get; }

    /// <summary>How many batches one silo runs at once (default: the silo's CPU count).</summary>
    public int SlotsPerSilo { get; }

    /// <summary>The number of silos calls spread over now.</summary>
    public abstract int SiloCount { get; }

    /// <summary>Slots over all silos: how many batches run at once for <c>Jobs = -1</c> (the default).</summary>
    public int Capacity => Math.Max(1, SiloCount * SlotsPerSilo);

    /// <summary>
    /// How many times a batch whose silo died, became unreachable or did not answer is run again on another silo
    /// (default 3): batches run at least once, possibly more. User exceptions are never retried.
    /// </summary>
    public int MaxRetries
    {
        get => _maxRetries;
        set => _maxRetries = value >= 0 ? value : throw new ArgumentOutOfRangeException(nameof(value), value, "MaxRetries cannot be negative.");
    }

    /// <summary>Items completed per silo process id since this target was created (which silo did how much).</summary>
    public IReadOnlyDictionary<int, long> ItemsBySiloProcess => _itemsBySilo;

    /// <summary>The cluster calls use when neither the call nor a scope names one, or <see langword="null"/>.</summary>
    public static ClusterTarget? Default => s_default;

    /// <summary>The cluster a call made here would use (scope, then default), or <see langword="null"/>.</summary>
    public static ClusterTarget? Current => s_scope.Value ?? s_default;

    /// <summary>
    /// Makes this cluster the one <see cref="Backend.Cluster"/> calls use inside the scope (this async flow, until the
    /// returned value is disposed), whatever the default is.
    /// </summary>
    /// <returns>The scope; dispose it to restore the previous one.</returns>
    public IDisposable Use()
    {
        ClusterTarget? previous = s_scope.Value;
        s_scope.Value = this;
        return new Scope(previous);
    }

    internal static ClusterTarget? For(ParallelizeOptions? options) =>
        options?.BackendInstance as ClusterTarget ?? Current;

    internal void CountItems(int siloProcessId, int items) => _itemsBySilo.AddOrUpdate(siloProcessId, items, (_, n) => n + items);

    private protected void BecomeDefault() => s_default = this;

    private protected void StopBeingDefault() => Interlocked.CompareExchange(ref s_default, null, this);

    /// <summary>Waits until <paramref name="silos"/> silos are active in the cluster's membership.</summary>
    private protected async Task WaitForSilosAsync(int silos, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var management = Client.GetGrain<IManagementGrain>(0);
        DateTime deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            int active = 0;
            try
            {
                active = (await management.GetHosts(onlyActive: true).WaitAsync(cancellationToken).ConfigureAwait(false)).Count;
            }
            catch (Exception ex) when (ex is not OperationCanceledException && DateTime.UtcNow < deadline)
            {
                // a silo still starting
            }

            if (active >= silos)
            {
                return;
            }

            if (DateTime.UtcNow >= deadline)
            {
                throw new TimeoutException($"Only {active} of {silos} silos joined the cluster within {timeout.TotalSeconds:0} s.");
            }

            await Task.Delay(50, cancellationToken).ConfigureAwait(false);
        }
    }

    private sealed class Scope(ClusterTarget? previous) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                s_scope.Value = previous;
            }
        }
    }
}
