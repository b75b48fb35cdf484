namespace ParallelGen.Tests.Contract;

/// <summary>An exception type of this assembly, to check that a backend rethrows the original type.</summary>
public sealed class ContractException(string message) : Exception(message);

/// <summary>
/// The contract suite's methods. They are declared for the process backend (so every backend can run them, remote
/// ones included) and called with <see cref="ParallelizeOptions.Backend"/> set to the backend under test. Whatever a
/// test observes crosses the process boundary: the items steer the calls, and the calls leave files in a directory.
/// </summary>
public static partial class ContractTargets
{
    /// <summary>Returns x², after a short sleep that makes items finish out of order.</summary>
    [Parallelize(Jobs = 2, Backend = Backend.Processes)]
    public static long Square(int x, int sleepMilliseconds)
    {
        Thread.Sleep(sleepMilliseconds);
        return (long)x * x;
    }

    /// <summary>Marks the item as started in <paramref name="directory"/>, then throws at <paramref name="failAt"/> or sleeps.</summary>
    [Parallelize(Jobs = 2, BatchSize = 1, Backend = Backend.Processes)]
    public static int Step(int x, string directory, int failAt, int sleepMilliseconds)
    {
        File.WriteAllText(Path.Combine(directory, $"started-{x}"), "");
        if (x == failAt)
        {
            throw new ContractException($"item {x} failed");
        }

        Thread.Sleep(sleepMilliseconds);
        return x;
    }

    /// <summary>Throws a framework exception type at <paramref name="failAt"/>.</summary>
    [Parallelize(Jobs = 2, Backend = Backend.Processes)]
    public static async Task<int> FailAsync(int x, int failAt)
    {
        await Task.Yield();
        return x == failAt ? throw new InvalidOperationException($"async item {x}") : x;
    }

    /// <summary>
    /// Counts the calls inside at once, from inside the calls: each call holds a file in <paramref name="directory"/>
    /// while it runs and returns how many such files it saw. The first <paramref name="expected"/> items wait (up to
    /// 30 s) until that many calls are inside together, so a backend that runs fewer at once is caught, not timed.
    /// </summary>
    [Parallelize(Jobs = 2, BatchSize = 1, Backend = Backend.Processes)]
    public static int Overlap(int x, string directory, int expected)
    {
        string mine = Path.Combine(directory, $"active-{x}");
        File.WriteAllText(mine, "");
        try
        {
            int seen = Directory.GetFiles(directory, "active-*").Length;
            if (x < expected)
            {
                File.WriteAllText(Path.Combine(directory, $"arrived-{x}"), "");
                var deadline = DateTime.UtcNow.AddSeconds(30);
                while (Directory.GetFiles(directory, "arrived-*").Length < expected && DateTime.UtcNow < deadline)
                {
                    Thread.Sleep(1);
                }

                seen = Math.Max(seen, Directory.GetFiles(directory, "active-*").Length);
            }

            return seen;
        }
        finally
        {
            File.Delete(mine);
        }
    }

    /// <summary>1 when a parallel call made inside the body ran sequentially, inside a parallel body, on this thread.</summary>
    [Parallelize(Jobs = 2, Backend = Backend.Processes)]
    public static int Outer(int x)
    {
        int me = Environment.CurrentManagedThreadId;
        bool inside = ParallelContext.IsInParallelBody;
        int[] threads = InnerParallel(Enumerable.Range(0, 4));
        return inside && threads.All(t => t == me) ? 1 : 0;
    }

    /// <summary>The thread an inner call ran on (-1 when it was not inside a parallel body).</summary>
    [Parallelize(Jobs = 4)]
    public static int Inner(int x) => ParallelContext.IsInParallelBody ? Environment.CurrentManagedThreadId : -1;
}
