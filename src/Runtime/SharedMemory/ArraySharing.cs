using System;
using System.Collections.Generic;
using System.Runtime.InteropServices;

namespace ParallelGen.SharedMemory;

/// <summary>
/// The parent side of automatic sharing for one process-backend call: arrays of primitives at least
/// <see cref="Threshold"/> bytes long that the call's items carry are written once to a shared file (the first time
/// a batch holding them is sent) and cross as that file's name; <see cref="Dispose"/> (the call's end) deletes the
/// files. Active on a thread only inside <see cref="Enter"/>, which the backend wraps around writing a batch.
/// </summary>
internal sealed class ArraySharing : IDisposable
{
    [ThreadStatic] private static ArraySharing? t_current;

    private readonly Dictionary<object, string> _files = new(ReferenceEqualityComparer.Instance);
    private bool _disposed;

    internal ArraySharing(long threshold) => Threshold = threshold;

    /// <summary>The smallest array, in bytes, that is shared.</summary>
    internal long Threshold { get; }

    /// <summary>The sharing active on this thread (a batch being written), or null.</summary>
    internal static ArraySharing? Current => t_current;

    /// <summary>The files this call created so far.</summary>
    internal IReadOnlyCollection<string> Files
    {
        get
        {
            lock (_files)
            {
                return [.. _files.Values];
            }
        }
    }

    /// <summary>
    /// The sharing for a call with these options: null when the threshold is negative (sharing off).
    /// </summary>
    internal static ArraySharing? For(ParallelizeOptions? options)
    {
        long threshold = options?.SharedMemoryThreshold ?? SharedArray.DefaultThreshold;
        return threshold < 0 ? null : new ArraySharing(threshold);
    }

    /// <summary>Makes <paramref name="sharing"/> current on this thread until the scope is disposed.</summary>
    internal static Scope Enter(ArraySharing? sharing)
    {
        ArraySharing? outer = t_current;
        t_current = sharing;
        return new Scope(outer);
    }

    /// <summary>
    /// The shared file holding <paramref name="array"/> when it is large enough: written on first use in this call,
    /// the same file for every later batch. False for a small array, or once the call is over.
    /// </summary>
    internal bool TryShare<T>(T[] array, out string path)
        where T : unmanaged
    {
        path = "";
        if ((long)array.Length * System.Runtime.CompilerServices.Unsafe.SizeOf<T>() < Threshold)
        {
            return false;
        }

        lock (_files)
        {
            if (_disposed)
            {
                return false;
            }

            if (!_files.TryGetValue(array, out string? existing))
            {
                existing = SharedMemoryFiles.Create(MemoryMarshal.AsBytes(array.AsSpan()));
                _files.Add(array, existing);
            }

            path = existing;
            return true;
        }
    }

    /// <summary>Deletes the call's files.</summary>
    public void Dispose()
    {
        string[] files;
        lock (_files)
        {
            _disposed = true;
            files = [.. _files.Values];
            _files.Clear();
        }

        foreach (string file in files)
        {
            SharedMemoryFiles.TryDelete(file);
        }
    }

    /// <summary>Restores the sharing that was current before <see cref="Enter"/>.</summary>
    internal readonly struct Scope(ArraySharing? outer) : IDisposable
    {
        public void Dispose() => t_current = outer;
    }
}
