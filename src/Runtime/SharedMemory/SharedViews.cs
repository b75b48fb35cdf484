using System;
using System.Collections.Generic;
using System.IO;

namespace ParallelGen.SharedMemory;

/// <summary>
/// The worker side: shared-array files mapped for the batch being read. Every item of a batch that refers to the same
/// file uses one mapping; the batch's end releases them all (an unlinked file's memory is freed once its last mapping
/// goes), so a worker holds nothing between calls.
/// </summary>
internal static class SharedViews
{
    [ThreadStatic] private static Dictionary<string, MappedFile>? t_batch;

    /// <summary>Starts a batch on this thread (inside one already started, the outer batch keeps the mappings).</summary>
    internal static BatchScope BeginBatch()
    {
        if (t_batch is not null)
        {
            return default;
        }

        t_batch = new Dictionary<string, MappedFile>(StringComparer.Ordinal);
        return new BatchScope(entered: true);
    }

    /// <summary>
    /// Maps <paramref name="path"/> read-only: the batch's mapping when a batch runs on this thread
    /// (<paramref name="owned"/> false), else a new one the caller owns.
    /// </summary>
    internal static MappedFile Open(string path, out bool owned)
    {
        if (!SharedMemoryFiles.IsSharedFile(path))
        {
            throw new InvalidDataException(
                $"'{path}' is not a ParallelGen shared-array file of this machine ({SharedMemoryFiles.Directory}); shared arrays cross to worker processes on the same machine only (Backend.Processes).");
        }

        Dictionary<string, MappedFile>? batch = t_batch;
        if (batch is null)
        {
            owned = true;
            return MappedFile.Open(path);
        }

        owned = false;
        if (!batch.TryGetValue(path, out MappedFile? mapping))
        {
            mapping = MappedFile.Open(path);
            batch.Add(path, mapping);
        }

        return mapping;
    }

    /// <summary>The extent of a batch: disposing it releases the batch's mappings.</summary>
    internal readonly struct BatchScope : IDisposable
    {
        private readonly bool _entered;

        internal BatchScope(bool entered) => _entered = entered;

        public void Dispose()
        {
            if (!_entered || t_batch is not { } batch)
            {
                return;
            }

            t_batch = null;
            foreach (MappedFile mapping in batch.Values)
            {
                mapping.Dispose();
            }
        }
    }
}
