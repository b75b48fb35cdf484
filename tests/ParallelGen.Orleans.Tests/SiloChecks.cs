using System.Diagnostics;

namespace ParallelGen.Tests.Cluster;

/// <summary>Bounded waits and the "no silo outlives its cluster" check the out-of-process cluster tests share.</summary>
internal static class SiloChecks
{
    /// <summary>Polls <paramref name="condition"/> until it holds; fails naming <paramref name="what"/> after <paramref name="bound"/>.</summary>
    internal static Task WaitUntil(TimeSpan bound, Func<bool> condition, string what) => WaitUntil(bound, condition, () => what);

    /// <inheritdoc cref="WaitUntil(TimeSpan, Func{bool}, string)"/>
    internal static async Task WaitUntil(TimeSpan bound, Func<bool> condition, Func<string> what)
    {
        var stopwatch = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(stopwatch.Elapsed < bound, $"timed out after {bound.TotalSeconds:0} s waiting for {what()}");
            await Task.Delay(10);
        }
    }

    /// <summary>No silo process outlives its cluster.</summary>
    internal static void AssertAllExited(int[] pids)
    {
        foreach (int pid in pids)
        {
            try
            {
                using Process process = Process.GetProcessById(pid);
                Assert.True(process.HasExited, $"silo process {pid} is still running");
            }
            catch (ArgumentException)
            {
                // gone
            }
        }
    }
}
