using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using global::Orleans;
using global::Orleans.Runtime;

namespace ParallelGen.Orleans;

/// <summary>
/// Where a <see cref="LocalCluster"/>'s start goes, with <c>PARALLELGEN_START_TRACE=1</c> in the driver's environment:
/// the driver and each silo mark their stages (monotonic timestamps, comparable across the processes of one machine,
/// and the CPU time the process has used so far); the silos write theirs to their standard output, and the driver
/// prints the merged timeline to its standard error when the first batch's results arrive (docs/cluster.md).
/// </summary>
internal sealed class StartTrace
{
    internal const string Variable = "PARALLELGEN_START_TRACE";

    /// <summary>How a silo's trace line starts: then the timestamp, the process's CPU microseconds and the stage.</summary>
    internal const string LinePrefix = "ParallelGen start trace: ";

    private readonly List<(string Who, long Timestamp, long CpuMicroseconds, string Stage)> _marks = [];
    private readonly long _start = Stopwatch.GetTimestamp();
    private int _printed;

    /// <summary>Whether this process (a driver, or a silo started by one that traces) traces its start.</summary>
    internal static bool Enabled { get; } = Environment.GetEnvironmentVariable(Variable) is "1" or "2";

    /// <summary>With <c>PARALLELGEN_START_TRACE=2</c>: Orleans' own log (information and above) to standard error too.</summary>
    internal static bool Logs { get; } = Environment.GetEnvironmentVariable(Variable) == "2";

    /// <summary>The trace of a start in this driver, or <see langword="null"/> when tracing is off.</summary>
    internal static StartTrace? ForDriver() => Enabled ? new StartTrace() : null;

    /// <summary>Marks a stage of this driver.</summary>
    internal void Mark(string stage) => Add("driver", Stopwatch.GetTimestamp(), CpuMicroseconds(), Jit() + " " + stage);

    /// <summary>Takes a silo's trace line (written by <see cref="MarkSilo"/>); false for any other line.</summary>
    internal bool TryAddSiloLine(int silo, string line)
    {
        if (!line.StartsWith(LinePrefix, StringComparison.Ordinal))
        {
            return false;
        }

        string[] parts = line[LinePrefix.Length..].Split(' ', 3);
        if (parts.Length == 3
            && long.TryParse(parts[0], NumberStyles.Integer, CultureInfo.InvariantCulture, out long timestamp)
            && long.TryParse(parts[1], NumberStyles.Integer, CultureInfo.InvariantCulture, out long cpu))
        {
            Add("silo " + silo.ToString(CultureInfo.InvariantCulture), timestamp, cpu, parts[2]);
        }

        return true;
    }

    /// <summary>In a silo: writes a stage's trace line to standard output (when the driver traces).</summary>
    internal static void MarkSilo(string stage)
    {
        if (Enabled)
        {
            Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{LinePrefix}{Stopwatch.GetTimestamp()} {CpuMicroseconds()} {Jit()} {stage}"));
            Console.Out.Flush();
        }
    }

    /// <summary>Marks the first result and prints the timeline (once).</summary>
    internal void FirstResult()
    {
        if (Interlocked.Exchange(ref _printed, 1) != 0)
        {
            return;
        }

        Mark("first batch's results arrived");
        var text = new StringBuilder();
        text.AppendLine("LocalCluster start trace (ms after StartAsync was called; CPU ms the process had used by then):");
        lock (_marks)
        {
            foreach (var (who, timestamp, cpu, stage) in _marks.OrderBy(m => m.Timestamp))
            {
                double ms = Stopwatch.GetElapsedTime(_start, timestamp).TotalMilliseconds;
                text.AppendLine(string.Create(CultureInfo.InvariantCulture, $"  {ms,8:0.0} ms  {who,-7} cpu {cpu / 1000.0,7:0} ms  {stage}"));
            }
        }

        Console.Error.Write(text.ToString());
        Console.Error.Flush();
    }

    private void Add(string who, long timestamp, long cpu, string stage)
    {
        lock (_marks)
        {
            _marks.Add((who, timestamp, cpu, stage));
        }
    }

    /// <summary>JIT time and methods compiled so far in this process (<c>jit=ms/methods</c>).</summary>
    private static string Jit() => string.Create(
        CultureInfo.InvariantCulture, $"jit={System.Runtime.JitInfo.GetCompilationTime().TotalMilliseconds:0}ms/{System.Runtime.JitInfo.GetCompiledMethodCount()}");

    private static long CpuMicroseconds() => (long)Environment.CpuUsage.TotalTime.TotalMicroseconds;

    /// <summary>Orleans' log lines with a monotonic timestamp, to standard error (<see cref="Logs"/>).</summary>
    internal sealed class LogProvider(string who) : Microsoft.Extensions.Logging.ILoggerProvider
    {
        public Microsoft.Extensions.Logging.ILogger CreateLogger(string categoryName) => new Logger(who, categoryName);

        public void Dispose()
        {
        }

        private sealed class Logger(string who, string category) : Microsoft.Extensions.Logging.ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull => null;

            public bool IsEnabled(Microsoft.Extensions.Logging.LogLevel logLevel) => logLevel >= Microsoft.Extensions.Logging.LogLevel.Information;

            public void Log<TState>(Microsoft.Extensions.Logging.LogLevel logLevel, Microsoft.Extensions.Logging.EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                if (IsEnabled(logLevel))
                {
                    string text = formatter(state, exception);
                    Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"[{Stopwatch.GetTimestamp() / 1_000_000} ms {who} {logLevel} {category}] {(text.Length > 400 ? text[..400] : text)}{(exception is null ? "" : " " + exception.GetType().Name + ": " + exception.Message)}"));
                }
            }
        }
    }

    /// <summary>Marks the silo lifecycle's stages as each begins (the previous one has finished then).</summary>
    internal sealed class LifecycleMarks : ILifecycleParticipant<ISiloLifecycle>
    {
        private static readonly (int Stage, string Name)[] Stages =
        [
            (ServiceLifecycleStage.First, "lifecycle: first"),
            (ServiceLifecycleStage.RuntimeInitialize, "lifecycle: RuntimeInitialize"),
            (ServiceLifecycleStage.RuntimeServices, "lifecycle: RuntimeServices"),
            (ServiceLifecycleStage.RuntimeStorageServices, "lifecycle: RuntimeStorageServices"),
            (ServiceLifecycleStage.RuntimeGrainServices, "lifecycle: RuntimeGrainServices"),
            (ServiceLifecycleStage.AfterRuntimeGrainServices, "lifecycle: AfterRuntimeGrainServices"),
            (9_000, "lifecycle: BecomeJoining"),
            (ServiceLifecycleStage.ApplicationServices, "lifecycle: ApplicationServices"),
            (ServiceLifecycleStage.BecomeActive, "lifecycle: BecomeActive"),
            (ServiceLifecycleStage.Active, "lifecycle: Active"),
            (ServiceLifecycleStage.Last, "lifecycle: last"),
        ];

        public void Participate(ISiloLifecycle lifecycle)
        {
            foreach (var (stage, name) in Stages)
            {
                lifecycle.Subscribe("ParallelGen.StartTrace", stage, _ =>
                {
                    MarkSilo(name);
                    return Task.CompletedTask;
                });
            }
        }
    }
}
