using System;

namespace ParallelGen.Remote;

/// <summary>
/// The batch a worker runs on this thread: its first item's index in the call's input, set by the worker server from
/// the call's header (a process worker) or by the slot grain (a silo), -1 when the sender did not say, so bodies can read
/// <see cref="ParallelContext.ItemIndex"/>.
/// </summary>
internal static class RemoteBatch
{
    [ThreadStatic] private static int t_startPlusOne;

    internal static int Start
    {
        get => t_startPlusOne - 1;
        set => t_startPlusOne = value + 1;
    }

    /// <summary>The thread's index (the async adapters below carry it into the async flow of the methods that await).</summary>
    internal static void SetItemIndex(int index) => ParallelContext.SetItemIndex(index);

    /// <summary>
    /// For an async method: its continuations run on other threads, so the index set on this thread goes into the
    /// async flow too (an async-local write costs an allocation, hence only here).
    /// </summary>
    internal static void FlowItemIndex()
    {
        if (ParallelContext.TryGetItemIndex(out int index))
        {
            ParallelContext.SetAsyncItemIndex(index);
        }
    }
}
