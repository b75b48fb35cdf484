using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Engines;
using BenchmarkDotNet.Jobs;

namespace ParallelGen.Benchmarks;

/// <summary>
/// Tiny bodies: by default a short job (3 warm-up, 10 measured iterations) so that the suite finishes in a couple of
/// minutes on 2 cores; <c>--full</c> uses BenchmarkDotNet's default job (pilot, adaptive iteration count).
/// </summary>
public sealed class TinyBodiesConfig : ManualConfig
{
    public TinyBodiesConfig() =>
        AddJob(Program.Full
            ? Job.Default.WithId("Full")
            : Job.Default.WithWarmupCount(3).WithIterationCount(10).WithId("Quick"));
}

/// <summary>
/// Blocking bodies: every invocation sleeps 100 ms, so one invocation per iteration (the Monitoring strategy) and a
/// handful of iterations; <c>--full</c> measures 30.
/// </summary>
public sealed class BlockingBodiesConfig : ManualConfig
{
    public BlockingBodiesConfig() =>
        AddJob(Job.Default
            .WithStrategy(RunStrategy.Monitoring)
            .WithLaunchCount(1)
            .WithWarmupCount(2)
            .WithIterationCount(Program.Full ? 30 : 8)
            .WithId(Program.Full ? "Full" : "Quick"));
}
