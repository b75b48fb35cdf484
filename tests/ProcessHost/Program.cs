using System.Runtime.InteropServices;
using ParallelGen;

// Behave like a program started from a terminal, where Ctrl-C is delivered. A shell starts background jobs (`cmd &`,
// CI scripts, nohup) with SIGINT ignored, and an ignored signal stays ignored across exec, so without this the
// Ctrl-C test would test the caller's shell instead of ParallelGen. This runs before anything in .NET installs its
// own SIGINT handling, which then sees the default disposition and installs its handler as usual.
if (!OperatingSystem.IsWindows())
{
    Native.RestoreDefaultSigInt();
}

// Every run of Main leaves a line in the log: the tests check that Main ran once, never in a worker.
string mode = args.Length > 0 ? args[0] : "run";
string log = args.Length > 1 ? args[1] : Path.Combine(Path.GetTempPath(), "parallelgen-processhost.log");
File.AppendAllText(log, $"main {Environment.ProcessId}{Environment.NewLine}");

switch (mode)
{
    case "run":
        int[] pids = Work.WhereParallel(Enumerable.Range(0, 8), new ParallelizeOptions { BatchSize = 1 });
        long[] squares = Work.SquareParallel(Enumerable.Range(0, 8).Select(i => (long)i));
        bool ok = squares.SequenceEqual(Enumerable.Range(0, 8).Select(i => (long)i * i)) && !pids.Contains(Environment.ProcessId);
        string entries = string.Join(',', Work.EntryParallel(Enumerable.Range(0, 2)).Distinct());
        Console.WriteLine($"{(ok ? "OK" : "WRONG")} parent {Environment.ProcessId} workers {string.Join(',', pids.Distinct().Order())} entry {entries}");
        return ok ? 0 : 1;

    case "early":
    {
        // A fresh program's first process call launches its workers before anything else (EarlyLaunch): never for a
        // call that does not run on processes, and never twice for the call that does.
        var problems = new List<string>();
        void Expect(int started, string after)
        {
            if (ProcessBackend.StartedWorkerCount != started)
            {
                problems.Add($"{ProcessBackend.StartedWorkerCount} workers started after {after}, expected {started}");
            }
        }

        _ = Work.WhereParallel([]);
        Expect(0, "a call without items");
        using (var cancelled = new CancellationTokenSource())
        {
            cancelled.Cancel();
            try
            {
                _ = Work.WhereParallel([1, 2], cancellationToken: cancelled.Token);
            }
            catch (OperationCanceledException)
            {
            }
        }

        Expect(0, "a cancelled call");
        using (ParallelConfig.Use(new ParallelConfig { Backend = Backend.Threads }))
        {
            _ = Work.WhereParallel([1, 2]);
        }

        Expect(0, "a call that a ParallelConfig scope moved to threads");
        _ = Work.WhereParallel([1, 2], new ParallelizeOptions { Backend = Backend.Threads });
        Expect(0, "a call whose options moved it to threads");
        try
        {
            _ = Work.WhereParallel([1, 2], new ParallelizeOptions { BatchSize = -1 });
        }
        catch (ArgumentOutOfRangeException)
        {
        }

        Expect(0, "a call with invalid options");
        int[] where = Work.WhereParallel([1, 2, 3, 4], new ParallelizeOptions { BatchSize = 1 });
        Expect(2, "the first process call (Jobs = 2)");
        if (where.Contains(Environment.ProcessId) || where.Distinct().Count() != 2)
        {
            problems.Add($"the items ran in {string.Join(',', where.Distinct())}");
        }

        Console.WriteLine(problems.Count == 0 ? $"OK parent {Environment.ProcessId}" : "WRONG " + string.Join("; ", problems));
        return problems.Count == 0 ? 0 : 1;
    }

    case "library":
        // Methods declared in a class library (no runtimeconfig of its own): the workers start through this program.
        string[] described = ProcessLibrary.LibraryWork.DescribeParallel(Enumerable.Range(0, 4), new ParallelizeOptions { BatchSize = 1 });
        bool fine = described.Select(d => d.Split(':')).All(p => p[2] == "ProcessLibrary" && p[3] == "True" && p[1] != Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture))
            && described.Select(d => d.Split(':')[0]).SequenceEqual(["0", "1", "2", "3"]);
        Console.WriteLine($"{(fine ? "OK" : "WRONG")} parent {Environment.ProcessId} {string.Join(' ', described)}");
        return fine ? 0 : 1;

    case "orphan":
        // Start workers busy with long calls, report their pids once both run their item (each leaves a mark: a worker
        // that is only starting may not have armed its parent-death signal yet), and wait to be killed.
        string marks = Directory.CreateTempSubdirectory("processhost-hang-").FullName;
        Environment.SetEnvironmentVariable(Work.HangMarksVariable, marks); // the workers inherit it
        Task<int[]> busy = Work.HangParallelAsync(Enumerable.Range(0, 2), new ParallelizeOptions { BatchSize = 1 });
        var waitForMarks = System.Diagnostics.Stopwatch.StartNew();
        while (Directory.GetFiles(marks).Length < 2 && waitForMarks.Elapsed < TimeSpan.FromMinutes(2))
        {
            Thread.Sleep(20);
        }

        Console.WriteLine($"WORKERS {string.Join(',', ProcessBackend.WorkerProcessIds)}");
        busy.Wait();
        return 0;

    case "shared-orphan":
        // Hold a SharedArray and a call whose large array argument was shared automatically, report the files, and
        // wait to be killed (SIGKILL: nothing of ours runs to delete them).
        SharedArray<double> held = SharedArray.Create<double>(new double[1000]);
        double[] big = new double[200_000];
        Task<int[]> hanging = Work.HangWithParallelAsync(Enumerable.Range(0, 2).Select(i => (big, i)), new ParallelizeOptions { BatchSize = 1 });
        string prefix = $"parallelgen-{Environment.ProcessId}-";
        string folder = Path.GetDirectoryName(held.FilePath)!;
        while (ProcessBackend.WorkerProcessIds.Count < 2 || Directory.GetFiles(folder, prefix + "*").Length < 2)
        {
            Thread.Sleep(20);
        }

        Thread.Sleep(200); // both workers have their item
        Console.WriteLine($"FILES {string.Join(',', Directory.GetFiles(folder, prefix + "*"))}");
        Console.WriteLine($"WORKERS {string.Join(',', ProcessBackend.WorkerProcessIds)}");
        hanging.Wait();
        GC.KeepAlive(held);
        return 0;

    case "executor-exit":
        // Calls accepted just before Main returns, one after Shutdown(wait: false): none may be lost.
        var executor = new ParallelExecutor(maxWorkers: 1);
        string marker = log + ".done";
        for (int i = 0; i < 3; i++)
        {
            int n = i;
            _ = executor.Submit(() => { Thread.Sleep(150); File.AppendAllText(marker, $"call {n}{Environment.NewLine}"); return n; });
        }

        executor.Shutdown(wait: false);
        Console.WriteLine("OK parent returned from Main");
        return 0;

    default:
        Console.Error.WriteLine($"unknown mode {mode}");
        return 2;
}

public static partial class Work
{
    [Parallelize(Jobs = 2, Backend = Backend.Processes)]
    public static int Where(int x) => Environment.ProcessId;

    [Parallelize(Jobs = 2, Backend = Backend.Processes)]
    public static long Square(long x) => x * x;

    /// <summary>The program the worker runs: ParallelGen.Worker, or this application (the startup hook).</summary>
    [Parallelize(Jobs = 2, Backend = Backend.Processes)]
    public static string Entry(int x) => System.Reflection.Assembly.GetEntryAssembly()?.GetName().Name ?? "(none)";

    [Parallelize(Jobs = 2, Backend = Backend.Processes)]
    public static int HangWith(double[] data, int x)
    {
        Thread.Sleep(Timeout.Infinite);
        return x + data.Length;
    }

    /// <summary>A directory where <see cref="Hang"/> leaves one file per worker when its item runs (the orphan mode).</summary>
    internal const string HangMarksVariable = "PROCESSHOST_HANG_MARKS";

    [Parallelize(Jobs = 2, Backend = Backend.Processes)]
    public static int Hang(int x)
    {
        if (Environment.GetEnvironmentVariable(HangMarksVariable) is { Length: > 0 } marks)
        {
            File.WriteAllText(Path.Combine(marks, Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture)), "");
        }

        Thread.Sleep(Timeout.Infinite);
        return x;
    }
}

internal static partial class Native
{
    private const int SigInt = 2;

    [DllImport("libc", EntryPoint = "signal")]
    private static extern nint Signal(int signal, nint handler);

    /// <summary>Sets SIGINT back to SIG_DFL (0) if the parent shell left it ignored.</summary>
    public static void RestoreDefaultSigInt() => Signal(SigInt, 0);
}
