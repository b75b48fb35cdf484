using ParallelGen.Orleans;

namespace ParallelGen.Tests.Cluster;

/// <summary>
/// The silos' multi-core JIT profile (docs/cluster.md): written once a silo has run its first batch, renamed over the
/// application's profile, and no unfinished recording left behind by silos the cluster kills. Its own LocalCluster,
/// with the profile in a directory of its own (<c>PARALLELGEN_SILO_JIT_PROFILE</c>, inherited by the silos).
/// </summary>
[Collection(nameof(KillSiloCollection))]
public sealed class SiloJitProfileTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task A_silo_writes_the_jit_profile_after_its_first_batch_and_killed_silos_leave_no_recording()
    {
        if (Environment.ProcessorCount < 2)
        {
            return; // multi-core JIT needs a second core: silos then record nothing
        }

        string directory = Path.Combine(Path.GetTempPath(), "parallelgen-jit-test-" + Guid.NewGuid().ToString("N"));
        string? previous = Environment.GetEnvironmentVariable("PARALLELGEN_SILO_JIT_PROFILE");
        Environment.SetEnvironmentVariable("PARALLELGEN_SILO_JIT_PROFILE", directory);
        try
        {
            int[] pids;
            await using (LocalCluster cluster = await LocalCluster.StartAsync(2))
            {
                pids = [.. cluster.SiloProcessIds];
                var results = await ClusterTargets.WhereAmIParallelAsync(
                    Enumerable.Range(0, 8).Select(i => (i, 0)), new ParallelizeOptions { BackendInstance = cluster }).WaitAsync(Bound);
                Assert.Equal(Enumerable.Range(0, 8), results.Select(r => r.Item));

                await SiloChecks.WaitUntil(Bound, () => Profiles(directory).Length == 1, "a silo to write the JIT profile after its first batch");

                // On 2 cores silo 1 is held until the first results: it must still join.
                await cluster.AllSilosJoined.WaitAsync(Bound);
            }

            SiloChecks.AssertAllExited(pids);
            Assert.True(new FileInfo(Assert.Single(Profiles(directory))).Length > 0);

            // A silo killed while recording leaves its recording (silo 1 here, killed right after it joined, unless its
            // recording ended first: then there is nothing to remove); the driver removes it once the silo has exited.
            await SiloChecks.WaitUntil(
                TimeSpan.FromSeconds(10),
                () => Directory.GetFiles(directory, "*.tmp").Length == 0,
                () => "the killed silos' recordings to be removed: " + string.Join(", ", Directory.GetFiles(directory)));
        }
        finally
        {
            Environment.SetEnvironmentVariable("PARALLELGEN_SILO_JIT_PROFILE", previous);
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

    private static string[] Profiles(string directory) =>
        Directory.Exists(directory) ? Directory.GetFiles(directory, "*.jitprofile") : [];
}
