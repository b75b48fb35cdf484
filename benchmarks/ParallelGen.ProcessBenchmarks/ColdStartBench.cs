using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;

namespace ParallelGen.ProcessBenchmarks;

/// <summary>
/// A fresh program's first process call → its result (benchmarks/ParallelGen.ColdStart, JIT or Native AOT), and where
/// that time goes: each program runs once untimed-by-trace (the headline figure) and once with
/// <c>PARALLELGEN_STARTUP_TRACE</c>, whose stage marks (parent and worker, one monotonic clock, with each process's
/// CPU time) give the breakdown: parent start, worker spawn, worker runtime start, registration, ready, first
/// request, first result.
/// </summary>
internal static class ColdStartBench
{
    private const string TraceVariable = "PARALLELGEN_STARTUP_TRACE";

    /// <summary>One traced run: the program's lines and every process's marks, by stage.</summary>
    private sealed record Run(long Spawned, long Exited, double FirstCallUs, Dictionary<string, (long Ts, long CpuUs)> Parent, Dictionary<string, (long Ts, long CpuUs)> Worker);

    /// <summary>
    /// Runs each of <paramref name="programs"/> <paramref name="runs"/> times plain and as many traced, interleaved (one
    /// of each in turn, so a change of load hits them alike), and prints each one's figures.
    /// </summary>
    internal static void Measure(IReadOnlyList<string> programs, int runs)
    {
        var plain = programs.Select(_ => new List<double>()).ToArray();
        var noop = programs.Select(_ => new List<double>()).ToArray();
        var traced = programs.Select(_ => new List<Run>()).ToArray();
        for (int i = 0; i < runs; i++)
        {
            for (int p = 0; p < programs.Count; p++)
            {
                plain[p].Add(Start(programs[p], null).FirstCallUs);
                noop[p].Add(StartAndExit(programs[p]));
                string dir = Directory.CreateTempSubdirectory("pg-coldstart-").FullName;
                try
                {
                    traced[p].Add(Start(programs[p], dir));
                }
                finally
                {
                    Directory.Delete(dir, recursive: true);
                }
            }
        }

        for (int p = 0; p < programs.Count; p++)
        {
            Console.WriteLine($"  cold start, first call of a fresh {programs[p]}: {new Sample(plain[p])}");
            var floor = new Sample(noop[p]);
            Console.WriteLine($"    the same program doing nothing (--noop), spawn to exit: {floor} — one runtime start and exit, the floor " +
                $"under a fresh worker's start; cold start minus that: {Fmt.Us(new Sample(plain[p]).Median - floor.Median)} median");
            PrintBreakdown(traced[p]);
        }
    }

    /// <summary>Spawn to exit of <paramref name="program"/> started with <c>--noop</c> (it returns at once), in microseconds.</summary>
    private static double StartAndExit(string program)
    {
        bool dll = program.EndsWith(".dll", StringComparison.OrdinalIgnoreCase);
        string host = Path.GetFileNameWithoutExtension(Environment.ProcessPath) == "dotnet" ? Environment.ProcessPath! : "dotnet";
        var info = new ProcessStartInfo(dll ? host : program) { UseShellExecute = false };
        if (dll)
        {
            info.ArgumentList.Add(program);
        }

        info.ArgumentList.Add("--noop");
        long spawned = Stopwatch.GetTimestamp();
        using Process p = Process.Start(info)!;
        p.WaitForExit();
        double us = Stopwatch.GetElapsedTime(spawned).TotalMicroseconds;
        return p.ExitCode == 0 ? us : throw new InvalidOperationException($"{program} --noop exited with {p.ExitCode}");
    }

    private static Run Start(string program, string? traceDirectory)
    {
        bool dll = program.EndsWith(".dll", StringComparison.OrdinalIgnoreCase);
        string host = Path.GetFileNameWithoutExtension(Environment.ProcessPath) == "dotnet" ? Environment.ProcessPath! : "dotnet";
        var info = new ProcessStartInfo(dll ? host : program)
        {
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        if (dll)
        {
            info.ArgumentList.Add(program);
        }

        if (traceDirectory is not null)
        {
            info.Environment[TraceVariable] = traceDirectory;
        }
        else
        {
            info.Environment.Remove(TraceVariable);
        }

        long spawned = Stopwatch.GetTimestamp();
        using Process p = Process.Start(info)!;
        string output = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        long exited = Stopwatch.GetTimestamp();
        if (p.ExitCode != 0)
        {
            throw new InvalidOperationException($"{program} exited with {p.ExitCode}");
        }

        string[] lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var parent = new Dictionary<string, (long, long)>(StringComparer.Ordinal);
        var worker = new Dictionary<string, (long, long)>(StringComparer.Ordinal);
        foreach (string line in lines.Skip(1))
        {
            // "main <ts> <cpu>" and "result <ts> <cpu>" from the program itself.
            string[] f = line.Split(' ');
            if (f.Length == 3)
            {
                parent["program-" + f[0]] = (long.Parse(f[1], CultureInfo.InvariantCulture), long.Parse(f[2], CultureInfo.InvariantCulture));
            }
        }

        if (traceDirectory is not null)
        {
            foreach (string file in Directory.EnumerateFiles(traceDirectory, "*.txt"))
            {
                foreach (string line in File.ReadAllLines(file))
                {
                    // "<role> <pid> <stage> <timestamp> <cpu µs>"
                    string[] f = line.Split(' ');
                    if (f.Length == 5)
                    {
                        (f[0] == "worker" ? worker : parent)[f[2]] = (long.Parse(f[3], CultureInfo.InvariantCulture), long.Parse(f[4], CultureInfo.InvariantCulture));
                    }
                }
            }
        }

        return new Run(spawned, exited, double.Parse(lines[0], CultureInfo.InvariantCulture), parent, worker);
    }

    private static void PrintBreakdown(List<Run> runs)
    {
        if (runs.Any(r => r.Parent.Count == 0 || !r.Parent.ContainsKey("program-main")))
        {
            return; // not a program that reports its stages
        }

        // Wall clock from one stage to the next on the shared monotonic clock; CPU from each process's own counter.
        static double Us(long from, long to) => (to - from) * 1_000_000.0 / Stopwatch.Frequency;
        static long? Ts(Dictionary<string, (long Ts, long CpuUs)> d, params string[] stages) =>
            stages.Select(s => d.TryGetValue(s, out var v) ? v.Ts : (long?)null).FirstOrDefault(v => v is not null);
        static long? Cpu(Dictionary<string, (long Ts, long CpuUs)> d, params string[] stages) =>
            stages.Select(s => d.TryGetValue(s, out var v) ? v.CpuUs : (long?)null).FirstOrDefault(v => v is not null);

        // A timeline rather than differences between fixed neighbours: the order of the stages depends on the version
        // (since ProcessPool.Prestart the parent sets the call up while its worker starts), the clock is one.
        var stages = new (string Who, string Stage, string What)[]
        {
            ("P", "early", "first process call: worker launch posted to the launcher thread"),
            ("P", "pool", "launch worked out, pool made (LaunchSpec)"),
            ("P", "launch", "worker launch begins (ProcessPool)"),
            ("P", "spawn", "Process.Start called (token, start info ready)"),
            ("P", "spawned", "Process.Start returned (fork, exec)"),
            ("P", "call", "call set up (ProcessRun: lifecycle, telemetry)"),
            ("P", "formatters", "formatters found"),
            ("P", "write", "first batch being written"),
            ("P", "written", "first batch written (before the hello)"),
            ("P", "hello-warm", "hello-reading code compiled (while the worker starts)"),
            ("W", "hook", "worker: first ParallelGen code (ParallelGen loaded by the worker program, or the startup hook)"),
            ("W", "entry", "worker: first ParallelGen code (Native AOT entry)"),
            ("W", "warmup-started", "worker: warm-up thread started"),
            ("W", "registered", "worker: methods registered"),
            ("W", "warmup-done", "worker: warm-up done (MessagePack options, call path)"),
            ("W", "ready", "worker: hello sent"),
            ("P", "hello", "hello read"),
            ("P", "sent", "first call sent"),
            ("W", "call", "worker: call read"),
            ("W", "replied", "worker: reply sent"),
            ("P", "result", "result read"),
            ("P", "program-result", "back in Main (the program's stopwatch stops)"),
        };

        Console.WriteLine($"    timeline, medians of {runs.Count} traced runs (ms after the program's Main; one monotonic clock across processes):");
        var rows = new List<(double At, string Line)>
        {
            (new Sample(runs.Select(r => Us(Ts(r.Parent, "program-main")!.Value, r.Spawned)).ToList()).Median, "parent process started"),
            (0, "parent: Main"),
        };
        foreach (var (who, stage, what) in stages)
        {
            var d = who == "P" ? (Func<Run, Dictionary<string, (long Ts, long CpuUs)>>)(r => r.Parent) : r => r.Worker;
            var values = runs.Where(r => d(r).ContainsKey(stage)).Select(r => Us(Ts(r.Parent, "program-main")!.Value, d(r)[stage].Ts)).ToList();
            if (values.Count > 0)
            {
                rows.Add((new Sample(values).Median, who == "P" ? "parent: " + what : what));
            }
        }

        rows.Add((new Sample(runs.Select(r => Us(Ts(r.Parent, "program-main")!.Value, r.Exited)).ToList()).Median, "program exited (after stopping its worker)"));
        foreach (var (at, line) in rows.OrderBy(r => r.At))
        {
            Console.WriteLine($"      {Ms(at),10}  {line}");
        }

        var spans = new (string What, Func<Run, long?> From, Func<Run, long?> To)[]
        {
            ("worker start: Process.Start returned → first ParallelGen code in the worker", r => Ts(r.Parent, "spawned"), r => Ts(r.Worker, "hook", "entry")),
            ("worker: first ParallelGen code → hello sent", r => Ts(r.Worker, "hook", "entry"), r => Ts(r.Worker, "ready")),
            ("worker: call read → reply sent", r => Ts(r.Worker, "call"), r => Ts(r.Worker, "replied")),
        };
        foreach (var (what, from, to) in spans)
        {
            var values = runs.Select(r => (from(r), to(r))).Where(p => p.Item1 is not null && p.Item2 is not null)
                .Select(p => Us(p.Item1!.Value, p.Item2!.Value)).ToList();
            if (values.Count > 0)
            {
                Console.WriteLine($"      {what,-86} {Ms(new Sample(values).Median),10}");
            }
        }

        var cpu = new (string What, Func<Run, long?> Value)[]
        {
            ("parent CPU at Main (host + runtime start)", r => Cpu(r.Parent, "program-main")),
            ("parent CPU from Main to the result", r => Cpu(r.Parent, "program-result") - Cpu(r.Parent, "program-main")),
            ("parent CPU from Main to Process.Start (before the worker can start)", r => Cpu(r.Parent, "spawn") - Cpu(r.Parent, "program-main")),
            ("worker CPU at its first ParallelGen code (host + runtime start)", r => Cpu(r.Worker, "hook", "entry")),
            ("worker CPU from there to its hello (both threads: registration, pipes, warm-up)", r => Cpu(r.Worker, "ready") - Cpu(r.Worker, "hook", "entry")),
            ("worker CPU running the first call", r => Cpu(r.Worker, "replied") - Cpu(r.Worker, "call")),
            ("worker CPU until its first reply", r => Cpu(r.Worker, "replied")),
            ("parent + worker CPU to the first result (the parent from its start)", r => Cpu(r.Parent, "program-result") + Cpu(r.Worker, "replied")),
        };
        Console.WriteLine("    CPU time (each process's own counter; load does not inflate it much):");
        foreach (var (what, value) in cpu)
        {
            var values = runs.Select(value).Where(v => v is not null).Select(v => (double)v!.Value).ToList();
            if (values.Count > 0)
            {
                Console.WriteLine($"      {what,-86} {Ms(new Sample(values).Median),10}");
            }
        }
    }

    // Signed milliseconds: two processes' marks can cross by a scheduling delay (a reply read before its sender noted it).
    private static string Ms(double us) => string.Create(CultureInfo.InvariantCulture, $"{us / 1000:0.0} ms");
}
