using ParallelGen;

// A new user's program: decorate, call the generated methods, check what comes back.
var failures = new List<string>();
void Check(bool ok, string what)
{
    Console.WriteLine($"{(ok ? "PASS" : "FAIL")} {what}");
    if (!ok)
    {
        failures.Add(what);
    }
}

int[] squares = Work.SquareParallel(Enumerable.Range(0, 8));
Check(squares.SequenceEqual([0, 1, 4, 9, 16, 25, 36, 49]), "SquareParallel returns results in input order");

int[] squaresAsync = await Work.SquareParallelAsync(Enumerable.Range(0, 8));
Check(squaresAsync.SequenceEqual(squares), "SquareParallelAsync matches");

string[] joined = Work.JoinParallel([(1, "a"), (2, "b")], new ParallelizeOptions { Jobs = 2 });
Check(joined.SequenceEqual(["1:a", "2:b"]), "several parameters take tuples; per-call options");

int[] fetched = await Work.FetchParallelAsync([1, 2, 3]);
Check(fetched.SequenceEqual([10, 20, 30]), "async method gets NameParallelAsync");

try
{
    Work.SquareParallel([1, 2, -3, 4]);
    Check(false, "exception surfaces");
}
catch (ArgumentOutOfRangeException ex)
{
    Check(ex.GetParallelItemIndex() == 2, "original exception type with the failing item's index");
}

double[] roots = new ParallelJobs(jobs: 4).Run(Enumerable.Range(0, 5).Select(i => Delayed.Call(Math.Sqrt, (double)i)));
Check(roots.Length == 5 && roots[4] == 2.0, "joblib-style ParallelJobs + Delayed.Call");

int[] workerPids = Work.WhereParallel([1, 2, 3, 4], new ParallelizeOptions { BatchSize = 1 });
Check(workerPids.All(pid => pid != Environment.ProcessId) && Work.CubeParallel([2L, 3L]).SequenceEqual([8L, 27L]),
    "Backend.Processes runs the calls in worker processes");

// A JIT worker runs the worker program the package's targets copy next to the app (no startup hook); a Native AOT
// worker is the app's own executable.
string[] entries = Work.EntryParallel([1, 2]).Distinct().ToArray();
string expectedEntry = System.Runtime.CompilerServices.RuntimeFeature.IsDynamicCodeSupported ? "ParallelGen.Worker" : "PackageConsumer";
Check(entries.SequenceEqual([expectedEntry]), $"Backend.Processes workers run {expectedEntry} (they ran {string.Join(',', entries)})");

// The package's buildTransitive targets opt the project into ParallelGen's interceptors: a plain static method
// submitted to a process executor runs in a worker (issue 10 §2).
using (var processes = new ParallelExecutor(maxWorkers: 2, Backend.Processes))
{
    int sum = processes.Submit(Plain.SlowAdd, 1, 2).Result();
    int pid = processes.Submit(Plain.ProcessId).Result();
    double[] remoteRoots = new ParallelJobs(new ParallelizeOptions { Jobs = 2, Backend = Backend.Processes })
        .Run(Enumerable.Range(0, 5).Select(i => Delayed.Call(Math.Sqrt, (double)i)));
    Check(sum == 3 && pid != Environment.ProcessId && remoteRoots[4] == 2.0,
        "intercepted Submit(Plain.SlowAdd, 1, 2) and Delayed.Call(Math.Sqrt, x) run in worker processes");
}

// Records and arrays cross through the formatters the generator writes for the method (no reflection: this check also
// runs in the Native AOT executable, tests/PackageConsumer/aot.sh).
Sample[] scaled = Work.ScaleParallel([new Sample("a", [1.0, 2.0]), new Sample("b", [3.0])]);
Check(scaled.Length == 2 && scaled[0].Name == "a" && scaled[0].Values.SequenceEqual([2.0, 4.0]) && scaled[1].Values.SequenceEqual([6.0]),
    "Backend.Processes: records with arrays cross to workers and back through the generated formatters");

try
{
    Work.CubeParallel([2L, -1L], new ParallelizeOptions { BatchSize = 1 });
    Check(false, "Backend.Processes: a worker's exception surfaces");
}
catch (ArgumentOutOfRangeException ex)
{
    Check(ex.GetParallelItemIndex() == 1, "Backend.Processes: a worker's exception arrives with its original type and the item's index");
}

Console.WriteLine(failures.Count == 0 ? "consumer: all checks passed" : $"consumer: {failures.Count} checks failed");
return failures.Count == 0 ? 0 : 1;

public static partial class Work
{
    [Parallelize(Jobs = 8)]
    public static int Square(int x) => x >= 0 ? x * x : throw new ArgumentOutOfRangeException(nameof(x));

    [Parallelize(Jobs = 4)]
    public static string Join(int a, string b) => $"{a}:{b}";

    [Parallelize(Jobs = 2, Backend = Backend.Processes)]
    public static int Where(int x) => Environment.ProcessId;

    [Parallelize(Jobs = 2, Backend = Backend.Processes)]
    public static string Entry(int x) => System.Reflection.Assembly.GetEntryAssembly()?.GetName().Name ?? "(none)";

    [Parallelize(Jobs = 2, Backend = Backend.Processes)]
    public static long Cube(long x) => x >= 0 ? x * x * x : throw new ArgumentOutOfRangeException(nameof(x));

    [Parallelize(Jobs = 2, Backend = Backend.Processes)]
    public static Sample Scale(Sample sample) => sample with { Values = sample.Values.Select(v => 2 * v).ToArray() };

    [Parallelize(Jobs = 2)]
    public static async Task<int> FetchAsync(int id)
    {
        await Task.Yield();
        return id * 10;
    }
}

public sealed record Sample(string Name, double[] Values);

#if PG_DIAGNOSTICS_CHECK
// Built only by run.sh's diagnostics check: the package's analyzers must flag these.
public class NotPartialWork
{
    [Parallelize]
    public static int Twice(int x) => 2 * x; // PG0005: NotPartialWork is not partial
}

public static class SharedRandomWork
{
    private static readonly Random s_random = new();

    public static void Fill(double[] values) =>
        Parallel.For(0, values.Length, i => values[i] = s_random.NextDouble()); // PG0001
}
#endif

/// <summary>Plain static methods (no attribute), sent to workers by the generated interceptors.</summary>
public static class Plain
{
    public static int SlowAdd(int a, int b)
    {
        Thread.Sleep(10);
        return a + b;
    }

    public static int ProcessId() => Environment.ProcessId;
}
