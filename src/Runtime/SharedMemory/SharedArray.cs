using System;
using System.Runtime.InteropServices;
using System.Threading;
using ParallelGen.SharedMemory;

namespace ParallelGen;

/// <summary>Creates <see cref="SharedArray{T}"/> values and holds the automatic-sharing threshold's default.</summary>
public static class SharedArray
{
    /// <summary>
    /// The default of <see cref="ParallelizeOptions.SharedMemoryThreshold"/>: on the process backend, an argument that
    /// is an array of a primitive type (<c>double[]</c>, <c>int[]</c>, <c>byte[]</c>, …) of at least this many bytes
    /// (1 MiB, joblib's <c>max_nbytes='1M'</c>) is written once per call to shared memory instead of into every batch.
    /// </summary>
    public const long DefaultThreshold = 1L << 20;

    /// <summary>
    /// Copies <paramref name="data"/> once into a new memory-mapped file (in /dev/shm when it exists, else the temp
    /// folder) owned by this process. Passed to a process-backend method, the array crosses as a handle and workers
    /// map the same pages read-only; on the thread backend it is passed as it is. Dispose it when no call needs it any
    /// more: that deletes the file (so does the finalizer, and, after a crash, the next process that shares an array).
    /// </summary>
    /// <typeparam name="T">An unmanaged element type.</typeparam>
    /// <param name="data">The contents.</param>
    /// <returns>The shared array, owned by the caller.</returns>
    public static SharedArray<T> Create<T>(ReadOnlySpan<T> data)
        where T : unmanaged =>
        SharedArray<T>.CreateOwner(data);
}

/// <summary>
/// A read-only array in shared memory that crosses to process workers as a handle (joblib's memmapped arguments): the
/// parent writes it once (<see cref="SharedArray.Create{T}(ReadOnlySpan{T})"/>), every worker maps the same pages
/// read-only, nothing is copied per call. Read it through <see cref="Span"/> or the indexer.
/// </summary>
/// <remarks>
/// In a worker, the array a method receives is valid while its batch runs: keep the values it needs, not the
/// array (once the batch is over, reading it throws <see cref="ObjectDisposedException"/>).
/// </remarks>
/// <typeparam name="T">An unmanaged element type.</typeparam>
public sealed unsafe class SharedArray<T> : IDisposable
    where T : unmanaged
{
    private readonly MappedFile? _mapping;
    private readonly bool _ownsMapping;
    private readonly bool _ownsFile;
    private int _disposed;

    private SharedArray(string path, int length, MappedFile? mapping, bool ownsMapping, bool ownsFile)
    {
        FilePath = path;
        Length = length;
        _mapping = mapping;
        _ownsMapping = ownsMapping;
        _ownsFile = ownsFile;
    }

    /// <summary>Deletes the file when the owner was never disposed.</summary>
    ~SharedArray()
    {
        if (_ownsFile && Volatile.Read(ref _disposed) == 0)
        {
            SharedMemoryFiles.TryDelete(FilePath);
        }
    }

    /// <summary>The number of elements.</summary>
    public int Length { get; }

    /// <summary>The shared file's path (in /dev/shm or the temp folder).</summary>
    public string FilePath { get; }

    /// <summary>
    /// <see langword="true"/> for the array <see cref="SharedArray.Create{T}(ReadOnlySpan{T})"/> returned (its
    /// disposal deletes the file); <see langword="false"/> for the view a worker received.
    /// </summary>
    public bool IsOwner => _ownsFile;

    /// <summary>The elements, read in place in the mapped file.</summary>
    /// <exception cref="ObjectDisposedException">The array was disposed, or (in a worker) its batch is over.</exception>
    public ReadOnlySpan<T> Span
    {
        get
        {
            ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
            return Length == 0 ? default : new ReadOnlySpan<T>(_mapping!.Pointer, Length);
        }
    }

    /// <summary>The element at <paramref name="index"/>.</summary>
    /// <param name="index">A position from 0 to <see cref="Length"/> - 1.</param>
    public T this[int index] => Span[index];

    /// <summary>Copies the elements into a new array.</summary>
    /// <returns>The copy.</returns>
    public T[] ToArray() => Span.ToArray();

    /// <summary>
    /// Releases the mapping; the owner also deletes the file (workers that still map it keep their pages until their
    /// batch ends).
    /// </summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        if (_ownsMapping)
        {
            _mapping?.Dispose();
        }

        if (_ownsFile)
        {
            SharedMemoryFiles.TryDelete(FilePath);
        }

        GC.SuppressFinalize(this);
    }

    internal bool IsDisposed => Volatile.Read(ref _disposed) != 0;

    internal static SharedArray<T> CreateOwner(ReadOnlySpan<T> data)
    {
        string path = SharedMemoryFiles.Create(MemoryMarshal.AsBytes(data));
        try
        {
            MappedFile? mapping = data.Length == 0 ? null : MappedFile.Open(path);
            return new SharedArray<T>(path, data.Length, mapping, ownsMapping: true, ownsFile: true);
        }
        catch
        {
            SharedMemoryFiles.TryDelete(path);
            throw;
        }
    }

    /// <summary>
    /// The array a worker receives: a view of the parent's file, mapped once per batch (released when the batch ends)
    /// or, outside a batch, owned by the view.
    /// </summary>
    internal static SharedArray<T> OpenView(string path, int length)
    {
        MappedFile mapping = SharedViews.Open(path, out bool owned);
        if (mapping.Length < (long)length * sizeof(T))
        {
            if (owned)
            {
                mapping.Dispose();
            }

            throw new InvalidOperationException($"The shared array file '{path}' holds {mapping.Length} bytes, fewer than {length} elements of {typeof(T).Name}.");
        }

        return new SharedArray<T>(path, length, mapping, ownsMapping: owned, ownsFile: false);
    }
}
