using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
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
    private readonly ConcurrentDictionary<long, string> _slotSilos = new();
    private readonly ConcurrentDictionary<long, ISlotGrain> _slotGrains = new();
    private readonly ConcurrentDictionary<string, CancellationTokenSource> _siloLost = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, byte> _deadSilos = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, byte> _deadPrefixes = new(StringComparer.Ordinal);
    private readonly SlotPool _pool;
    private CancellationTokenSource _anyLoss = new();
    private volatile string? _deadHint;
    private volatile bool _resultsArrived;
    private int _maxRetries = 3;

    static ClusterTarget() => ParallelBackendRegistry.Register(Backend.Cluster, ClusterBackend.Instance);

    private protected ClusterTarget(IClusterClient client, int slotsPerSilo)
    {
        Client = client;
        SlotsPerSilo = slotsPerSilo;
        _pool = new SlotPool(slotsPerSilo);
    }

    /// <summary>The Orleans client the calls go through.</summary>
    public IClusterClient Client { get; }

    /// <summary>How many batches one silo runs at once (default: the silo's CPU count).</summary>
    public int SlotsPerSilo { get; }

    /// <summary>Why no call can run now (every silo known to be gone), or <see langword="null"/>.</summary>
    internal virtual string? Unavailable => null;

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

    /// <summary>
    /// Orleans' response timeout for the clients of <see cref="LocalCluster"/>s and <see cref="ClusterConnection"/>s made
    /// afterwards and the silos a <see cref="LocalCluster"/> starts afterwards (default 30 minutes): the last resort for
    /// a batch whose answer never comes. It must exceed the longest batch; silos that die are noticed long before it
    /// (their batches run again at once), and <see cref="ParallelizeOptions.ItemTimeout"/> bounds a call's batches.
    /// </summary>
    public static TimeSpan ResponseTimeout
    {
        get => s_responseTimeout;
        set => s_responseTimeout = value > TimeSpan.Zero ? value : throw new ArgumentOutOfRangeException(nameof(value), value, "ResponseTimeout must be positive.");
    }

    private static TimeSpan s_responseTimeout = ClusterSettings.DefaultResponseTimeout;

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

    internal void CountItems(int siloProcessId, int items)
    {
        _itemsBySilo.AddOrUpdate(siloProcessId, items, (_, n) => n + items);
        Trace?.FirstResult();
        if (!_resultsArrived)
        {
            _resultsArrived = true;
            FirstResultsArrived();
        }
    }

    /// <summary>The first batch's results of any call on this cluster have arrived (called once, or rarely twice).</summary>
    private protected virtual void FirstResultsArrived()
    {
    }

    /// <summary>The trace of this cluster's start (<c>PARALLELGEN_START_TRACE=1</c>), printed at the first result.</summary>
    private protected StartTrace? Trace { get; init; }

    /// <summary>
    /// The silo slot <paramref name="key"/> lives on, cached until that silo dies. The first call activates the slot,
    /// on the silo it is meant for (<see cref="SlotPlacementDirector"/> reads it from the request context); a slot that
    /// lands elsewhere (the placing silo did not know that silo yet) is used where it is, and its silo gets a fresh slot.
    /// </summary>
    internal async Task<string> LocateAsync(long key, CancellationToken cancellationToken)
    {
        if (_slotSilos.TryGetValue(key, out string? silo))
        {
            return silo;
        }

        ApplyPlacementHint();
        string? intended = _pool.IntendedSilo(key);
        Trace?.Mark($"locating slot {key} (meant for {intended})");
        string location = await LocateWithTarget(key, intended ?? "").WaitAsync(LocateTimeout, cancellationToken).ConfigureAwait(false);
        silo = SiloOf(location);
        if (IsDead(silo))
        {
            throw new SiloLostException($"The slot {key} was placed on the lost silo {silo}.");
        }

        _slotSilos[key] = silo;
        if (intended is not null && !string.Equals(intended, silo, StringComparison.Ordinal))
        {
            _pool.Misplaced(key, silo);
        }

        Trace?.Mark($"slot {key} located on {silo}");
        return silo;
    }

    /// <summary>
    /// The reference to slot <paramref name="key"/>, made once: Orleans' <c>GetGrain</c> resolves the grain interface's
    /// type through its attributes on every call (a fifth of the calling thread's samples in a profiled one-item call).
    /// </summary>
    internal ISlotGrain Slot(long key) =>
        _slotGrains.TryGetValue(key, out ISlotGrain? grain) ? grain : _slotGrains.GetOrAdd(key, Client.GetGrain<ISlotGrain>(key));

    /// <summary>The silo slot <paramref name="key"/> is known to live on, or <see langword="null"/>.</summary>
    internal string? KnownSilo(long key) => _slotSilos.TryGetValue(key, out string? silo) ? silo : null;

    /// <summary>How long finding (activating) a slot may take before its silo is taken for lost.</summary>
    private static readonly TimeSpan LocateTimeout = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How often the driver asks a slot about a batch it has waited for without an answer (a request or reply lost on
    /// the way is sent again then); also the longest such a question may take.
    /// </summary>
    internal static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(2);

    /// <summary>Cancelled at the next loss of any silo (a fresh token after each loss).</summary>
    internal CancellationToken AnyLossToken => Volatile.Read(ref _anyLoss).Token;

    /// <summary>Cancelled once <paramref name="silo"/> is known to be dead (already cancelled if it is).</summary>
    internal CancellationToken SiloLostToken(string silo)
    {
        if (IsDead(silo))
        {
            return new CancellationToken(true);
        }

        CancellationToken token = _siloLost.GetOrAdd(silo, _ => new CancellationTokenSource()).Token;
        return IsDead(silo) ? new CancellationToken(true) : token; // lost between the check and the add
    }

    /// <summary>
    /// A slot for one batch (see <see cref="SlotPool"/>): the emptiest slot on a live silo, preferring silos other than
    /// <paramref name="avoidSilo"/>; waits while every slot has <see cref="SlotPool.InFlightPerSlot"/> batches in flight
    /// or no silo has joined yet. Throws <see cref="ClusterUnavailableException"/> once no call can run (see
    /// <see cref="Unavailable"/>). Give it back with <see cref="ReleaseSlot"/>.
    /// </summary>
    internal async ValueTask<long> AcquireSlotAsync(string? avoidSilo, CancellationToken cancellationToken)
    {
        while (true)
        {
            if (Unavailable is { } reason)
            {
                throw new ClusterUnavailableException(reason);
            }

            if (!ReportsSilos && Environment.TickCount64 - Volatile.Read(ref _lastDiscovery) > 2000)
            {
                Task discovery = DiscoverSilosAsync();
                if (_pool.Silos.Count == 0)
                {
                    await discovery.WaitAsync(cancellationToken).ConfigureAwait(false); // the first call needs them
                }
            }

            if (_pool.TryAcquire(IsDeadCheck, avoidSilo) is long free)
            {
                return free; // a slot is free: no wait to set up
            }

            using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            wait.CancelAfter(TimeSpan.FromSeconds(1)); // look at Unavailable again now and then
            try
            {
                return await _pool.AcquireAsync(IsDeadCheck, avoidSilo, wait.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                // no slot within a second: check the cluster, then wait again
            }
        }
    }

    /// <summary>
    /// Whether this target tells the pool itself which silos joined (<see cref="SiloJoined"/>): a
    /// <see cref="LocalCluster"/> from its silos' ready lines, a <see cref="ClusterConnection"/> from the membership every
    /// second. Any other target (a test cluster's client) is looked up in the membership by the calls themselves: before
    /// the first batch, then at most every 2 s.
    /// </summary>
    private protected virtual bool ReportsSilos => false;

    private long _lastDiscovery = long.MinValue / 2;

    private async Task DiscoverSilosAsync()
    {
        Volatile.Write(ref _lastDiscovery, Environment.TickCount64);
        try
        {
            var hosts = await Client.GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true).ConfigureAwait(false);
            foreach (SiloAddress silo in hosts.Keys)
            {
                SiloJoined(silo.ToString());
            }
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // the membership could not be read now: the next batch tries again
            Volatile.Write(ref _lastDiscovery, long.MinValue / 2);
        }
    }

    /// <summary>Gives back a slot taken by <see cref="AcquireSlotAsync"/>.</summary>
    internal void ReleaseSlot(long key) => _pool.Release(key);

    /// <summary>The silo slot <paramref name="key"/> is meant for, or <see langword="null"/>.</summary>
    internal string? IntendedSilo(long key) => _pool.IntendedSilo(key);

    /// <summary>Batches in flight now per silo (by the silo each slot is meant for): tests and diagnostics.</summary>
    internal IReadOnlyDictionary<string, int> InFlightBySilo() => _pool.InFlightBySilo();

    /// <summary>Slots per silo (by the silo each is meant for): tests and diagnostics.</summary>
    internal IReadOnlyDictionary<string, int> SlotsBySilo() => _pool.SlotsBySilo();

    /// <summary>The silos that have joined (their Orleans addresses), in the order the driver learned of them.</summary>
    internal IReadOnlyList<string> JoinedSilos => _pool.Silos;

    /// <summary>
    /// <paramref name="silo"/> (its Orleans address) is active in the cluster: it gets <see cref="SlotsPerSilo"/> slots,
    /// which take the next batches, also of calls already running.
    /// </summary>
    private protected void SiloJoined(string silo)
    {
        if (!IsDead(silo) && _pool.AddSilo(silo))
        {
            Trace?.Mark($"{silo} joined: its slots take batches");
            StartGatewayProbes();
        }
    }

    /// <summary>The slots that take batches: key, the silo each is meant for, and whether its calls reach it directly.</summary>
    internal IReadOnlyList<(long Key, string Silo, bool Direct)> SlotList() => _pool.SlotList();

    /// <summary>
    /// Each live silo's <see cref="SiloCounters"/> (slot batches run, messages its gateway received from clients), read
    /// from one of the slots located there (a probed one when it has one, so that the question itself is not forwarded):
    /// tests and the benchmark count with them how many batches reached their silo without a hop.
    /// </summary>
    internal async Task<Dictionary<string, (long Batches, long ClientMessages, long AllocatedBytes)>> SiloCountersAsync()
    {
        var result = new Dictionary<string, (long, long, long)>(StringComparer.Ordinal);
        foreach (var group in _slotSilos.Where(s => !IsDead(s.Value)).GroupBy(s => s.Value, StringComparer.Ordinal))
        {
            long key = group.OrderByDescending(s => _probedKeys.ContainsKey(s.Key)).ThenBy(s => s.Key).First().Key;
            long[] counters = await Slot(key).Counters().ConfigureAwait(false);
            result[group.Key] = (counters[0], counters[1], counters[2]);
        }

        return result;
    }

    /// <summary>
    /// The silo whose gateway receives the client's calls to slot <paramref name="key"/>, counted there: the only silo whose
    /// gateway received <paramref name="asks"/> or more client messages while the slot was asked that many times where it
    /// lives; <see langword="null"/> when none or several did. Tests and the benchmark.
    /// </summary>
    internal async Task<string?> GatewayOfAsync(long key, int asks = 20)
    {
        var before = await SiloCountersAsync().ConfigureAwait(false);
        for (int i = 0; i < asks; i++)
        {
            await Slot(key).Locate().ConfigureAwait(false);
        }

        var after = await SiloCountersAsync().ConfigureAwait(false);
        string[] gateways = [.. after.Where(p => before.TryGetValue(p.Key, out var b) && p.Value.ClientMessages - b.ClientMessages >= asks).Select(p => p.Key)];
        return gateways.Length == 1 ? gateways[0] : null;
    }

    /// <summary>
    /// Benchmark only: makes every batch run on one slot, on <paramref name="silo"/>, whose calls the client sends through
    /// that silo's own gateway (<paramref name="forwarded"/> false) or through another silo's, which forwards them
    /// (true: fresh keys are placed on the silo until one's calls arrive elsewhere, checked with
    /// <see cref="GatewayOfAsync"/>). Measures the forwarding hop's cost side by side on one cluster.
    /// </summary>
    /// <returns>The slot's key.</returns>
    internal async Task<long> PinSlotAsync(string silo, bool forwarded)
    {
        for (int attempt = 0; attempt < 50; attempt++)
        {
            long key = _pool.NewKey();
            string location = await LocateWithTarget(key, silo).ConfigureAwait(false);
            if (!string.Equals(SiloOf(location), silo, StringComparison.Ordinal))
            {
                continue;
            }

            string? gateway = await GatewayOfAsync(key).ConfigureAwait(false);
            if (gateway is not null && string.Equals(gateway, silo, StringComparison.Ordinal) != forwarded)
            {
                _slotSilos[key] = silo;
                _pool.UseOnly(key, silo);
                return key;
            }
        }

        throw new InvalidOperationException($"No slot on {silo} {(forwarded ? "reached through another silo's gateway" : "reached directly")} in 50 tries.");
    }

    /// <summary>Slots per silo whose calls reach it directly, without a gateway's forwarding hop: tests and diagnostics.</summary>
    internal IReadOnlyDictionary<string, int> DirectSlotsBySilo() => _pool.DirectSlotsBySilo();

    private int _probing;
    private volatile bool _probeAgain;
    private volatile bool _closed;
    private readonly ConcurrentDictionary<long, byte> _probedKeys = new();

    /// <summary>The cluster is being disposed: the gateway probes stop.</summary>
    private protected void StopGatewayProbes() => _closed = true;

    /// <summary>Rounds of probes in a row that found no direct key for a silo that needs one, before the probes stop.</summary>
    private const int MaxIdleProbeRounds = 40;

    /// <summary>The wait between rounds of probes that found nothing new (the client learns of new gateways every second).</summary>
    private static readonly TimeSpan ProbeInterval = TimeSpan.FromMilliseconds(250);

    /// <summary>
    /// Finds slot keys whose calls reach their silo without a hop. The Orleans client sends every call of one grain through
    /// one gateway silo (the grain id's hash bucket is given a gateway, round robin, at its first call) and that silo
    /// forwards the call when the grain lives elsewhere: for 2 calls in 3 on 3 silos, about half of the silos' CPU per
    /// call. A probe activates a fresh slot with <see cref="SlotPlacementDirector.ArrivalTarget"/>: it is placed on the
    /// gateway silo the call arrived at, so the client's calls to that key go straight to the silo that runs them, and
    /// the pool takes the key for that silo (<see cref="SlotPool.OfferDirect"/>). A round sends one probe per live silo
    /// (consecutive fresh buckets go to consecutive gateways); rounds go on while a live silo has fewer direct keys than
    /// slots, and stop after <see cref="MaxIdleProbeRounds"/> rounds without progress (a silo whose gateway the client
    /// does not know yet: the next silo that joins starts them again). Slots whose calls may be forwarded keep working
    /// meanwhile: this changes only which key a silo's slot has, never where batches run.
    /// </summary>
    private void StartGatewayProbes()
    {
        _probeAgain = true;
        if (Interlocked.Exchange(ref _probing, 1) != 0)
        {
            return; // the running probes see _probeAgain
        }

        using (ExecutionContext.SuppressFlow()) // the probes' request context is their own, not the joining caller's
        {
            _ = Task.Run(ProbeGatewaysAsync);
        }
    }

    private async Task ProbeGatewaysAsync()
    {
        try
        {
            int idle = 0;
            while (idle < MaxIdleProbeRounds && !_closed)
            {
                if (_probeAgain)
                {
                    _probeAgain = false;
                    idle = 0;
                }

                string[] live = [.. _pool.Silos.Where(s => !IsDead(s))];
                string[] needing = [.. live.Where(_pool.NeedsDirect)];
                if (needing.Length == 0 || Unavailable is not null)
                {
                    break;
                }

                string?[] landed = await Task.WhenAll(live.Select(_ => ProbeAsync())).ConfigureAwait(false);
                if (landed.Any(s => s is not null && needing.Contains(s, StringComparer.Ordinal)))
                {
                    idle = 0;
                    continue;
                }

                idle++;
                await Task.Delay(ProbeInterval).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // the client is stopping or was disposed: the cluster is gone
            _closed = true;
        }
        finally
        {
            Volatile.Write(ref _probing, 0);
        }

        if (_probeAgain && !_closed && Unavailable is null)
        {
            StartGatewayProbes(); // a silo joined as the probes stopped
        }
    }

    /// <summary>One probe: a fresh slot placed where its call arrives; returns its silo (and offers the key), or null.</summary>
    private async Task<string?> ProbeAsync()
    {
        long key = _pool.NewKey();
        ApplyPlacementHint();
        Task<string> locate = LocateWithTarget(key, SlotPlacementDirector.ArrivalTarget);
        string location;
        try
        {
            location = await locate.WaitAsync(ProbeTimeout).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not ObjectDisposedException and not OutOfMemoryException)
        {
            return null; // a silo lost or still starting: the next round tries again
        }

        string silo = SiloOf(location);
        if (IsDead(silo))
        {
            return null;
        }

        _slotSilos[key] = silo;
        _probedKeys[key] = 0;
        _pool.OfferDirect(silo, key);
        Trace?.Mark($"probe: slot {key} reaches {silo} directly");
        return silo;
    }

    /// <summary>
    /// Asks slot <paramref name="key"/> where it lives (<see cref="ISlotGrain.Locate"/>), which activates it if it is not
    /// yet: on the silo <paramref name="target"/> names for <see cref="SlotPlacementDirector"/> (a silo address,
    /// <see cref="SlotPlacementDirector.ArrivalTarget"/>, or empty for the director's fallback).
    /// </summary>
    private Task<string> LocateWithTarget(long key, string target)
    {
        RequestContext.Set(SlotPlacementDirector.TargetSiloKey, target);
        try
        {
            return Slot(key).Locate(); // the request context is read when the call is sent, before this returns
        }
        finally
        {
            RequestContext.Remove(SlotPlacementDirector.TargetSiloKey);
        }
    }

    /// <summary>The silo address in a <see cref="ISlotGrain.Locate"/> answer ("processId address").</summary>
    private static string SiloOf(string location) => location[(location.IndexOf(' ', StringComparison.Ordinal) + 1)..];

    /// <summary>How long one gateway probe may take.</summary>
    private static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Tells the placement of a slot activated by the next grain call in this async flow which silos are lost (the
    /// silos' membership may not know yet): <see cref="SlotPlacementDirector"/> skips them.
    /// </summary>
    internal void ApplyPlacementHint()
    {
        if (_deadHint is { } hint)
        {
            RequestContext.Set(SlotPlacementDirector.LostSilosKey, hint);
        }
    }

    /// <summary><see cref="IsDead"/> as the slot pool's delegate, made once (not one per batch).</summary>
    private Func<string, bool> IsDeadCheck => field ??= IsDead;

    private bool IsDead(string silo)
    {
        if (_deadSilos.ContainsKey(silo))
        {
            return true;
        }

        foreach (string prefix in _deadPrefixes.Keys)
        {
            if (silo.StartsWith(prefix, StringComparison.Ordinal))
            {
                _deadSilos.TryAdd(silo, 0);
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// The silo at <paramref name="silo"/> is gone: its in-flight batches are abandoned (and run again elsewhere), its
    /// slots are replaced, and every other in-flight batch is asked for again (its reply may have been routed through it).
    /// </summary>
    private protected void MarkSiloDead(string silo) => MarkDead(silo, isPrefix: false);

    /// <summary>Every silo whose address starts with <paramref name="prefix"/> (e.g. <c>S127.0.0.1:port:</c>) is gone.</summary>
    private protected void MarkSiloEndpointDead(string prefix) => MarkDead(prefix, isPrefix: true);

    private void MarkDead(string silo, bool isPrefix)
    {
        bool added = isPrefix ? _deadPrefixes.TryAdd(silo, 0) : _deadSilos.TryAdd(silo, 0);
        if (!added)
        {
            return;
        }

        _deadHint = string.Join(";", _deadSilos.Keys.Concat(_deadPrefixes.Keys).Order(StringComparer.Ordinal));
        foreach (var slot in _slotSilos)
        {
            if (IsDead(slot.Value))
            {
                _slotSilos.TryRemove(slot.Key, out _);
            }
        }

        _pool.Changed();

        foreach (var lost in _siloLost)
        {
            if (IsDead(lost.Key) && _siloLost.TryRemove(lost.Key, out CancellationTokenSource? source))
            {
                source.Cancel();
            }
        }

        Interlocked.Exchange(ref _anyLoss, new CancellationTokenSource()).Cancel();
    }

    /// <summary>Compares the known silos with the active ones in the membership table; those gone are dead.</summary>
    private protected async Task CheckMembershipAsync()
    {
        try
        {
            var active = await Client.GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true).ConfigureAwait(false);
            var names = new HashSet<string>(active.Keys.Select(a => a.ToString()), StringComparer.Ordinal);
            foreach (string silo in _siloLost.Keys)
            {
                if (!names.Contains(silo))
                {
                    MarkSiloDead(silo);
                }
            }
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // the membership could not be read now: the next check tries again
        }
    }

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
