using System.Runtime.CompilerServices;

namespace ParallelGen.Tests;

/// <summary>
/// Issue 10 §1: MapBuffered (CPython 3.14's map(buffersize=n)) keeps a bounded number of calls ahead of the consumer,
/// so an endless input can be mapped; thread executors name their threads with a prefix (thread_name_prefix).
/// </summary>
[Collection(nameof(ProcessCollection))]
public class ExecutorBufferTests
{
    private static readonly TimeSpan s_limit = TimeSpan.FromSeconds(60);

    private static IEnumerable<int> Endless(StrongBox<int> pulled)
    {
        for (int i = 0; ; i++)
        {
            pulled.Value++;
            yield return i;
        }
    }

    [Fact]
    public void MapBuffered_reads_an_endless_input_only_as_far_as_the_buffer()
    {
        using var executor = new ParallelExecutor(maxWorkers: 2);
        var pulled = new StrongBox<int>();
        using IEnumerator<int> results = executor.MapBuffered((int x) => 2 * x, Endless(pulled), bufferSize: 4, timeout: s_limit).GetEnumerator();

        Assert.Equal(0, pulled.Value); // lazy: nothing read before the first result is asked for
        for (int i = 0; i < 10; i++)
        {
            Assert.True(results.MoveNext());
            Assert.Equal(2 * i, results.Current);
            Assert.InRange(pulled.Value, i + 1, i + 1 + 4 + 1); // the results taken + the buffer + the one submitted ahead
        }

        int before = pulled.Value;
        Thread.Sleep(100);
        Assert.Equal(before, pulled.Value); // a paused consumer stops the reading
    }

    [Fact]
    public void MapBuffered_on_processes_keeps_order_and_reads_a_bounded_prefix()
    {
        using var executor = new ParallelExecutor(maxWorkers: 2, Backend.Processes);
        var pulled = new StrongBox<int>();
        long[] first = [.. executor.MapBuffered(Remote.SquareParallel, Endless(pulled).Select(i => (long)i), bufferSize: 3, timeout: s_limit).Take(6)];

        Assert.Equal([0L, 1, 4, 9, 16, 25], first);
        Assert.InRange(pulled.Value, 6, 6 + 3 + 1);
    }

    [Fact]
    public void MapBuffered_rethrows_a_failed_call_when_its_result_is_reached()
    {
        using var executor = new ParallelExecutor(maxWorkers: 2);
        IEnumerable<int> results = executor.MapBuffered((int x) => x == 3 ? throw new InvalidOperationException("three") : x, Enumerable.Range(0, 10), bufferSize: 2, timeout: null);
        var taken = new List<int>();
        var ex = Assert.Throws<InvalidOperationException>(() =>
        {
            foreach (int r in results)
            {
                taken.Add(r);
            }
        });
        Assert.Equal("three", ex.Message);
        Assert.Equal([0, 1, 2], taken);
        Assert.Throws<ArgumentOutOfRangeException>(() => executor.MapBuffered((int x) => x, [1], bufferSize: 0, timeout: null));
    }

    [Fact]
    public void Thread_executor_names_its_threads_with_the_prefix()
    {
        using var executor = new ParallelExecutor(maxWorkers: 2, threadNamePrefix: "pg-test");
        string?[] names = executor.Map(_ => { Thread.Sleep(20); return Thread.CurrentThread.Name; }, Enumerable.Range(0, 6));
        Assert.All(names, n => Assert.Matches("^pg-test_[0-9]+$", n));

        using var unnamed = new ParallelExecutor(maxWorkers: 1);
        Assert.DoesNotContain("pg-test", unnamed.Submit(() => Thread.CurrentThread.Name ?? "").Result(s_limit));
    }
}
