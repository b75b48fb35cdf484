using ParallelGen;

namespace ParallelGen.Tests;

/// <summary>Bodies whose behaviour each test steers through static hooks (tests using them run sequentially).</summary>
public static partial class Probe
{
    internal static Func<int, int> Body { get; set; } = x => x;

    internal static Func<int, CancellationToken, Task<int>> AsyncBody { get; set; } = (x, _) => Task.FromResult(x);

    [Parallelize(Jobs = 8)]
    public static int Eight(int x) => Body(x);

    [Parallelize(Jobs = 2, BatchSize = 1)]
    public static int Two(int x) => Body(x);

    [Parallelize(Jobs = 1)]
    public static int One(int x) => Body(x);

    [Parallelize(Jobs = -1)]
    public static int AllCpus(int x) => Body(x);

    [Parallelize(Jobs = 3)]
    public static Task<int> ThreeAsync(int x, CancellationToken cancellationToken) => AsyncBody(x, cancellationToken);

    [Parallelize(Jobs = 4, BatchSize = 1)]
    public static int Outer(int x)
    {
        // 1 when every inner call ran on this outer body's own thread, i.e. sequentially.
        int me = Environment.CurrentManagedThreadId;
        return InnerParallel(Enumerable.Range(0, 4)).All(thread => thread == me) ? 1 : 0;
    }

    [Parallelize(Jobs = 4)]
    public static int Inner(int x) => Body(x);
}
