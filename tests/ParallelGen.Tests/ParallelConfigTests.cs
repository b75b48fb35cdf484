using System.Text.RegularExpressions;
using ParallelGen.Internal;

namespace ParallelGen.Tests;

/// <summary>Targets for the scope tests: the jobs a call used are read from its verbose line.</summary>
public static partial class Scoped
{
    [Parallelize(Jobs = 4)]
    public static int Plain(int x) => x;

    [Parallelize(Jobs = 3, Pinned = ParallelSetting.Jobs)]
    public static int PinnedJobs(int x) => x;

    [Parallelize(Jobs = 2, Backend = Backend.Processes)]
    public static long ProcessId(int x) => ((long)Environment.ProcessId << 16) + x;

    [Parallelize(Jobs = 2)]
    public static int ThreadProcessId(int x) => Environment.ProcessId;
}

public partial class ParallelConfigTests
{
    private const int Items = 40;

    /// <summary>Runs <paramref name="run"/> with Verbose = 10 into a log (from the scope unless the call sets it) and returns the jobs printed.</summary>
    private static int JobsOf(Action<ParallelizeOptions?> run, ParallelizeOptions? callOptions = null)
    {
        var log = new StringWriter();
        using (ParallelConfig.Use(new ParallelConfig { Verbose = 10, VerboseWriter = log }))
        {
            run(callOptions);
        }

        Match m = JobsInLine().Match(log.ToString());
        Assert.True(m.Success, "no verbose line: " + log);
        return int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
    }

    [Fact]
    public void Precedence_call_options_over_scope_over_attribute_over_built_in()
    {
        // attribute (no scope value): 4
        Assert.Equal(4, JobsOf(o => Scoped.PlainParallel(Enumerable.Range(0, Items), o)));

        using (ParallelConfig.Use(new ParallelConfig { Jobs = 2 }))
        {
            // scope > attribute
            Assert.Equal(2, JobsOf(o => Scoped.PlainParallel(Enumerable.Range(0, Items), o)));

            // call options > scope
            Assert.Equal(3, JobsOf(o => Scoped.PlainParallel(Enumerable.Range(0, Items), o), new ParallelizeOptions { Jobs = 3 }));

            // a pinned attribute value > scope, but call options > pinned attribute
            Assert.Equal(3, JobsOf(o => Scoped.PinnedJobsParallel(Enumerable.Range(0, Items), o)));
            Assert.Equal(5, JobsOf(o => Scoped.PinnedJobsParallel(Enumerable.Range(0, Items), o), new ParallelizeOptions { Jobs = 5 }));

            // the runner's worker count sees the scope too
            Assert.Equal(2, ParallelRunner.GetWorkerCount(new ParallelDefaults(Jobs: 4), null, Items));
            Assert.Equal(3, ParallelRunner.GetWorkerCount(new ParallelDefaults(Jobs: 3, Pinned: ParallelSetting.Jobs), null, Items));
        }

        // built-in (attribute default -1) outside any scope: every CPU, capped
        Assert.Equal(RunSettings.CpuCount, ParallelRunner.GetWorkerCount(new ParallelDefaults(Jobs: -1), null, 1000));
    }

    [Fact]
    public async Task Inner_scopes_inherit_unset_values_and_restore_the_outer_one_across_await()
    {
        Assert.Null(ParallelConfig.Current);
        await RunAsync();
        Assert.Null(ParallelConfig.Current);

        static async Task RunAsync()
        {
            using (ParallelConfig.Use(new ParallelConfig { Jobs = 2, BatchSize = 5 }))
            {
                await Task.Yield();
                using (ParallelConfig.Use(new ParallelConfig { Jobs = 3 }))
                {
                    await Task.Delay(1);
                    Assert.Equal(3, ParallelConfig.Current!.Jobs);
                    Assert.Equal(5, ParallelConfig.Current.BatchSize); // inherited
                    Assert.Equal(3, ParallelRunner.GetWorkerCount(new ParallelDefaults(Jobs: 8), null, Items));
                    await Task.Run(() => Assert.Equal(3, ParallelConfig.Current!.Jobs)); // flows into tasks started inside
                }

                await Task.Yield();
                Assert.Equal(2, ParallelConfig.Current!.Jobs);
                int[] results = await Scoped.PlainParallelAsync(Enumerable.Range(0, Items));
                Assert.Equal(Enumerable.Range(0, Items), results);
            }
        }
    }

    [Fact]
    public async Task Concurrent_flows_see_their_own_scopes()
    {
        using var bothInside = new Barrier(2);
        async Task<int> InScope(int jobs)
        {
            await Task.Yield();
            using (ParallelConfig.Use(new ParallelConfig { Jobs = jobs }))
            {
                bothInside.SignalAndWait(TimeSpan.FromSeconds(10));
                await Task.Delay(10);
                return ParallelRunner.GetWorkerCount(new ParallelDefaults(Jobs: 8), null, Items);
            }
        }

        int[] seen = await Task.WhenAll(Task.Run(() => InScope(2)), Task.Run(() => InScope(3)));
        Assert.Equal([2, 3], seen);
    }

    [Fact]
    public void Scope_supplies_timeout_batch_size_and_verbosity_to_generated_methods()
    {
        var log = new StringWriter();
        using (ParallelConfig.Use(new ParallelConfig { Verbose = 10, VerboseWriter = log, BatchSize = 10, Jobs = 2 }))
        {
            Scoped.PlainParallel(Enumerable.Range(0, Items));
        }

        string[] lines = log.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(Items / 10, lines.Length); // one line per finished batch of 10
        Assert.All(lines, l => Assert.StartsWith("[Parallel(jobs=2)]", l, StringComparison.Ordinal));

        using (ParallelConfig.Use(new ParallelConfig { Timeout = TimeSpan.FromMilliseconds(50) }))
        {
            Assert.Throws<TimeoutException>(() => Probe_Slow.SlowParallel(Enumerable.Range(0, 200)));
        }
    }

    [Fact]
    public void Scope_backend_moves_remote_methods_to_threads_but_never_thread_methods_to_processes()
    {
        int me = Environment.ProcessId;
        using (ParallelConfig.Use(new ParallelConfig { Backend = Backend.Threads }))
        {
            Assert.All(Scoped.ProcessIdParallel(Enumerable.Range(0, 4)), (r, i) => Assert.Equal(((long)me << 16) + i, r));
        }

        using (ParallelConfig.Use(new ParallelConfig { Backend = Backend.Processes }))
        {
            Assert.All(Scoped.ThreadProcessIdParallel(Enumerable.Range(0, 4)), pid => Assert.Equal(me, pid));
        }
    }

    [Fact]
    public void RequireSharedMemory_keeps_every_call_in_process_and_rejects_an_explicit_remote_backend()
    {
        int me = Environment.ProcessId;
        using (ParallelConfig.Use(new ParallelConfig { RequireSharedMemory = true }))
        {
            using (ParallelConfig.Use(new ParallelConfig { Backend = Backend.Processes }))
            {
                Assert.All(Scoped.ProcessIdParallel(Enumerable.Range(0, 4)), (r, i) => Assert.Equal(((long)me << 16) + i, r));
            }

            var ex = Assert.Throws<InvalidOperationException>(() =>
                Scoped.ProcessIdParallel(Enumerable.Range(0, 4), new ParallelizeOptions { Backend = Backend.Processes }));
            Assert.Contains("RequireSharedMemory", ex.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void PARALLELGEN_MAX_CPUS_caps_the_cpus_negative_jobs_count_from()
    {
        Assert.Equal(2, RunSettings.CapCpus(8, "2"));
        Assert.Equal(4, RunSettings.CapCpus(4, "16")); // a cap, never more CPUs
        Assert.Equal(8, RunSettings.CapCpus(8, null));
        Assert.Equal(8, RunSettings.CapCpus(8, "0")); // ignored: not a positive integer
        Assert.Equal(8, RunSettings.CapCpus(8, "-3"));
        Assert.Equal(8, RunSettings.CapCpus(8, "lots"));
        Assert.Equal(Math.Min(Environment.ProcessorCount, 1), RunSettings.CapCpus(Environment.ProcessorCount, " 1 "));
    }

    [Fact]
    public void A_default_scope_does_nothing_when_disposed()
    {
        using (ParallelConfig.Use(new ParallelConfig { Jobs = 2 }))
        {
            default(ParallelConfig.Scope).Dispose();
            Assert.Equal(2, ParallelConfig.Current!.Jobs);
        }
    }

    [GeneratedRegex(@"\[Parallel\(jobs=(\d+)\)\]")]
    private static partial Regex JobsInLine();
}

public static partial class Probe_Slow
{
    [Parallelize(Jobs = 2, BatchSize = 1)]
    public static int Slow(int x)
    {
        Thread.Sleep(10);
        return x;
    }
}
