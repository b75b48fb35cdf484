using System.Diagnostics;
using ParallelGen.SharedMemory;

namespace ParallelGen.Tests;

/// <summary>
/// Issue 10 §3: large arrays cross to process workers without being copied into every batch — <see cref="SharedArray{T}"/>
/// as a handle to a memory-mapped file, large primitive arrays shared automatically — and no file outlives its call,
/// its owner, or a crash.
/// </summary>
[Collection(nameof(ProcessCollection))]
public sealed class SharedArrayTests
{
    private static readonly int s_me = Environment.ProcessId;

    private static double[] Data(int length) => [.. Enumerable.Range(0, length).Select(i => (double)(i % 1000))];

    [Fact]
    public void A_shared_array_is_read_in_place_by_worker_processes_and_its_file_goes_with_Dispose()
    {
        double[] data = Data(300_000); // 2.4 MB
        string path;
        using (SharedArray<double> shared = SharedArray.Create<double>(data))
        {
            path = shared.FilePath;
            Assert.True(File.Exists(path));
            Assert.True(shared.IsOwner);
            Assert.Equal(data.Length, shared.Length);
            Assert.Equal(data, shared.ToArray());
            Assert.StartsWith($"{SharedMemoryFiles.Prefix}{s_me}-", Path.GetFileName(path));
            if (Directory.Exists("/dev/shm"))
            {
                Assert.Equal("/dev/shm", Path.GetDirectoryName(path));
            }

            var results = SharedTargets.SumSharedParallel(Enumerable.Range(0, 8).Select(i => (shared, i)), new ParallelizeOptions { BatchSize = 1 });

            Assert.All(results, r => Assert.Equal(data.Sum(), r.Sum));
            Assert.All(results, r => Assert.NotEqual(s_me, r.Pid));
            Assert.All(results, r => Assert.False(r.Owner)); // the worker got a view, not the file
        }

        Assert.False(File.Exists(path));
    }

    [Fact]
    public void On_threads_a_shared_array_is_passed_as_it_is()
    {
        using SharedArray<double> shared = SharedArray.Create<double>(Data(10));
        Assert.All(SharedTargets.SameObjectParallel(Enumerable.Range(0, 4).Select(_ => (shared, shared))), Assert.True);
    }

    [Fact]
    public void An_empty_shared_array_and_a_disposed_one()
    {
        using (SharedArray<int> empty = SharedArray.Create<int>([]))
        {
            Assert.Equal(0, empty.Length);
            Assert.True(empty.Span.IsEmpty);
        }

        SharedArray<double> gone = SharedArray.Create<double>(Data(4));
        gone.Dispose();
        Assert.Throws<ObjectDisposedException>(() => gone[0]);
        Assert.ThrowsAny<Exception>(() => SharedTargets.SumSharedParallel([(gone, 0)]));
    }

    [Fact]
    public void A_worker_releases_a_shared_array_when_its_batch_ends()
    {
        using SharedArray<double> a = SharedArray.Create<double>([1.5]);
        using SharedArray<double> b = SharedArray.Create<double>([2.5]);

        string[] seen = SharedTargets.KeepPastTheBatchParallel([(a, 0), (b, 1)]);

        Assert.Equal("none:1.5", seen[0]);
        Assert.Equal("released:2.5", seen[1]);
    }

    [Fact]
    public void A_large_primitive_array_argument_is_shared_once_per_call_and_its_file_is_deleted_when_the_call_ends()
    {
        double[] data = Data(200_000); // 1.6 MB ≥ the 1 MiB default
        var results = SharedTargets.SumArrayParallel(Enumerable.Range(0, 6).Select(_ => (data, s_me)));

        Assert.All(results, r => Assert.Equal(data.Sum(), r.Sum));
        Assert.All(results, r => Assert.NotEqual(s_me, r.Pid));
        Assert.All(results, r => Assert.Equal(1, r.ParentFiles)); // one file for the six items
        Assert.Equal(0, SharedTargets.FilesOf(s_me));
    }

    [Fact]
    public void Small_arrays_and_a_negative_threshold_are_copied_as_before()
    {
        double[] small = Data(1000);
        Assert.All(SharedTargets.SumArrayParallel([(small, s_me)]), r => Assert.Equal(0, r.ParentFiles));

        double[] large = Data(200_000);
        var off = new ParallelizeOptions { SharedMemoryThreshold = -1 };
        Assert.All(SharedTargets.SumArrayParallel([(large, s_me), (large, s_me)], off), r =>
        {
            Assert.Equal(large.Sum(), r.Sum);
            Assert.Equal(0, r.ParentFiles);
        });

        var low = new ParallelizeOptions { SharedMemoryThreshold = 8 * 1000 };
        Assert.All(SharedTargets.SumArrayParallel([(small, s_me)], low), r => Assert.Equal(1, r.ParentFiles));
    }

    [Fact]
    public void Each_item_gets_its_own_copy_of_a_shared_argument()
    {
        double[] data = Data(200_000);
        double[] firsts = SharedTargets.FirstThenOverwriteParallel(Enumerable.Range(0, 6).Select(i => (data, i)), new ParallelizeOptions { BatchSize = 3 });

        Assert.All(firsts, f => Assert.Equal(0.0, f));
        Assert.Equal(0.0, data[0]);
    }

    [Fact]
    public void A_worker_that_dies_holding_a_shared_array_leaves_no_file()
    {
        double[] data = Data(200_000);
        Assert.Throws<WorkerCrashedException>(() => SharedTargets.DieHoldingParallel([(data, 0)]));
        Assert.Equal(0, SharedTargets.FilesOf(s_me));
    }

    [Fact]
    public void The_sweep_deletes_files_of_dead_owners_and_of_reused_pids_but_keeps_live_ones()
    {
        string dir = SharedMemoryFiles.Directory;
        int dead = DeadPid();
        string orphan = Path.Combine(dir, $"{SharedMemoryFiles.Prefix}{dead}-1-{Guid.NewGuid():N}{SharedMemoryFiles.Extension}");
        string reused = Path.Combine(dir, $"{SharedMemoryFiles.Prefix}{s_me}-1-{Guid.NewGuid():N}{SharedMemoryFiles.Extension}"); // our pid, another start
        File.WriteAllBytes(orphan, [1]);
        File.WriteAllBytes(reused, [1]);
        using SharedArray<byte> live = SharedArray.Create<byte>([1, 2, 3]);
        try
        {
            Assert.True(SharedMemoryFiles.SweepOrphans() >= 1);

            Assert.False(File.Exists(orphan));
            Assert.False(File.Exists(reused));
            Assert.True(File.Exists(live.FilePath));
        }
        finally
        {
            File.Delete(orphan);
            File.Delete(reused);
        }
    }

    [Fact]
    public void A_file_name_names_its_owner()
    {
        Assert.True(SharedMemoryFiles.TryParseOwner("parallelgen-123-456-abc.shm", out int pid, out long started));
        Assert.Equal((123, 456L), (pid, started));
        Assert.False(SharedMemoryFiles.TryParseOwner("parallelgen-x-456-abc.shm", out _, out _));
        Assert.False(SharedMemoryFiles.TryParseOwner("other-123-456-abc.shm", out _, out _));
        Assert.False(SharedMemoryFiles.IsSharedFile("/etc/passwd"));
        Assert.False(SharedMemoryFiles.IsSharedFile(Path.Combine(SharedMemoryFiles.Directory, "parallelgen-1-2-x.txt")));
    }

    private static int DeadPid()
    {
        using var p = Process.Start(new ProcessStartInfo("true") { UseShellExecute = false })!;
        p.WaitForExit();
        return p.Id;
    }
}
