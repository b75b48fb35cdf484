using System.ComponentModel;

namespace ParallelGen;

/// <summary>
/// The values of a <see cref="ParallelizeAttribute"/>, as generated code passes them to <see cref="ParallelRunner"/>.
/// </summary>
/// <param name="Jobs">See <see cref="ParallelizeAttribute.Jobs"/>.</param>
/// <param name="Backend">See <see cref="ParallelizeAttribute.Backend"/>.</param>
/// <param name="BatchSize">See <see cref="ParallelizeAttribute.BatchSize"/>.</param>
/// <param name="Pinned">See <see cref="ParallelizeAttribute.Pinned"/>.</param>
[EditorBrowsable(EditorBrowsableState.Advanced)]
public readonly record struct ParallelDefaults(
    int Jobs = -1, Backend Backend = Backend.Threads, int BatchSize = 0, ParallelSetting Pinned = ParallelSetting.None);
