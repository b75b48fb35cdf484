using ParallelGen;

namespace ParallelGen.Tests;

public record Point3(double X, double Y, double Z);

public enum Shade
{
    Light,
    Dark,
}

public sealed class Bag
{
    public List<int> Numbers { get; set; } = [];

    public Dictionary<string, Shade> Shades { get; set; } = [];
}

public struct Measurement
{
    public double Value;
    public string Unit { get; set; }
    public DateTime Taken { get; set; }
}

public sealed class CustomWorkerException(string message) : Exception(message);

/// <summary>An exception type with only a (message, inner) constructor.</summary>
public sealed class InnerOnlyWorkerException(string message, Exception? inner) : Exception(message, inner);

/// <summary>An exception type without a (message) constructor: a code, and a parameterless constructor.</summary>
public sealed class CodedWorkerException : Exception
{
    public CodedWorkerException()
    {
    }

    public CodedWorkerException(int code)
        : base($"failed with code {code}") => Code = code;

    public int Code { get; }
}

/// <summary>Process-backend targets; they run in worker processes started from this test assembly (the dotnet test host case).</summary>
public static partial class Remote
{
    [Parallelize(Jobs = 2, Backend = Backend.Processes)]
    public static int ProcessId(int x) => Environment.ProcessId;

    [Parallelize(Jobs = 2, Backend = Backend.Processes)]
    public static long Square(long x) => x * x;

    [Parallelize(Jobs = 2, Backend = Backend.Processes)]
    public static Point3 Scale(Point3 p, double k) => new(p.X * k, p.Y * k, p.Z * k);

    [Parallelize(Jobs = 2, Backend = Backend.Processes)]
    public static Measurement[] Convert(Measurement[] readings, Dictionary<string, double> factors) =>
        readings.Select(m => new Measurement { Value = m.Value * factors[m.Unit], Unit = "m", Taken = m.Taken.AddDays(1) }).ToArray();

    [Parallelize(Jobs = 2, Backend = Backend.Processes)]
    public static Bag Summarize(Bag bag, (int Count, string Name) extra) =>
        new() { Numbers = [.. bag.Numbers, bag.Numbers.Sum(), extra.Count], Shades = new(bag.Shades) { [extra.Name] = Shade.Dark } };

    [Parallelize(Jobs = 2, Backend = Backend.Processes)]
    public static int Fail(int x, string kind) => kind switch
    {
        "invalid" when x == 3 => throw new InvalidOperationException($"bad item {x}"),
        "custom" when x == 1 => throw new CustomWorkerException($"custom {x}"),
        "argnull" when x == 0 => throw new ArgumentNullException(nameof(x), "was null-ish"),
        "inneronly" when x == 0 => throw new InnerOnlyWorkerException("inner only", new InvalidOperationException()),
        "coded" when x == 0 => throw new CodedWorkerException(7),
        _ => x,
    };

    [Parallelize(Jobs = 2, Backend = Backend.Processes)]
    public static int Crash(int x, string how, string marker)
    {
        bool first = !File.Exists(marker + "." + x);
        File.WriteAllText(marker + "." + x, "seen");
        if (x == 2 && (how != "once" || first))
        {
            switch (how)
            {
                case "failfast":
                case "once":
                    Environment.FailFast("ParallelGen test: deliberate crash");
                    break;
                case "kill":
                    System.Diagnostics.Process.GetCurrentProcess().Kill();
                    break;
                case "exit":
                    Environment.Exit(42);
                    break;
                case "overflow":
                    return Recurse(x);
            }
        }

        return x;
    }

    [Parallelize(Jobs = 2, Backend = Backend.Processes)]
    public static int Sleep(int x, int milliseconds)
    {
        Thread.Sleep(milliseconds);
        return x;
    }

    /// <summary>
    /// Waits for cancellation of its token, then leaves a "cancelled" marker: proof the token was cancelled inside the
    /// worker, which a kill could not leave. <paramref name="honour"/> false ignores the token (the grace period ends it).
    /// </summary>
    [Parallelize(Jobs = 2, Backend = Backend.Processes)]
    public static int WaitForCancel(int x, string marker, bool honour, CancellationToken cancellationToken)
    {
        Mark($"{marker}.{x}.started", Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture));
        if (!honour)
        {
            Thread.Sleep(60_000);
            return x;
        }

        cancellationToken.WaitHandle.WaitOne(60_000);
        File.WriteAllText($"{marker}.{x}.cancelled", "token cancelled in the worker");
        cancellationToken.ThrowIfCancellationRequested();
        return x;
    }

    /// <summary>Starts a child process (sleep), leaves its pid in a marker file, then sleeps: killing the worker must end the child too.</summary>
    [Parallelize(Jobs = 2, Backend = Backend.Processes)]
    public static int SpawnAndHang(int x, string marker)
    {
        using var child = System.Diagnostics.Process.Start("sleep", "600");
        Mark($"{marker}.{x}.child", child.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Thread.Sleep(60_000);
        return x;
    }

    /// <summary>Leaves its worker's pid in a marker file, then sleeps: a method without a token, so it is killed on cancel.</summary>
    [Parallelize(Jobs = 2, Backend = Backend.Processes)]
    public static int Hang(int x, string marker)
    {
        Mark($"{marker}.{x}.started", Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Thread.Sleep(60_000);
        return x;
    }

    /// <summary>Writes a marker file atomically, so a reader that sees it also sees its content.</summary>
    internal static void Mark(string path, string content)
    {
        File.WriteAllText(path + ".tmp", content);
        File.Move(path + ".tmp", path, overwrite: true);
    }

    /// <summary>Waits until <paramref name="count"/> distinct worker processes are inside this method: forces that many workers.</summary>
    [Parallelize(Jobs = 2, Backend = Backend.Processes)]
    public static int Rendezvous(int x, string directory, int count)
    {
        File.WriteAllText(Path.Combine(directory, Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture)), "");
        SpinWait.SpinUntil(() => Directory.GetFiles(directory).Length >= count, TimeSpan.FromSeconds(30));
        return Environment.ProcessId;
    }

    /// <summary>Framework types that needed formatters of ParallelGen's own (Int128, frozen collections) or contractless fields (Vector3).</summary>
    [Parallelize(Jobs = 2, Backend = Backend.Processes)]
    public static (Int128 Next, System.Collections.Frozen.FrozenSet<int> Doubled, System.Numerics.Vector3 Scaled) Widen(
        Int128 big, System.Collections.Frozen.FrozenSet<int> set, System.Numerics.Vector3 v) =>
        (big + 1, System.Collections.Frozen.FrozenSet.ToFrozenSet(set.Select(x => 2 * x)), v * 2);

    [Parallelize(Jobs = 2, Backend = Backend.Processes)]
    public static string Talk(int x)
    {
        Console.WriteLine($"hello from item {x}");
        return $"{x}:{Environment.ProcessId}";
    }

    [Parallelize(Jobs = 1, Backend = Backend.Processes)]
    public static int RawStdout(int x)
    {
        // Bypasses Console.Out: the raw descriptor, and a child process inheriting it.
        using (Stream stdout = Console.OpenStandardOutput())
        {
            stdout.Write("raw bytes on fd 1\n"u8);
        }

        if (File.Exists("/bin/echo"))
        {
            System.Diagnostics.Process.Start("/bin/echo", "a child process says hi")!.WaitForExit();
        }

        return x;
    }

    [Parallelize(Jobs = 1, Backend = Backend.Processes)]
    public static int NoNewline(int x)
    {
        Console.Write($"partial line {x}");
        return x;
    }

    [Parallelize(Jobs = 2, Backend = Backend.Processes)]
    public static void Touch(string path) => File.WriteAllText(path, Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture));

    [Parallelize(Jobs = 2, Backend = Backend.Processes)]
    public static async Task TouchLaterAsync(string path)
    {
        await Task.Yield();
        Touch(path);
    }

    [Parallelize(Jobs = 2, Backend = Backend.Processes)]
    public static async Task<int> TwiceAsync(int x)
    {
        await Task.Yield();
        return 2 * x;
    }

    [Parallelize(Jobs = 2, Backend = Backend.Processes)]
    public static bool Nested(int x) => ProcessBackend.IsWorkerProcess && ParallelContext.IsInParallelBody
        && SquareParallel([1L, 2L]).SequenceEqual([1L, 4L]) && ProcessBackend.StartedWorkerCount == 0;

    // Counts calls per worker process: a recycled worker starts again at 1 (the PG0007 warning is the point).
#pragma warning disable PG0003, PG0007
    [Parallelize(Jobs = 1, Backend = Backend.Processes)]
    public static int Counter(int x) => ++s_counter;
#pragma warning restore PG0003, PG0007

    private static int s_counter;

    private static int Recurse(int depth) => depth == int.MinValue ? 0 : Recurse(depth + 1) + 1;
}
