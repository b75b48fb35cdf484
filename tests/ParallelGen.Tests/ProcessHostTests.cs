using System.Diagnostics;

namespace ParallelGen.Tests;

/// <summary>
/// Worker start-up from a real console application (tests/ProcessHost) started every way users start programs, and
/// orphan prevention: after SIGKILL of the application, its workers exit. In every case the application's Main runs
/// exactly once: never in a worker.
/// </summary>
[Collection(nameof(ProcessCollection))]
public class ProcessHostTests
{
    private static readonly string s_configuration =
        typeof(ProcessHostTests).Assembly.Location.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}") ? "Release" : "Debug";

    private static string RepoRoot
    {
        get
        {
            var dir = new DirectoryInfo(AppContext.BaseDirectory);
            while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "ParallelGen.sln")))
            {
                dir = dir.Parent;
            }

            return dir?.FullName ?? throw new InvalidOperationException("ParallelGen.sln not found above the test binaries.");
        }
    }

    private static string HostDirectory => Path.Combine(RepoRoot, "tests", "ProcessHost", "bin", s_configuration, "net10.0");

    // A JIT worker runs the worker program (ParallelGen.Worker.dll, copied next to the application) wherever the
    // application is framework-dependent, and the application itself with the startup hook otherwise (single file).
    private const string WorkerProgram = "ParallelGen.Worker";

    [Fact]
    public void Works_under_dotnet_app_dll() =>
        AssertRunsOnce(DotnetHost(), ["exec", Path.Combine(HostDirectory, "ProcessHost.dll")], entry: WorkerProgram);

    [Fact]
    public void Works_under_the_apphost() =>
        AssertRunsOnce(Path.Combine(HostDirectory, OperatingSystem.IsWindows() ? "ProcessHost.exe" : "ProcessHost"), [], entry: WorkerProgram);

    [Fact]
    public void Works_under_dotnet_run() =>
        AssertRunsOnce(DotnetHost(), ["run", "--project", Path.Combine(RepoRoot, "tests", "ProcessHost"), "-c", s_configuration, "--no-build", "--"], entry: WorkerProgram);

    [Fact]
    public void Works_with_the_startup_hook_when_the_worker_program_is_missing()
    {
        // An application folder without ParallelGen.Worker.dll (copied by hand, or built before it existed): workers
        // run the application itself with the startup hook, and Main still never runs in them.
        string copy = Path.Combine(Path.GetTempPath(), "pg-nohookprogram-" + Guid.NewGuid().ToString("N"));
        CopyDirectory(HostDirectory, copy);
        File.Delete(Path.Combine(copy, WorkerProgram + ".dll"));
        try
        {
            AssertRunsOnce(DotnetHost(), ["exec", Path.Combine(copy, "ProcessHost.dll")], entry: "ProcessHost");
        }
        finally
        {
            Directory.Delete(copy, recursive: true);
        }
    }

    [Fact]
    public async Task The_worker_program_started_by_hand_says_what_it_is_and_exits()
    {
        var info = new ProcessStartInfo(DotnetHost()) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (string a in new[] { "exec", "--runtimeconfig", Path.Combine(HostDirectory, "ProcessHost.runtimeconfig.json"), Path.Combine(HostDirectory, WorkerProgram + ".dll") })
        {
            info.ArgumentList.Add(a);
        }

        info.Environment.Remove("PARALLELGEN_WORKER");
        using Process process = Process.Start(info)!;
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        Assert.True(process.WaitForExit(TimeSpan.FromMinutes(1)), "the worker program did not exit");
        Assert.Equal(2, process.ExitCode);
        Assert.Contains("Backend.Processes starts it", await stderr, StringComparison.Ordinal);
    }

    private static void CopyDirectory(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (string file in Directory.GetFiles(from))
        {
            File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
        }

        foreach (string dir in Directory.GetDirectories(from))
        {
            CopyDirectory(dir, Path.Combine(to, Path.GetFileName(dir)));
        }
    }

    [Fact]
    public void The_first_process_call_launches_its_workers_once_and_no_other_call_launches_any() =>
        AssertRunsOnce(Path.Combine(HostDirectory, OperatingSystem.IsWindows() ? "ProcessHost.exe" : "ProcessHost"), [], "early");

    [Fact]
    public void Works_for_methods_in_a_class_library() =>
        AssertRunsOnce(Path.Combine(HostDirectory, OperatingSystem.IsWindows() ? "ProcessHost.exe" : "ProcessHost"), [], "library");

    [Fact]
    public void Works_for_methods_in_a_class_library_under_dotnet_test()
    {
        // Here the entry assembly is the test host; the workers start through this test project, next to the library.
        string[] described = ProcessLibrary.LibraryWork.DescribeParallel(Enumerable.Range(0, 4), new ParallelizeOptions { BatchSize = 1 });
        Assert.Equal(["0", "1", "2", "3"], described.Select(d => d.Split(':')[0]));
        Assert.All(described, d =>
        {
            string[] parts = d.Split(':');
            Assert.NotEqual(Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture), parts[1]);
            Assert.Equal("ProcessLibrary", parts[2]);
            Assert.Equal("True", parts[3]);
        });
    }

    [OnlyOnFact(OperatingSystems.Linux, Reason = "the test publishes for linux-x64 only")]
    public void Works_as_a_single_file_publish()
    {
        string output = Path.Combine(Path.GetTempPath(), "pg-singlefile-" + Guid.NewGuid().ToString("N"));
        (int code, string log) = RunToEnd(DotnetHost(),
            ["publish", Path.Combine(RepoRoot, "tests", "ProcessHost"), "-c", s_configuration, "-r", "linux-x64", "--self-contained", "false",
             "-p:PublishSingleFile=true", "-o", output], TimeSpan.FromMinutes(5));
        Assert.True(code == 0, log);
        Assert.False(File.Exists(Path.Combine(output, "ProcessHost.dll")), "the publish should be a single file");

        AssertRunsOnce(Path.Combine(output, "ProcessHost"), [], entry: "ProcessHost"); // a single file: the startup hook
        Directory.Delete(output, recursive: true);
    }

    [Fact]
    public async Task A_jit_worker_without_its_startup_hook_exits_before_main()
    {
        // What a worker of a trimmed JIT application (startup hooks off) looks like: the worker variables, no hook. The
        // generated worker entry (a module initializer, run before Main) must not serve from inside the JIT's module
        // constructor, and Main must not run: the process exits with the stray-worker code and says why.
        string log = Path.GetTempFileName();
        var info = new ProcessStartInfo(DotnetHost())
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string a in new[] { "exec", Path.Combine(HostDirectory, "ProcessHost.dll"), "run", log })
        {
            info.ArgumentList.Add(a);
        }

        info.Environment["PARALLELGEN_WORKER"] = "0123456789ABCDEF0123456789ABCDEF";
        info.Environment["PARALLELGEN_WORKER_ASSEMBLY"] = "ProcessHost";
        info.Environment["PARALLELGEN_PARENT_PID"] = Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture);
        info.Environment.Remove("DOTNET_STARTUP_HOOKS");
        using Process process = Process.Start(info)!;
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Assert.True(process.WaitForExit(TimeSpan.FromMinutes(2)), "the stray worker did not exit");

        Assert.Equal(87, process.ExitCode);
        Assert.Contains("startup hook did not run", await stderr, StringComparison.Ordinal);
        Assert.Empty(await stdout);
        Assert.Empty(File.ReadAllLines(log)); // Main never ran
        File.Delete(log);
    }

    [Fact]
    public void Workers_exit_when_their_parent_is_killed()
    {
        (Process parent, int[] workers) = StartBusyParent();
        using (parent)
        {
            parent.Kill(); // SIGKILL: no handler of the parent runs
            AssertAllExit(workers, "outlived its parent");
        }
    }

    [OnlyOnFact(OperatingSystems.Linux, Reason = "stops a worker with SIGSTOP and counts workers in /proc; the parent-death signal is Linux's")]
    public void A_stopped_worker_dies_with_its_SIGKILLed_parent()
    {
        // A stopped worker runs no thread: neither its watchdog nor a read of the closed pipe can end it. The kernel's
        // parent-death signal (SIGKILL) does; before it, such a worker stayed stopped for ever (seen in CI).
        (Process parent, int[] workers) = StartBusyParent();
        using (parent)
        {
            int parentId = parent.Id;
            try
            {
                Assert.Equal(2, WorkerCensus.LiveWorkersOf(parentId).Count);
                WorkerCensus.Signal(workers[0], "STOP");
                Assert.True(SpinWait.SpinUntil(() => WorkerCensus.State(workers[0]) == 'T', TimeSpan.FromSeconds(20)), "the worker did not stop");

                parent.Kill(); // SIGKILL: no handler of the parent runs
                Assert.True(parent.WaitForExit(TimeSpan.FromSeconds(20)));
                WorkerCensus.AssertNoneSurvive(parentId, "outlived the SIGKILLed parent");
            }
            finally
            {
                WorkerCensus.KillAll(parentId);
            }
        }
    }

    [OnlyOnFact(OperatingSystems.Unix, Reason = "SIGINT is a Unix signal")]
    public void Ctrl_c_stops_the_parent_and_its_workers()
    {
        (Process parent, int[] workers) = StartBusyParent();
        using (parent)
        {
            // What a terminal's Ctrl-C sends (the shell's builtin kill: no extra package needed).
            using (Process kill = Process.Start("/bin/sh", ["-c", "kill -INT " + parent.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
            {
                kill.WaitForExit();
            }

            Assert.True(parent.WaitForExit(TimeSpan.FromSeconds(20)), "the parent ignored Ctrl-C");
            AssertAllExit(workers, "outlived Ctrl-C");
        }
    }

    [Fact]
    public void Executor_calls_accepted_before_Main_returns_are_finished()
    {
        // CPython's test_interpreter_shutdown and gh-83386: pending calls finish at exit, also after shutdown(wait=False).
        string log = Path.GetTempFileName();
        (int code, string output) = RunToEnd(Path.Combine(HostDirectory, OperatingSystem.IsWindows() ? "ProcessHost.exe" : "ProcessHost"), ["executor-exit", log], TimeSpan.FromMinutes(1));

        Assert.True(code == 0, output);
        Assert.Equal(["call 0", "call 1", "call 2"], File.ReadAllLines(log + ".done"));
        File.Delete(log);
        File.Delete(log + ".done");
    }

    [Fact]
    public void Shared_memory_files_of_a_SIGKILLed_parent_are_swept_and_its_workers_exit()
    {
        // Issue 10 §3: the parent holds a SharedArray and a call with an automatically shared array when it is killed;
        // nothing of it runs to delete the files, so the sweep (run by the next process that shares an array) must.
        string log = Path.GetTempFileName();
        using Process parent = Start(Path.Combine(HostDirectory, OperatingSystem.IsWindows() ? "ProcessHost.exe" : "ProcessHost"), ["shared-orphan", log]);
        string? files = null, workersLine = null;
        for (string? line = parent.StandardOutput.ReadLine(); line is not null && workersLine is null; line = workersLine is null ? parent.StandardOutput.ReadLine() : null)
        {
            files = line.StartsWith("FILES ", StringComparison.Ordinal) ? line["FILES ".Length..] : files;
            workersLine = line.StartsWith("WORKERS ", StringComparison.Ordinal) ? line["WORKERS ".Length..] : null;
        }

        Assert.NotNull(files);
        Assert.NotNull(workersLine);
        string[] paths = files.Split(',');
        Assert.Equal(2, paths.Length); // the SharedArray's file and the call's
        Assert.All(paths, p => Assert.True(File.Exists(p)));

        parent.Kill(); // SIGKILL
        Assert.True(parent.WaitForExit(TimeSpan.FromSeconds(20)));
        AssertAllExit(workersLine.Split(',').Select(int.Parse).ToArray(), "outlived the SIGKILLed parent");
        Assert.All(paths, p => Assert.True(File.Exists(p))); // nobody deleted them yet

        Assert.True(ParallelGen.SharedMemory.SharedMemoryFiles.SweepOrphans() >= 2);
        Assert.All(paths, p => Assert.False(File.Exists(p)));
        File.Delete(log);
    }

    /// <summary>Starts the host in a mode where two workers are busy with endless calls, and reads their pids.</summary>
    private static (Process Parent, int[] Workers) StartBusyParent()
    {
        string log = Path.GetTempFileName();
        Process parent = Start(Path.Combine(HostDirectory, OperatingSystem.IsWindows() ? "ProcessHost.exe" : "ProcessHost"), ["orphan", log]);
        string? line;
        do
        {
            line = parent.StandardOutput.ReadLine();
        }
        while (line is not null && !line.StartsWith("WORKERS ", StringComparison.Ordinal));

        Assert.NotNull(line);
        int[] workers = line["WORKERS ".Length..].Split(',').Select(int.Parse).ToArray();
        Assert.Equal(2, workers.Length);
        Assert.All(workers, w => Assert.True(IsAlive(w)));
        return (parent, workers);
    }

    private static void AssertAllExit(int[] workers, string what)
    {
        foreach (int worker in workers)
        {
            Assert.True(SpinWait.SpinUntil(() => !IsAlive(worker), TimeSpan.FromSeconds(20)), $"worker {worker} {what}");
        }
    }

    private static void AssertRunsOnce(string fileName, string[] prefix, string mode = "run", string? entry = null)
    {
        string log = Path.GetTempFileName();
        (int code, string output) = RunToEnd(fileName, [.. prefix, mode, log], TimeSpan.FromMinutes(2));

        Assert.True(code == 0, output);
        Assert.StartsWith("OK parent ", output.Trim());
        if (entry is not null)
        {
            Assert.EndsWith($" entry {entry}", output.Trim()); // what the workers ran: both the same
        }

        string[] mains = File.ReadAllLines(log);
        Assert.Single(mains); // Main ran in the parent only, not in its two workers
        File.Delete(log);
    }

    private static (int Code, string Output) RunToEnd(string fileName, string[] arguments, TimeSpan limit)
    {
        using Process process = Start(fileName, arguments);
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(limit))
        {
            process.Kill(entireProcessTree: true);
            return (-1, "timed out: " + stdout.Result + stderr.Result);
        }

        return (process.ExitCode, stdout.Result + stderr.Result);
    }

    private static Process Start(string fileName, string[] arguments)
    {
        var info = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string a in arguments)
        {
            info.ArgumentList.Add(a);
        }

        return Process.Start(info)!;
    }

    private static string DotnetHost() =>
        Environment.ProcessPath is { } p && Path.GetFileNameWithoutExtension(p) == "dotnet" ? p : "dotnet";

    /// <summary>Alive and not a zombie waiting to be reaped by its new parent.</summary>
    private static bool IsAlive(int pid)
    {
        if (OperatingSystem.IsLinux())
        {
            string stat = Path.Combine("/proc", pid.ToString(System.Globalization.CultureInfo.InvariantCulture), "stat");
            try
            {
                string text = File.ReadAllText(stat);
                return text[(text.LastIndexOf(')') + 2)..][0] != 'Z';
            }
            catch (IOException)
            {
                return false;
            }
        }

        try
        {
            using Process p = Process.GetProcessById(pid);
            return !p.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}
