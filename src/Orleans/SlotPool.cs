using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;

namespace ParallelGen.Orleans;

/// <summary>
/// The driver's slots: <see cref="ClusterTarget.SlotsPerSilo"/> slot grains for every silo known to have joined, each
/// meant for (placed on, <see cref="SlotPlacementDirector"/>) its silo, with up to <see cref="InFlightPerSlot"/> batches
/// in flight (one running, the next waiting on the silo): capacity = silos × slots, about twice that in flight. A batch
/// takes the slot with the fewest batches in flight, on the silo with the fewest (then the most recently used one); a
/// silo that joins later adds its
/// slots, which are then the emptiest and take the next batches, also of calls already running.
/// <para>
/// A silo's first slots have fresh keys: the client may send their calls through another silo's gateway, which forwards
/// them (a hop per call). Keys known to reach their silo directly (<see cref="OfferDirect"/>: the driver's gateway
/// probes) replace them: a slot with no batch in flight is swapped for such a key when it is next taken, and new slots
/// take them first, so the silo's number of slots never changes. Thread-safe.
/// </para>
/// </summary>
internal sealed class SlotPool
{
    /// <summary>Batches in flight per slot: one running on the silo, one waiting there so the slot never idles.</summary>
    internal const int InFlightPerSlot = 2;

    /// <summary>How many times a silo's slot is placed again after landing elsewhere (the placing silo did not know it yet).</summary>
    private const int MaxReplacements = 20;

    private readonly object _lock = new();
    private readonly List<Slot> _slots = [];
    private readonly Dictionary<long, Slot> _byKey = [];
    private readonly Dictionary<string, SiloEntry> _silos = new(StringComparer.Ordinal);
    private readonly List<string> _order = [];
    private readonly Dictionary<string, Queue<long>> _direct = new(StringComparer.Ordinal); // direct keys not used yet, per silo
    private readonly int _slotsPerSilo;
    private readonly long _keyBase = (long)Random.Shared.Next(1, 1 << 20) << 32;
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private bool _waiting;
    private long _nextKey;
    private long _uses;

    internal SlotPool(int slotsPerSilo) => _slotsPerSilo = Math.Max(1, slotsPerSilo);

    /// <summary>The silos that have slots, in the order they joined (dead ones included).</summary>
    internal IReadOnlyList<string> Silos
    {
        get
        {
            lock (_lock)
            {
                return [.. _order];
            }
        }
    }

    /// <summary>Batches in flight now per silo (the silo a slot is meant for), for tests and diagnostics.</summary>
    internal Dictionary<string, int> InFlightBySilo()
    {
        lock (_lock)
        {
            var result = new Dictionary<string, int>(StringComparer.Ordinal);
            foreach (Slot slot in _slots)
            {
                result[slot.Silo] = result.GetValueOrDefault(slot.Silo) + slot.InFlight;
            }

            return result;
        }
    }

    /// <summary>Slots (not retired) per silo they are meant for whose calls reach the silo directly (diagnostics, tests).</summary>
    internal Dictionary<string, int> DirectSlotsBySilo()
    {
        lock (_lock)
        {
            var result = new Dictionary<string, int>(StringComparer.Ordinal);
            foreach (Slot slot in _slots)
            {
                if (!slot.Retired && slot.Direct)
                {
                    result[slot.Silo] = result.GetValueOrDefault(slot.Silo) + 1;
                }
            }

            return result;
        }
    }

    /// <summary>The slots that take batches (not retired): key, the silo it is meant for, and whether it is direct.</summary>
    internal List<(long Key, string Silo, bool Direct)> SlotList()
    {
        lock (_lock)
        {
            return [.. _slots.Where(s => !s.Retired).Select(s => (s.Key, s.Silo, s.Direct))];
        }
    }

    /// <summary>
    /// Benchmark only: slot <paramref name="key"/> on <paramref name="silo"/> becomes the only slot that takes batches,
    /// as it is (never swapped for a direct key); the others take no more.
    /// </summary>
    internal void UseOnly(long key, string silo)
    {
        lock (_lock)
        {
            foreach (Slot slot in _slots.ToArray())
            {
                slot.Retired = true;
                if (slot.InFlight == 0)
                {
                    _slots.Remove(slot);
                    _byKey.Remove(slot.Key);
                }
            }

            var pinned = new Slot(key, silo) { Direct = true }; // "direct": not swapped, whatever its route
            _slots.Add(pinned);
            _byKey[key] = pinned;
            SignalLocked();
        }
    }

    /// <summary>A key no slot has used yet (for a gateway probe).</summary>
    internal long NewKey()
    {
        lock (_lock)
        {
            return _keyBase | ++_nextKey;
        }
    }

    /// <summary>
    /// Slot <paramref name="key"/> is active on <paramref name="silo"/> and the client's calls to it reach that silo
    /// directly (it was placed where its probe arrived): the silo's slots take it in place of a fresh key (the silo may
    /// not have joined the pool yet).
    /// </summary>
    internal void OfferDirect(string silo, long key)
    {
        lock (_lock)
        {
            if (!_direct.TryGetValue(silo, out Queue<long>? keys))
            {
                _direct[silo] = keys = new Queue<long>();
            }

            keys.Enqueue(key);
        }
    }

    /// <summary>
    /// Whether <paramref name="silo"/> has fewer direct keys (in its slots, or offered and not used yet) than it has
    /// slots: the driver's gateway probes look for more.
    /// </summary>
    internal bool NeedsDirect(string silo)
    {
        lock (_lock)
        {
            int direct = _direct.TryGetValue(silo, out Queue<long>? keys) ? keys.Count : 0;
            foreach (Slot slot in _slots)
            {
                if (!slot.Retired && slot.Direct && string.Equals(slot.Silo, silo, StringComparison.Ordinal))
                {
                    direct++;
                }
            }

            return direct < _slotsPerSilo;
        }
    }

    /// <summary>Slots (not retired) per silo they are meant for.</summary>
    internal Dictionary<string, int> SlotsBySilo()
    {
        lock (_lock)
        {
            var result = new Dictionary<string, int>(StringComparer.Ordinal);
            foreach (Slot slot in _slots)
            {
                if (!slot.Retired)
                {
                    result[slot.Silo] = result.GetValueOrDefault(slot.Silo) + 1;
                }
            }

            return result;
        }
    }

    /// <summary>Adds <paramref name="silo"/>'s slots (once per silo); batches waiting for a slot take them.</summary>
    /// <returns>Whether the silo was new.</returns>
    internal bool AddSilo(string silo)
    {
        lock (_lock)
        {
            if (_silos.ContainsKey(silo))
            {
                return false;
            }

            _silos[silo] = new SiloEntry();
            _order.Add(silo);
            for (int i = 0; i < _slotsPerSilo; i++)
            {
                AddSlot(silo);
            }

            SignalLocked();
            return true;
        }
    }

    /// <summary>The silo slot <paramref name="key"/> is meant for, or <see langword="null"/>.</summary>
    internal string? IntendedSilo(long key)
    {
        lock (_lock)
        {
            return _byKey.TryGetValue(key, out Slot? slot) ? slot.Silo : null;
        }
    }

    /// <summary>
    /// Takes a slot for one batch: the live slot with the fewest batches in flight (below <see cref="InFlightPerSlot"/>),
    /// on the silo with the fewest, preferring silos other than <paramref name="avoidSilo"/> (where the batch just
    /// failed); waits while every slot is full. Give it back with <see cref="Release"/>.
    /// </summary>
    internal async ValueTask<long> AcquireAsync(Func<string, bool> isDead, string? avoidSilo, CancellationToken cancellationToken)
    {
        while (true)
        {
            Task changed;
            lock (_lock)
            {
                if (TakeLocked(isDead, avoidSilo) is long key)
                {
                    return key;
                }

                _waiting = true;
                changed = _changed.Task;
            }

            await changed.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary><see cref="AcquireAsync"/> when a slot is free now, else <see langword="null"/> (nothing waits).</summary>
    internal long? TryAcquire(Func<string, bool> isDead, string? avoidSilo)
    {
        lock (_lock)
        {
            return TakeLocked(isDead, avoidSilo);
        }
    }

    private long? TakeLocked(Func<string, bool> isDead, string? avoidSilo)
    {
        Slot? best = Pick(isDead, avoidSilo) ?? (avoidSilo is null ? null : Pick(isDead, null));
        if (best is null)
        {
            return null;
        }

        if (!best.Direct && best.InFlight == 0 && TakeDirect(best.Silo) is long direct)
        {
            // An idle slot whose calls may be forwarded: a key that reaches its silo directly takes its place.
            _slots.Remove(best);
            _byKey.Remove(best.Key);
            best = new Slot(direct, best.Silo) { Direct = true, LastUse = best.LastUse };
            _slots.Add(best);
            _byKey[best.Key] = best;
        }

        best.InFlight++;
        best.LastUse = ++_uses;
        _silos[best.Silo].InFlight++;
        return best.Key;
    }

    /// <summary>Gives back a slot taken by <see cref="AcquireAsync"/>.</summary>
    internal void Release(long key)
    {
        lock (_lock)
        {
            if (_byKey.TryGetValue(key, out Slot? slot))
            {
                slot.InFlight--;
                _silos[slot.Silo].InFlight--;
                if (slot.Retired && slot.InFlight == 0)
                {
                    _slots.Remove(slot);
                    _byKey.Remove(key);
                }
            }

            SignalLocked();
        }
    }

    /// <summary>
    /// Slot <paramref name="key"/> was activated on <paramref name="actualSilo"/>, not the silo it is meant for (the silo
    /// that placed it did not know that one yet): the slot takes no more batches, and its silo gets a fresh slot, placed
    /// when first used (a bounded number of times per silo).
    /// </summary>
    internal void Misplaced(long key, string actualSilo)
    {
        lock (_lock)
        {
            if (!_byKey.TryGetValue(key, out Slot? slot) || slot.Retired || string.Equals(slot.Silo, actualSilo, StringComparison.Ordinal))
            {
                return;
            }

            SiloEntry silo = _silos[slot.Silo];
            if (silo.Replacements >= MaxReplacements)
            {
                return; // keep using it where it is: the placing silos never learned of this one
            }

            silo.Replacements++;
            slot.Retired = true;
            if (slot.InFlight == 0)
            {
                _slots.Remove(slot);
                _byKey.Remove(key);
            }

            AddSlot(slot.Silo);
            SignalLocked();
        }
    }

    /// <summary>Wakes batches waiting for a slot (a silo was lost: they re-check what is live).</summary>
    internal void Changed()
    {
        lock (_lock)
        {
            SignalLocked();
        }
    }

    private Slot? Pick(Func<string, bool> isDead, string? avoidSilo)
    {
        Slot? best = null;
        foreach (Slot slot in _slots)
        {
            if (slot.Retired || slot.InFlight >= InFlightPerSlot
                || (avoidSilo is not null && string.Equals(slot.Silo, avoidSilo, StringComparison.Ordinal)) || isDead(slot.Silo))
            {
                continue;
            }

            if (best is null || Better(slot, best))
            {
                best = slot;
            }
        }

        return best;
    }

    /// <summary>
    /// Fewer in flight on the slot, then on its silo, then the slot used most recently: one call at a time keeps going to
    /// the same (warm) slot instead of making every silo compile the call path; a call with many batches fills every
    /// slot by the first two rules anyway.
    /// </summary>
    private bool Better(Slot a, Slot b) =>
        a.InFlight != b.InFlight ? a.InFlight < b.InFlight
        : _silos[a.Silo].InFlight != _silos[b.Silo].InFlight ? _silos[a.Silo].InFlight < _silos[b.Silo].InFlight
        : a.LastUse > b.LastUse;

    private void AddSlot(string silo)
    {
        long? direct = TakeDirect(silo);
        var slot = new Slot(direct ?? (_keyBase | ++_nextKey), silo) { Direct = direct is not null };
        _slots.Add(slot);
        _byKey[slot.Key] = slot;
    }

    private long? TakeDirect(string silo) =>
        _direct.TryGetValue(silo, out Queue<long>? keys) && keys.TryDequeue(out long key) ? key : null;

    private void SignalLocked()
    {
        if (_waiting)
        {
            _waiting = false;
            Interlocked.Exchange(ref _changed, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
        }
    }

    private sealed class Slot(long key, string silo)
    {
        internal long Key { get; } = key;

        internal string Silo { get; } = silo;

        internal int InFlight { get; set; }

        internal long LastUse { get; set; }

        internal bool Retired { get; set; }

        /// <summary>The client's calls to this slot reach its silo directly (<see cref="OfferDirect"/>).</summary>
        internal bool Direct { get; init; }
    }

    private sealed class SiloEntry
    {
        internal int InFlight { get; set; }

        internal int Replacements { get; set; }
    }
}
