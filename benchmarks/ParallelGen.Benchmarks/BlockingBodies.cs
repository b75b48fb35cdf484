using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using BenchmarkDotNet.Attributes;

namespace ParallelGen.Benchmarks;

/// <summary>
/// Eight calls that each block for 100 ms (no CPU). With eight truly concurrent workers the batch takes ~100 ms on
/// any machine; anything that runs them on the .NET thread pool depends on how fast the pool injects threads when its
/// threads block (on a 2-core machine it starts with 2 and adds more slowly). Each iteration is one batch, so a few
/// iterations are enough.
/// </summary>
/// <remarks>
/// The thread pool adapts during the run: after the first blocked batches it has already grown, so later iterations of
/// the pool-based variants look better than a cold start would. For the first call of a fresh process, run
/// <c>-- --cold Generated|ParallelForEach|TaskWhenAll</c> (see <see cref="ColdStart"/>) in a loop.
/// </remarks>
[MemoryDiagnoser]
[Config(typeof(BlockingBodiesConfig))]
public class BlockingBodies
{
    public const int SleepMilliseconds = 100;
    private const int Calls = 8;
    private static readonly int[] s_items = Enumerable.Range(0, Calls).ToArray();

    [Benchmark(Baseline = true, Description = "Generated NapParallel (Jobs = 8)")]
    public int[] Generated() => Work.NapParallel(s_items);

    [Benchmark(Description = "Parallel.ForEach, default options")]
    public int[] ParallelForEach()
    {
        int[] result = new int[Calls];
        Parallel.ForEach(s_items, i =>
        {
            Thread.Sleep(SleepMilliseconds);
            result[i] = i;
        });
        return result;
    }

    [Benchmark(Description = "Task.WhenAll(Task.Run x 8)")]
    public int[] TaskWhenAll() =>
        Task.WhenAll(s_items.Select(i => Task.Run(() =>
        {
            Thread.Sleep(SleepMilliseconds);
            return i;
        }))).GetAwaiter().GetResult();
}
