namespace ParallelGen.Tests;

/// <summary>Issue 11 §5: a body reads its item's index, the same for any Jobs, batch size, order or backend.</summary>
[Collection(nameof(ProcessCollection))]
public sealed class ItemIndexTests
{
    private static readonly string[] s_items = [.. Enumerable.Range(0, 40).Select(i => $"item {i}")];
    private static readonly int[] s_indices = [.. Enumerable.Range(0, 40)];

    [Fact]
    public void Outside_a_body_there_is_no_item_index()
    {
        Assert.False(ParallelContext.TryGetItemIndex(out int index));
        Assert.Equal(-1, index);
        Assert.Throws<InvalidOperationException>(() => ParallelContext.ItemIndex);
    }

    [Theory]
    [InlineData(1, 0)]
    [InlineData(2, 1)]
    [InlineData(8, 0)]
    [InlineData(8, 7)]
    public async Task Threads_give_each_body_its_index(int jobs, int batchSize)
    {
        var options = new ParallelizeOptions { Jobs = jobs, BatchSize = batchSize };
        Assert.Equal(s_indices, IndexTargets.IndexOfParallel(s_items, options));
        Assert.Equal(s_indices, await IndexTargets.IndexOfParallelAsync(s_items, options));
        Assert.Equal(s_indices, await IndexTargets.IndexAfterAwaitParallelAsync(s_items, options));
        Assert.False(ParallelContext.TryGetItemIndex(out _));
    }

    [Theory]
    [InlineData(1, 0, 0)]
    [InlineData(2, 0, 37)]
    [InlineData(2, 5, 23)]
    [InlineData(8, 1, 39)]
    public void A_failure_after_a_nested_call_reports_the_outer_item_index(int jobs, int batchSize, int failAt)
    {
        // The thread loop reads a failed item's index back from the body's item-index store, which the nested call
        // restores on its way out: the index must be the outer item's, not one of the nested call's.
        int[] items = [.. Enumerable.Range(0, 40).Select(i => i == failAt ? -i - 1 : i)];
        var ex = Assert.Throws<InvalidOperationException>(() =>
            IndexTargets.FailAfterNestedParallel(items, new ParallelizeOptions { Jobs = jobs, BatchSize = batchSize }));
        Assert.Equal($"item {failAt}", ex.Message);
        Assert.Equal(failAt, ex.GetParallelItemIndex());
        Assert.False(ParallelContext.TryGetItemIndex(out _));
    }

    [Theory]
    [InlineData(1, 0)]
    [InlineData(2, 1)]
    [InlineData(2, 7)]
    public async Task Process_workers_give_each_body_its_index(int jobs, int batchSize)
    {
        var options = new ParallelizeOptions { Jobs = jobs, BatchSize = batchSize };
        Assert.Equal(s_indices, IndexTargets.IndexInWorkerParallel(s_items, options));
        Assert.Equal(s_indices, await IndexTargets.IndexInWorkerAfterAwaitParallelAsync(s_items, options));
    }

    [Fact]
    public void A_nested_call_does_not_change_the_callers_index()
    {
        var results = IndexTargets.AroundNestedParallel(["x", "y", "z"]);
        Assert.Equal([(0, 0, 3), (1, 1, 3), (2, 2, 3)], results);
    }

    [Fact]
    public void The_pi_estimate_seeded_from_the_item_index_is_the_same_for_any_jobs_and_backend()
    {
        int[] darts = [.. Enumerable.Repeat(20_000, 24)];
        long[] reference = [.. darts.Select((d, i) => Sequential(d, i))];
        double pi = 4.0 * reference.Sum() / darts.Sum();
        Assert.InRange(pi, 3.1, 3.2);

        foreach (int jobs in new[] { 1, 2, 8 })
        {
            foreach (int batchSize in new[] { 0, 1, 5 })
            {
                var options = new ParallelizeOptions { Jobs = jobs, BatchSize = batchSize };
                Assert.Equal(reference, IndexTargets.DartsParallel(darts, options));
                Assert.Equal(reference, IndexTargets.DartsInWorkerParallel(darts, options));
            }
        }
    }

    /// <summary>The same count without the runner: the stream of item <paramref name="index"/>.</summary>
    private static long Sequential(int samples, int index)
    {
        ParallelRandom random = ParallelRandom.For(IndexTargets.Seed, index);
        long inside = 0;
        for (int i = 0; i < samples; i++)
        {
            double x = random.NextDouble();
            double y = random.NextDouble();
            inside += x * x + y * y <= 1.0 ? 1 : 0;
        }

        return inside;
    }
}
