using System;
using System.Threading;
using ParallelGen.Internal;

namespace ParallelGen;

// The item index a body runs for, and the CPU share nested calls may use.
public static partial class ParallelContext
{
    // index + 1 (0: none). The thread's value wins (blocking bodies); the async value serves bodies that await.
    [ThreadStatic] private static int t_itemIndex;
    private static readonly AsyncLocal<int> s_asyncItemIndex = new();

    // The CPUs the bodies of the running call may give to calls they make (0: not known, e.g. a body entered by a
    // backend that did not say): max(1, parent's share / the call's workers).
    private static readonly AsyncLocal<int> s_bodyCpus = new();

    /// <summary>
    /// The position in the call's input of the item the current parallel body runs for (0-based), on the thread
    /// backend and in process-backend workers: the same for any <c>Jobs</c>, batch size or completion order, so
    /// <c>ParallelRandom.For(seed, ParallelContext.ItemIndex)</c> gives each item its own reproducible stream.
    /// </summary>
    /// <exception cref="InvalidOperationException">Not inside a parallel body, or the backend does not report indices.</exception>
    public static int ItemIndex =>
        TryGetItemIndex(out int index)
            ? index
            : throw new InvalidOperationException(
                "ParallelContext.ItemIndex is known only inside a parallel body run by ParallelGen (Backend.Threads, Backend.Processes or Backend.Cluster).");

    /// <summary>The item index of the current parallel body (see <see cref="ItemIndex"/>), when there is one.</summary>
    /// <param name="index">The index, or -1.</param>
    /// <returns><see langword="true"/> inside a parallel body whose backend reports indices.</returns>
    public static bool TryGetItemIndex(out int index)
    {
        int value = t_itemIndex;
        if (value == 0)
        {
            value = s_asyncItemIndex.Value;
        }

        index = value - 1;
        return value != 0;
    }

    /// <summary>
    /// The most workers a parallel call made here may use: the CPU count (capped by PARALLELGEN_MAX_CPUS) outside a
    /// parallel body; inside one, the cores its call leaves idle, <c>max(1, cpus / outer workers)</c>, divided again at
    /// every deeper level; in a process-backend worker, <c>max(1, cpus / the parent call's workers)</c>; 1 in a body
    /// whose backend does not say how many workers it runs.
    /// </summary>
    public static int NestedWorkerLimit => IsInParallelBody ? (s_bodyCpus.Value is > 0 and int cpus ? cpus : 1) : RunSettings.CpuCount;

    internal static void SetItemIndex(int index) => t_itemIndex = index + 1;

    /// <summary>The index the current thread's body set last (<see cref="SetItemIndex"/>), or -1.</summary>
    internal static int ThreadItemIndex => t_itemIndex - 1;

    /// <summary>For bodies that await: the index flows with the body's async flow.</summary>
    internal static void SetAsyncItemIndex(int index) => s_asyncItemIndex.Value = index + 1;

    /// <summary>In a worker process: the bodies of this batch may give nested calls cpus / the parent call's workers.</summary>
    internal static void SetWorkerShare(int parentWorkers) =>
        s_bodyCpus.Value = Math.Max(1, RunSettings.CpuCount / Math.Max(1, parentWorkers));

    /// <summary>
    /// Entered by the runner around one call with <paramref name="workers"/> workers: the call's bodies may give their
    /// own calls <c>max(1, share / workers)</c> CPUs. Disposing restores the caller's share and item index (a blocking
    /// call runs bodies on the calling thread too).
    /// </summary>
    internal static CallScope EnterCall(int workers)
    {
        var scope = new CallScope(t_itemIndex, s_bodyCpus.Value);
        s_bodyCpus.Value = Math.Max(1, NestedWorkerLimit / Math.Max(1, workers));
        return scope;
    }

    /// <summary>The caller's item index and CPU share, restored when the call returns.</summary>
    internal readonly struct CallScope(int itemIndex, int bodyCpus) : IDisposable
    {
        public void Dispose()
        {
            t_itemIndex = itemIndex;
            if (s_bodyCpus.Value != bodyCpus)
            {
                s_bodyCpus.Value = bodyCpus;
            }
        }
    }
}
