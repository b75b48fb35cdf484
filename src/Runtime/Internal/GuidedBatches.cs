using System;

namespace ParallelGen.Internal;

/// <summary>
/// The automatic batch size of in-process backends: "guided" batches, a share of what remains
/// (remaining / (4 × workers)), large at first and single items at the end, where stragglers would otherwise leave
/// workers idle.
/// </summary>
internal static class GuidedBatches
{
    internal static int Size(long remaining, int workers) =>
        (int)Math.Clamp(remaining / (4L * workers), 1L, int.MaxValue);
}
