using System;

namespace ParallelGen.Remote;

/// <summary>
/// The batch a worker runs on this thread: its first item's index in the call's input, set by the worker server from
/// the call's header (-1 when the sender did not say, e.g. the cluster backend), so bodies can read
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

    /// <summary>Both the thread's and the async flow's index: an async method's continuations run on other threads.</summary>
    internal static void SetItemIndex(int index)
    {
        ParallelContext.SetItemIndex(index);
        ParallelContext.SetAsyncItemIndex(index);
    }
}
