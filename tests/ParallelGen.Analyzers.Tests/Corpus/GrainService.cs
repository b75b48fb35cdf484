// Regression corpus: service/grain-style code that fans work out in parallel.
using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;

namespace Corpus.GrainService;

public sealed record Order(int Id, string Customer, decimal Amount);

public interface IOrderStore
{
    Task<Order?> LoadAsync(int id, CancellationToken cancellationToken);
}

/// <summary>The bug upstream fixed: a List field mutated from parallel handlers.</summary>
public sealed class OrderGrain
{
    private readonly IOrderStore _store;
    private readonly List<Order> _loaded = new();
    private readonly List<int> _missing = new();
    private int _processed;

    public OrderGrain(IOrderStore store) => _store = store;

    public async Task<IReadOnlyList<Order>> LoadAllAsync(int[] ids, CancellationToken cancellationToken)
    {
        await Parallel.ForEachAsync(ids, cancellationToken, async (id, ct) =>
        {
            Order? order = await _store.LoadAsync(id, ct);
            if (order is null)
            {
                _missing.Add(id);   // expect: PG0004
            }
            else
            {
                _loaded.Add(order);   // expect: PG0004
            }

            _processed++;   // expect: PG0003
        });
        return _loaded;
    }
}

/// <summary>The same grain done right: a lock, a concurrent collection and Interlocked.</summary>
public sealed class SafeOrderGrain
{
    private readonly IOrderStore _store;
    private readonly List<Order> _loaded = new();
    private readonly ConcurrentBag<int> _missing = new();
    private readonly object _gate = new();
    private int _processed;

    public SafeOrderGrain(IOrderStore store) => _store = store;

    public int Processed => Volatile.Read(ref _processed);

    public async Task<Order[]> LoadAllAsync(int[] ids, CancellationToken cancellationToken)
    {
        await Parallel.ForEachAsync(ids, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = cancellationToken }, async (id, ct) =>
        {
            Order? order = await _store.LoadAsync(id, ct);
            if (order is null)
            {
                _missing.Add(id);
            }
            else
            {
                lock (_gate)
                {
                    _loaded.Add(order);
                }
            }

            Interlocked.Increment(ref _processed);
        });

        lock (_gate)
        {
            return _loaded.ToArray();
        }
    }

    /// <summary>Totals per customer: results returned per item and grouped afterwards.</summary>
    public static Dictionary<string, decimal> Totals(IEnumerable<Order> orders) =>
        orders.AsParallel()
            .GroupBy(o => o.Customer)
            .Select(g => (Customer: g.Key, Total: g.Sum(o => o.Amount)))
            .ToDictionary(t => t.Customer, t => t.Total);
}

/// <summary>A cache warmed in parallel: ConcurrentDictionary is thread-safe.</summary>
public sealed class PriceCache
{
    private readonly ConcurrentDictionary<string, decimal> _prices = new(StringComparer.Ordinal);
    private readonly Dictionary<string, decimal> _snapshot = new(StringComparer.Ordinal);

    public void Warm(IEnumerable<string> skus, Func<string, decimal> lookup)
    {
        Parallel.ForEach(skus, sku => _prices.GetOrAdd(sku, lookup));
        Parallel.ForEach(skus, sku => _prices.AddOrUpdate(sku, lookup, (key, old) => Math.Max(old, lookup(key))));
    }

    /// <summary>A real bug: the plain dictionary is written from every iteration.</summary>
    public void Snapshot(IEnumerable<string> skus) =>
        Parallel.ForEach(skus, sku => _snapshot[sku] = _prices.GetValueOrDefault(sku));   // expect: PG0004
}
