namespace ParallelGen.Tests;

/// <summary>
/// Issue 11 §4: a nested call uses the cores its parent leaves idle — at most max(1, cpus / outer workers) — so the
/// total stays within the CPU count, at every level and inside process workers. Counted from inside the calls.
/// </summary>
[Collection(nameof(ProcessCollection))]
public sealed class NestingTests
{
    private static int Cpus => ParallelContext.NestedWorkerLimit; // outside a body: the CPU count (capped by PARALLELGEN_MAX_CPUS)

    [Fact]
    public void Outside_a_body_the_limit_is_the_cpu_count()
    {
        Assert.False(ParallelContext.IsInParallelBody);
        Assert.Equal(Math.Min(Environment.ProcessorCount, Cpus), Cpus);
    }

    [Fact]
    public void A_single_outer_worker_leaves_every_core_to_the_nested_call()
    {
        NestingTargets.Reset();
        int[] limits = NestingTargets.OuterParallel([(0, 4 * Cpus, Cpus)], new ParallelizeOptions { Jobs = 1 });

        Assert.Equal(Cpus, limits[0]);
        Assert.Equal(Cpus, NestingTargets.MaxInside);
    }

    [Fact]
    public void Outer_workers_split_the_cores_and_the_total_stays_within_the_cpu_count()
    {
        int outer = Math.Min(2, Cpus);
        int share = Math.Max(1, Cpus / outer);
        NestingTargets.Reset();

        int[] limits = NestingTargets.OuterParallel(
            Enumerable.Range(0, outer).Select(i => (i, 4 * share, outer * share)), new ParallelizeOptions { Jobs = outer, BatchSize = 1 });

        Assert.All(limits, l => Assert.Equal(share, l));
        Assert.Equal(outer * share, NestingTargets.MaxInside);
        Assert.InRange(NestingTargets.MaxInside, 1, Cpus);
    }

    [Fact]
    public void More_outer_workers_than_cores_leave_nested_calls_one_worker_each()
    {
        int outer = Cpus + 1;
        NestingTargets.Reset();

        int[] limits = NestingTargets.OuterParallel(
            Enumerable.Range(0, outer).Select(i => (i, 3, outer)), new ParallelizeOptions { Jobs = outer, BatchSize = 1 });

        Assert.All(limits, l => Assert.Equal(1, l));
        Assert.Equal(outer, NestingTargets.MaxInside); // one inner body per outer worker, never more
    }

    [Fact]
    public void Deeper_levels_divide_the_share_again()
    {
        // Top (1 worker) → Middle gets every core; Middle with Cpus workers → Inner gets max(1, Cpus / Cpus) = 1 each.
        NestingTargets.Reset();
        int[] middleLimits = NestingTargets.TopParallel([(0, Cpus, 3, Cpus)]);

        Assert.Equal(1, middleLimits[0]);
        Assert.Equal(Cpus, NestingTargets.MaxInside);
    }

    [Fact]
    public void After_a_nested_call_the_caller_is_back_to_its_own_limit()
    {
        NestingTargets.Reset();
        _ = NestingTargets.OuterParallel([(0, 2, 1)], new ParallelizeOptions { Jobs = 1 });
        Assert.Equal(Cpus, ParallelContext.NestedWorkerLimit);
        Assert.False(ParallelContext.IsInParallelBody);
    }

    [Fact]
    public void Inside_a_process_worker_nested_calls_get_cpus_divided_by_the_parents_workers()
    {
        var one = NestingTargets.InWorkerParallel([(0, 4 * Cpus, Cpus)]);
        Assert.Equal((Cpus, Cpus), one[0]);

        int share = Math.Max(1, Cpus / 2);
        var two = NestingTargets.InWorkerParallel(
            Enumerable.Range(0, 2).Select(i => (i, 4 * share, share)), new ParallelizeOptions { Jobs = 2 });
        Assert.All(two, r => Assert.Equal((share, share), r));
    }
}
