using System;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Text;
using System.Threading;

namespace ParallelGen.Diagnostics;

/// <summary>
/// Where a cold start's time goes (benchmarks/ParallelGen.ColdStart, docs/benchmarks/processes.md): when the
/// environment variable <c>PARALLELGEN_STARTUP_TRACE</c> names a directory, the parent and its workers (which inherit
/// the variable) note the first time each start-up stage is reached — a <see cref="Stopwatch"/> timestamp (the
/// monotonic clock every process on the machine shares) and the process's CPU time so far — and write them to
/// <c>{directory}/{role}-{pid}.txt</c>: a worker right after its first reply, the parent when it exits. Nothing is
/// written while a stage is noted, so the trace itself adds no file I/O to the path it measures. Without the variable
/// a mark is one static field read.
/// </summary>
internal static class StartupTrace
{
    internal const string Variable = "PARALLELGEN_STARTUP_TRACE";

    private const int MaxMarks = 32;

    private static readonly string? s_directory = Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } d ? d : null;
    private static readonly Mark[] s_marks = new Mark[s_directory is null ? 0 : MaxMarks];
    private static int s_count;
    private static int s_flushed;

    /// <summary>Whether stages are being traced in this process.</summary>
    internal static bool Enabled => s_directory is not null;

    /// <summary>Notes the first time this process reaches <paramref name="stage"/> (a constant string).</summary>
    internal static void Reached(string stage)
    {
        if (s_directory is not null)
        {
            Note(stage);
        }
    }

    /// <summary>
    /// Writes this process's marks once (later calls do nothing) as <c>worker-{pid}.txt</c> or <c>parent-{pid}.txt</c>:
    /// a worker calls it after its first reply; in any other process it runs when the process exits.
    /// </summary>
    internal static void Flush()
    {
        if (s_directory is null || Interlocked.Exchange(ref s_flushed, 1) != 0)
        {
            return;
        }

        string role = Backends.Processes.WorkerServer.IsWorkerProcess ? "worker" : "parent";

        var text = new StringBuilder();
        int count = Math.Min(Volatile.Read(ref s_count), MaxMarks);
        for (int i = 0; i < count; i++)
        {
            Mark m = s_marks[i];
            text.Append(CultureInfo.InvariantCulture, $"{role} {Environment.ProcessId} {m.Stage} {m.Timestamp} {m.CpuMicroseconds}\n");
        }

        try
        {
            File.WriteAllText(Path.Combine(s_directory, $"{role}-{Environment.ProcessId}.txt"), text.ToString());
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // A trace that cannot be written is not the program's problem.
        }
    }

    private static void Note(string stage)
    {
        long timestamp = Stopwatch.GetTimestamp();
        long cpu = (long)Environment.CpuUsage.TotalTime.TotalMicroseconds;
        lock (s_marks)
        {
            for (int i = 0; i < s_count; i++)
            {
                if (string.Equals(s_marks[i].Stage, stage, StringComparison.Ordinal))
                {
                    return;
                }
            }

            if (s_count == 0)
            {
                AppDomain.CurrentDomain.ProcessExit += static (_, _) => Flush();
            }

            if (s_count < MaxMarks)
            {
                s_marks[s_count++] = new Mark(stage, timestamp, cpu);
            }
        }
    }

    private readonly record struct Mark(string Stage, long Timestamp, long CpuMicroseconds);
}
