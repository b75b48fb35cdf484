using System.Globalization;

namespace ParallelGen.Tests;

/// <summary>
/// A process call whose workers fill the cores lowers the parent's background JIT thread (".NET Tiered Compilation
/// Worker") to nice 19, so that it does not compete with the workers (issue 10 §5, the first heavy call); other threads
/// keep their priority. A stand-in thread with the JIT thread's name makes the test independent of whether the runtime
/// has its JIT thread alive at that moment.
/// </summary>
[Collection(nameof(ProcessCollection))]
public class ProcessParentPriorityTests
{
    [OnlyOnFact(OperatingSystems.Linux, Reason = "thread priorities are read from /proc")]
    public void A_call_that_fills_the_cores_lowers_the_parents_jit_thread_only()
    {
        using var release = new ManualResetEventSlim();
        using var started = new CountdownEvent(2);
        Thread[] threads = [.. new[] { ".NET Tiered Compilation Worker", "pg-control" }.Select(name =>
        {
            var t = new Thread(() => { started.Signal(); release.Wait(); }) { IsBackground = true, Name = name };
            t.Start();
            return t;
        })];
        try
        {
            Assert.True(started.Wait(TimeSpan.FromSeconds(30)));
            int own = NiceOf(File.ReadAllText("/proc/self/stat")); // the test host's (CI may run it niced)
            Assert.Equal([own], NicesOf("pg-control"));

            // One worker per core, so the workers fill the cores; after the 10 ms within which a check is not repeated.
            Thread.Sleep(20);
            Remote.ProcessIdParallel(Enumerable.Range(0, Environment.ProcessorCount), new ParallelizeOptions { Jobs = Environment.ProcessorCount, BatchSize = 1 });

            Assert.NotEmpty(NicesOf(".NET Tiered Com"));
            Assert.All(NicesOf(".NET Tiered Com"), n => Assert.Equal(19, n));
            Assert.Equal([own], NicesOf("pg-control"));
        }
        finally
        {
            release.Set();
            Array.ForEach(threads, t => t.Join());
        }
    }

    /// <summary>The nice values of this process's threads whose name (comm, 15 characters) starts with <paramref name="prefix"/>.</summary>
    private static List<int> NicesOf(string prefix)
    {
        var nices = new List<int>();
        foreach (string task in Directory.EnumerateDirectories("/proc/self/task"))
        {
            try
            {
                if (File.ReadAllText(Path.Combine(task, "comm")).StartsWith(prefix, StringComparison.Ordinal))
                {
                    nices.Add(NiceOf(File.ReadAllText(Path.Combine(task, "stat"))));
                }
            }
            catch (IOException)
            {
                // The thread ended meanwhile.
            }
        }

        return nices;
    }

    /// <summary>Field 19 (nice) of a /proc stat line.</summary>
    private static int NiceOf(string stat) => int.Parse(stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[16], CultureInfo.InvariantCulture);
}
