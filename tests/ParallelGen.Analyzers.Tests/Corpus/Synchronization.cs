// Regression corpus: shared state guarded correctly (locks, Monitor, semaphores, Lock, Interlocked, concurrent collections).
using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;

namespace Corpus.Synchronization;

public sealed class Metrics
{
    private static long s_requests;
    private readonly Lock _lock = new();
    private readonly object _monitor = new();
    private readonly SemaphoreSlim _semaphore = new(1, 1);
    private readonly ReaderWriterLockSlim _rw = new();
    private readonly List<TimeSpan> _latencies = new();
    private readonly Dictionary<string, int> _errors = new(StringComparer.Ordinal);
    private readonly HashSet<string> _hosts = new(StringComparer.Ordinal);
    private readonly Queue<string> _recent = new();
    private double _totalSeconds;
    private int _failures;

    public void Record(IEnumerable<(string Host, TimeSpan Latency, string? Error)> samples)
    {
        Parallel.ForEach(samples, sample =>
        {
            Interlocked.Increment(ref s_requests);

            lock (_monitor)
            {
                _latencies.Add(sample.Latency);
                _totalSeconds += sample.Latency.TotalSeconds;
            }

            using (_lock.EnterScope())
            {
                _hosts.Add(sample.Host);
            }

            if (sample.Error is { } error)
            {
                Monitor.Enter(_errors);
                try
                {
                    _errors[error] = _errors.GetValueOrDefault(error) + 1;
                    _failures++;
                }
                finally
                {
                    Monitor.Exit(_errors);
                }
            }

            _rw.EnterWriteLock();
            try
            {
                _recent.Enqueue(sample.Host);
                if (_recent.Count > 100)
                {
                    _recent.Dequeue();
                }
            }
            finally
            {
                _rw.ExitWriteLock();
            }
        });
    }

    public async Task FlushAsync(IEnumerable<string> hosts, Func<string, CancellationToken, Task> send, CancellationToken cancellationToken)
    {
        await Parallel.ForEachAsync(hosts, cancellationToken, async (host, ct) =>
        {
            await send(host, ct);
            await _semaphore.WaitAsync(ct);
            try
            {
                _hosts.Remove(host);
            }
            finally
            {
                _semaphore.Release();
            }
        });
    }

    public static long Requests => Interlocked.Read(ref s_requests);

    public int Failures => Volatile.Read(ref _failures);

    public double TotalSeconds { get { lock (_monitor) { return _totalSeconds; } } }
}

public static class Pipelines
{
    /// <summary>Producer side of a pipeline: concurrent queue and bag, Interlocked counters.</summary>
    public static (ConcurrentQueue<int> Evens, ConcurrentBag<int> Odds, long Sum) Split(int[] values)
    {
        var evens = new ConcurrentQueue<int>();
        var odds = new ConcurrentBag<int>();
        long sum = 0;
        Parallel.ForEach(values, v =>
        {
            if (v % 2 == 0) evens.Enqueue(v); else odds.Add(v);
            Interlocked.Add(ref sum, v);
        });
        return (evens, odds, sum);
    }

    /// <summary>Indexing words into a ConcurrentDictionary of ConcurrentBags.</summary>
    public static ConcurrentDictionary<string, ConcurrentBag<int>> Index(string[] documents)
    {
        var index = new ConcurrentDictionary<string, ConcurrentBag<int>>(StringComparer.OrdinalIgnoreCase);
        Parallel.For(0, documents.Length, d =>
        {
            foreach (string word in documents[d].Split(' ', StringSplitOptions.RemoveEmptyEntries))
            {
                index.GetOrAdd(word, _ => new ConcurrentBag<int>()).Add(d);
            }
        });
        return index;
    }

    /// <summary>Per-worker lists through ThreadLocal, combined afterwards.</summary>
    public static List<int> Primes(int limit)
    {
        using var perThread = new ThreadLocal<List<int>>(() => new List<int>(), trackAllValues: true);
        Parallel.For(2, limit, n =>
        {
            if (IsPrime(n))
            {
                perThread.Value!.Add(n);
            }
        });
        return perThread.Values.SelectMany(list => list).Order().ToList();
    }

    private static bool IsPrime(int n)
    {
        for (int d = 2; d * d <= n; d++)
        {
            if (n % d == 0) return false;
        }

        return true;
    }
}
