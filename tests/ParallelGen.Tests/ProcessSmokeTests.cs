namespace ParallelGen.Tests;

public class ProcessSmokeTests
{
    [Fact]
    public void Smoke()
    {
        int[] pids = Remote.ProcessIdParallel(Enumerable.Range(0, 10), new ParallelizeOptions { BatchSize = 1 });
        Assert.DoesNotContain(Environment.ProcessId, pids);
        Assert.Equal(new long[] { 0, 1, 4, 9 }, Remote.SquareParallel([0L, 1L, 2L, 3L]));
    }
}
