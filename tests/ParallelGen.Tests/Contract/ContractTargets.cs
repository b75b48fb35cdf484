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

    /// <summary>The item's index in the call's input, as the body sees it (<see cref="ParallelContext.ItemIndex"/>), next to the item.</summary>
    [Parallelize(Jobs = 2, Backend = Backend.Processes)]
    public static (int Item, int Index) WhereAmI(int x) => (x, ParallelContext.ItemIndex);

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

    /// <summary>
    /// The stop after a failure, counted rather than timed. Item <paramref name="failAt"/> writes <c>failed</c> and
    /// throws; items before it return at once; an item after it holds (up to 30 s) until the caller's side has recorded
    /// the failure (the test writes <c>observed</c> then), so no worker runs ahead while the failure travels back. Items
    /// write <c>started-x</c>, or <c>late-x</c> when they start after the failure was recorded; a late item holds until
    /// the call's token is cancelled (threads and the cluster cancel it as they stop; a worker process's running item
    /// keeps its token after a failure, so there at most 1 s), so that a worker runs at most one item in the instant
    /// between the record and the stop even when the recording thread is descheduled in between.
    /// </summary>
    [Parallelize(Jobs = 2, BatchSize = 1, Backend = Backend.Processes)]
    public static int StopAt(int x, string directory, int failAt, CancellationToken cancellationToken)
    {
        string observed = Path.Combine(directory, "observed");
        if (File.Exists(observed))
        {
            File.WriteAllText(Path.Combine(directory, $"late-{x}"), "");
            cancellationToken.WaitHandle.WaitOne(TimeSpan.FromSeconds(1));
            return x;
        }

        File.WriteAllText(Path.Combine(directory, $"started-{x}"), "");
        if (x == failAt)
        {
            File.WriteAllText(Path.Combine(directory, "failed"), "");
            throw new ContractException($"item {x} failed");
        }

        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (x > failAt && !File.Exists(observed) && DateTime.UtcNow < deadline)
        {
            Thread.Sleep(1);
        }

        return x;
    }

    /// <summary>A method without a result (its streams hand out the finished items' indices): sleeps a little.</summary>
    [Parallelize(Jobs = 2, Backend = Backend.Processes)]
    public static void Pause(int milliseconds) => Thread.Sleep(milliseconds);

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

    // The counters are process-wide on purpose (updated with Interlocked; each process counts its own inner bodies).
#pragma warning disable PG0003, PG0007
    private static int s_innerActive;
    private static int s_innerMax;
    private static int s_innerArrived;

    /// <summary>
    /// Inside the body: runs an inner call on <c>4 × expected</c> items with every CPU asked for, and returns how many
    /// inner bodies ran at once in this process (-1 when the body was not inside a parallel body). The first
    /// <paramref name="expected"/> inner items wait (up to 30 s) until that many have arrived, so a nesting limit
    /// below or above it shows in the count.
    /// </summary>
    [Parallelize(Jobs = 2, Backend = Backend.Processes)]
    public static int Outer(int expected)
    {
        if (!ParallelContext.IsInParallelBody)
        {
            return -1;
        }

        (s_innerActive, s_innerMax, s_innerArrived) = (0, 0, 0);
        _ = InnerParallel(Enumerable.Range(0, 4 * expected).Select(i => (i, expected)));
        return Volatile.Read(ref s_innerMax);
    }

    /// <summary>An inner body that counts the inner bodies inside at once (see <see cref="Outer"/>).</summary>
    [Parallelize(Jobs = -1)]
    public static int Inner(int x, int expected)
    {
        int now = Interlocked.Increment(ref s_innerActive);
        int max;
        while ((max = Volatile.Read(ref s_innerMax)) < now && Interlocked.CompareExchange(ref s_innerMax, now, max) != max)
        {
        }

        try
        {
            if (Interlocked.Increment(ref s_innerArrived) <= expected)
            {
                SpinWait.SpinUntil(() => Volatile.Read(ref s_innerArrived) >= expected, TimeSpan.FromSeconds(30));
            }

            return x;
        }
        finally
        {
            Interlocked.Decrement(ref s_innerActive);
        }
    }
#pragma warning restore PG0003, PG0007

    /// <summary>
    /// Marks the item as started; items below <paramref name="fast"/> return at once, the others hold until the call's
    /// token is cancelled (then they mark themselves cancelled) or 60 s pass.
    /// </summary>
    [Parallelize(Jobs = 2, BatchSize = 1, Backend = Backend.Processes)]
    public static int Hold(int x, string directory, int fast, CancellationToken cancellationToken)
    {
        File.WriteAllText(Path.Combine(directory, $"started-{x}"), "");
        if (x < fast)
        {
            return x;
        }

        if (cancellationToken.WaitHandle.WaitOne(TimeSpan.FromSeconds(60)))
        {
            File.WriteAllText(Path.Combine(directory, $"cancelled-{x}"), "");
            cancellationToken.ThrowIfCancellationRequested();
        }

        return x;
    }
}
