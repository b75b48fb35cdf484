using System.Runtime.CompilerServices;

namespace ParallelGen.Tests;

/// <summary>The futures fixes found with CPython's test_concurrent_futures (issue 10 §4).</summary>
public class FutureFixTests
{
    [Fact]
    public void Exception_of_a_cancelled_future_throws_OperationCanceledException()
    {
        using var release = new ManualResetEventSlim();
        using var started = new ManualResetEventSlim();
        using var executor = new ParallelExecutor(1);
        Future<int> running = executor.Submit(() => { started.Set(); _ = release.Wait(TestGates.Hold); return 1; });
        Future<int> queued = executor.Submit(() => 2);
        Assert.True(started.Wait(TestGates.Hold), "the call did not start");
        Assert.True(queued.Cancel());
        release.Set();

        Assert.ThrowsAny<OperationCanceledException>(() => queued.Exception());
        Assert.Null(running.Exception());
    }

    [Fact]
    public void AsCompleted_yields_a_future_passed_several_times_once()
    {
        using var executor = new ParallelExecutor(2);
        Future<int> a = executor.Submit(() => 1);
        Future<int> b = executor.Submit(() => 2);

        Future<int>[] yielded = [.. Future<int>.AsCompleted([a, b, a, a, b])];

        Assert.Equal(2, yielded.Length);
        Assert.Contains(a, yielded);
        Assert.Contains(b, yielded);
    }

    [Fact]
    public void AsCompleted_times_out_when_futures_are_still_pending()
    {
        using var release = new ManualResetEventSlim();
        using var executor = new ParallelExecutor(2);
        Future<int> fast = executor.Submit(() => 1);
        Future<int> slow = executor.Submit(() => { _ = release.Wait(TestGates.Hold); return 2; });
        try
        {
            Assert.Equal(1, fast.Result()); // done before the loop starts, however loaded the machine is

            var seen = new List<Future<int>>();
            Assert.Throws<TimeoutException>(() =>
            {
                foreach (Future<int> f in Future<int>.AsCompleted([fast, slow], TimeSpan.FromMilliseconds(200)))
                {
                    seen.Add(f);
                }
            });
            Assert.Equal([fast], seen);
        }
        finally
        {
            release.Set(); // also when an assertion failed: disposing the executor waits for the slow call
        }

        Assert.Equal(2, slow.Result());
    }

    [Fact]
    public void AsCompleted_can_be_enumerated_once()
    {
        using var executor = new ParallelExecutor(1);
        IEnumerable<Future<int>> sequence = Future<int>.AsCompleted([executor.Submit(() => 1)]);
        Assert.Single(sequence);
        Assert.Throws<InvalidOperationException>(() => sequence.GetEnumerator());
    }

    [Fact]
    public void AsCompleted_releases_each_future_it_has_yielded()
    {
        // CPython's test_free_reference_yielded_future: 1 MB results become collectable while the loop goes on.
        using var executor = new ParallelExecutor(2);
        using var releaseLast = new ManualResetEventSlim();
        Future<byte[]> last = executor.Submit(() => { _ = releaseLast.Wait(TestGates.Hold); return Array.Empty<byte>(); });
        (IEnumerator<Future<byte[]>> e, WeakReference[] weak) = StartOverBigResults(executor, last, 4);
        try
        {
            RunOverBigResults(e, weak, last, releaseLast);
        }
        finally
        {
            releaseLast.Set(); // also when an assertion failed: disposing the executor waits for the last call
            e.Dispose();
        }
    }

    private static void RunOverBigResults(IEnumerator<Future<byte[]>> e, WeakReference[] weak, Future<byte[]> last, ManualResetEventSlim releaseLast)
    {
        for (int i = 0; i < weak.Length; i++)
        {
            Assert.True(e.MoveNext());
            Assert.NotSame(last, e.Current);
        }

        // The loop is still running (the last future is pending). Every yielded future but the current one
        // (IEnumerator.Current holds it until the next MoveNext) is collectable.
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        Assert.Equal(weak.Length - 1, weak.Count(w => !w.IsAlive));

        releaseLast.Set();
        Assert.True(e.MoveNext());
        Assert.Same(last, e.Current);
        Assert.False(e.MoveNext());
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static (IEnumerator<Future<byte[]>> Enumerator, WeakReference[] Weak) StartOverBigResults(ParallelExecutor executor, Future<byte[]> last, int count)
    {
        var futures = new List<Future<byte[]>>();
        for (int i = 0; i < count; i++)
        {
            futures.Add(executor.Submit(() => new byte[1 << 20]));
        }

        foreach (Future<byte[]> f in futures)
        {
            f.Result();
        }

        WeakReference[] weak = [.. futures.Select(f => new WeakReference(f))];
        return (Future<byte[]>.AsCompleted([.. futures, last]).GetEnumerator(), weak);
    }
}
