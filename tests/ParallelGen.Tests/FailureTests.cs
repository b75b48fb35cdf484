namespace ParallelGen.Tests;

[Collection(nameof(ProbeCollection))]
public class FailureTests : IDisposable
{
    public void Dispose()
    {
        Probe.Body = x => x;
        Probe.AsyncBody = (x, _) => Task.FromResult(x);
    }

    private sealed class CustomException(string message) : Exception(message);

    [Fact]
    public void First_exception_surfaces_with_its_original_type_and_item_index()
    {
        Probe.Body = x => x == 7 ? throw new CustomException("item seven") : x;

        var ex = Assert.Throws<CustomException>(() => Probe.EightParallel(Enumerable.Range(0, 20)));

        Assert.Equal("item seven", ex.Message);
        Assert.Equal(7, ex.GetParallelItemIndex());
        Assert.Contains(nameof(FailureTests), ex.StackTrace); // the worker's stack trace is kept
    }

    [Fact]
    public void Exception_in_a_sequential_run_also_carries_its_index()
    {
        Probe.Body = x => x == 3 ? throw new InvalidOperationException("three") : x;
        var ex = Assert.Throws<InvalidOperationException>(() => Probe.OneParallel(Enumerable.Range(0, 10)));
        Assert.Equal(3, ex.GetParallelItemIndex());
    }

    [Fact]
    public void First_exception_stops_dispatch_promptly()
    {
        int started = 0;
        Probe.Body = x =>
        {
            Interlocked.Increment(ref started);
            if (x == 5)
            {
                throw new InvalidOperationException("boom");
            }

            Thread.Sleep(2);
            return x;
        };

        Assert.Throws<InvalidOperationException>(() => Probe.TwoParallel(Enumerable.Range(0, 1000)));

        // Two workers, one item each at a time: after item 5 fails, the other worker stops at its next item. The bound
        // leaves room for a descheduled failing thread on a loaded machine; without the stop it would be 1000.
        Assert.InRange(Volatile.Read(ref started), 6, 60);
    }

    [Fact]
    public async Task Async_api_rethrows_the_original_exception_type()
    {
        Probe.Body = x => x == 2 ? throw new CustomException("async two") : x;
        var ex = await Assert.ThrowsAsync<CustomException>(() => Probe.EightParallelAsync(Enumerable.Range(0, 8)));
        Assert.Equal(2, ex.GetParallelItemIndex());
    }

    [Fact]
    public async Task Async_method_failure_cancels_the_token_of_calls_in_flight()
    {
        var inFlightCancelled = new TaskCompletionSource<bool>();
        Probe.AsyncBody = async (x, ct) =>
        {
            if (x == 0)
            {
                try
                {
                    await Task.Delay(TimeSpan.FromSeconds(30), ct);
                }
                catch (OperationCanceledException)
                {
                    inFlightCancelled.TrySetResult(true);
                    throw;
                }
            }

            await Task.Yield();
            return x == 1 ? throw new CustomException("one") : x;
        };

        var ex = await Assert.ThrowsAsync<CustomException>(() => Probe.ThreeParallelAsync(Enumerable.Range(0, 3)));

        Assert.Equal(1, ex.GetParallelItemIndex());
        Assert.True(await inFlightCancelled.Task.WaitAsync(TimeSpan.FromSeconds(30)));
    }

    [Fact]
    public void Cancellation_stops_promptly_with_OperationCanceledException()
    {
        using var cts = new CancellationTokenSource();
        int started = 0;
        Probe.Body = x =>
        {
            if (Interlocked.Increment(ref started) == 10)
            {
                cts.Cancel();
            }

            Thread.Sleep(1);
            return x;
        };

        var ex = Assert.ThrowsAny<OperationCanceledException>(() => Probe.TwoParallel(Enumerable.Range(0, 10_000), cts.Token));

        Assert.Equal(cts.Token, ex.CancellationToken);
        Assert.InRange(Volatile.Read(ref started), 10, 60); // of 10,000, with room for a loaded machine
    }

    [Fact]
    public async Task Cancellation_of_the_async_api_cancels_the_task()
    {
        using var cts = new CancellationTokenSource();
        Probe.Body = x =>
        {
            if (x == 3)
            {
                cts.Cancel();
            }

            return x;
        };

        Task<int[]> task = Probe.TwoParallelAsync(Enumerable.Range(0, 10_000), cts.Token);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => task);
        Assert.True(task.IsCanceled);
    }

    [Fact]
    public void Already_cancelled_token_makes_no_calls()
    {
        int calls = 0;
        Probe.Body = x => Interlocked.Increment(ref calls);
        Assert.ThrowsAny<OperationCanceledException>(() => Probe.EightParallel([1, 2, 3], new CancellationToken(true)));
        Assert.True(Probe.EightParallelAsync([1, 2, 3], new CancellationToken(true)).IsCanceled);
        Assert.Equal(0, calls);
    }

    [Fact]
    public void Timeout_option_throws_TimeoutException_and_starts_no_more_items()
    {
        int started = 0;
        Probe.Body = x =>
        {
            Interlocked.Increment(ref started);
            Thread.Sleep(20);
            return x;
        };

        var ex = Assert.Throws<TimeoutException>(() =>
            Probe.TwoParallel(Enumerable.Range(0, 1000), new ParallelizeOptions { Timeout = TimeSpan.FromMilliseconds(100) }));

        Assert.Contains("of 1000 items had completed", ex.Message);
        Assert.True(Volatile.Read(ref started) < 1000);
    }

    [Fact]
    public async Task With_a_timeout_a_bodys_own_OperationCanceledException_is_reported_as_itself()
    {
        // CPython's test_map_timeout_from_callable: the body's exception, not a TimeoutException.
        var own = new OperationCanceledException("the body's own");
        Probe.Body = x => x == 7 ? throw own : x;

        var ex = Assert.Throws<OperationCanceledException>(() =>
            Probe.TwoParallel(Enumerable.Range(0, 20), new ParallelizeOptions { Timeout = TimeSpan.FromSeconds(30) }));

        Assert.Same(own, ex);
        Assert.Equal(7, ex.GetParallelItemIndex());
        var asyncEx = await Assert.ThrowsAsync<OperationCanceledException>(() =>
            Probe.TwoParallelAsync(Enumerable.Range(0, 20), new ParallelizeOptions { Timeout = TimeSpan.FromSeconds(30) }));
        Assert.Same(own, asyncEx);
    }
}
