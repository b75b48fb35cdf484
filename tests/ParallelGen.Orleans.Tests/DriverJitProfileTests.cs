using ParallelGen.Orleans;

namespace ParallelGen.Tests.Cluster;

/// <summary>
/// The driver's multi-core JIT profile, asked for with <c>PARALLELGEN_DRIVER_JIT_PROFILE=&lt;dir&gt;</c> (docs/cluster.md):
/// the first start in the process that asks for it records from its client's first gateway request to the first
/// results and leaves one profile and no recording in that directory. No other test asks for it, and the tests run one
/// after another, so this start is the one that records (it is once per process).
/// </summary>
[Collection(nameof(KillSiloCollection))]
public sealed class DriverJitProfileTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task The_first_start_that_asks_for_it_writes_the_driver_profile_at_the_first_results()
    {
        if (Environment.ProcessorCount < 2)
        {
            return; // multi-core JIT needs a second core: nothing is recorded
        }

        string directory = Path.Combine(Path.GetTempPath(), "parallelgen-driver-jit-test-" + Guid.NewGuid().ToString("N"));
        string? previous = Environment.GetEnvironmentVariable("PARALLELGEN_DRIVER_JIT_PROFILE");
        Environment.SetEnvironmentVariable("PARALLELGEN_DRIVER_JIT_PROFILE", directory);
        try
        {
            await using (LocalCluster cluster = await LocalCluster.StartAsync(1))
            {
                var results = await ClusterTargets.WhereAmIParallelAsync(
                    Enumerable.Range(0, 4).Select(i => (i, 0)), new ParallelizeOptions { BackendInstance = cluster }).WaitAsync(Bound);
                Assert.Equal(Enumerable.Range(0, 4), results.Select(r => r.Item));
                await SiloChecks.WaitUntil(
                    Bound,
                    () => Directory.Exists(directory) && Directory.GetFiles(directory, "*.jitprofile").Length == 1,
                    "the driver to write its JIT profile after the first results");
            }

            Assert.True(new FileInfo(Assert.Single(Directory.GetFiles(directory, "*.jitprofile"))).Length > 0);
            Assert.Empty(Directory.GetFiles(directory, "*.tmp"));
        }
        finally
        {
            Environment.SetEnvironmentVariable("PARALLELGEN_DRIVER_JIT_PROFILE", previous);
            try
            {
                Directory.Delete(directory, recursive: true);
            }
            catch (IOException)
            {
                // a temp directory
            }
        }
    }
}
