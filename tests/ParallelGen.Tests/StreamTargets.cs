using System.Collections.Concurrent;

namespace ParallelGen.Tests;

/// <summary>A result that counts how many instances are alive (created and not yet finalized).</summary>
public sealed class Payload
{
    private static long s_created;
    private static long s_finalized;

    public Payload(int index)
    {
        Index = index;
        Interlocked.Increment(ref s_created);
    }

    ~Payload() => Interlocked.Increment(ref s_finalized);

    public int Index { get; }

    public byte[] Data { get; } = new byte[1024];

    public static long Live => Interlocked.Read(ref s_created) - Interlocked.Read(ref s_finalized);
}

/// <summary>The thrown by a test input's enumerator.</summary>
public sealed class InputException(string message) : Exception(message);

/// <summary>Stream targets; tests that steer them through <see cref="Hook"/> run sequentially (one collection).</summary>
public static partial class StreamTargets
{
    internal static Action<int> Hook { get; set; } = _ => { };

    internal static ConcurrentQueue<string> Log { get; } = new();

    [Parallelize(Jobs = 2)]
    public static int Square(int x)
    {
        Hook(x);
        return x * x;
    }

    [Parallelize(Jobs = 2, BatchSize = 1)]
    public static int Logged(int x)
    {
        Log.Enqueue($"consumed {x}");
        return x;
    }

    [Parallelize(Jobs = 2)]
    public static int Position(int x) => ParallelContext.ItemIndex;

    [Parallelize(Jobs = 2)]
    public static Payload Make(int x) => new(x);

    [Parallelize(Jobs = 2, BatchSize = 1)]
    public static int Wait(int x, CancellationToken cancellationToken)
    {
        Hook(x);
        if (x >= 2)
        {
            Log.Enqueue($"holding {x}");
            if (cancellationToken.WaitHandle.WaitOne(TimeSpan.FromSeconds(60)))
            {
                Log.Enqueue($"cancelled {x}");
                cancellationToken.ThrowIfCancellationRequested();
            }
        }

        return x;
    }

    [Parallelize(Jobs = 2, BatchSize = 1)]
    public static void Touch(int x) => Hook(x);

    [Parallelize(Jobs = 3)]
    public static async Task<int> TwiceAsync(int x, CancellationToken cancellationToken)
    {
        await Task.Delay((x % 3) * 5, cancellationToken);
        return 2 * x;
    }

    [Parallelize(Jobs = 2, BatchSize = 1, Backend = Backend.Processes)]
    public static int Cube(int x, int sleepMilliseconds)
    {
        Thread.Sleep(sleepMilliseconds);
        return x * x * x;
    }
}
