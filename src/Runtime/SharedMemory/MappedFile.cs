using System;
using System.IO;
using System.IO.MemoryMappedFiles;
using System.Threading;

namespace ParallelGen.SharedMemory;

/// <summary>A shared-array file mapped read-only into this process (nothing is copied: pages are the file's own).</summary>
internal sealed unsafe class MappedFile : IDisposable
{
    private readonly MemoryMappedFile? _file;
    private readonly MemoryMappedViewAccessor? _view;
    private byte* _pointer;
    private int _disposed;

    private MappedFile(string path, MemoryMappedFile? file, MemoryMappedViewAccessor? view, long length)
    {
        Path = path;
        _file = file;
        _view = view;
        Length = length;
        if (view is not null)
        {
            view.SafeMemoryMappedViewHandle.AcquirePointer(ref _pointer);
            _pointer += view.PointerOffset;
        }
    }

    internal string Path { get; }

    /// <summary>The file's length in bytes.</summary>
    internal long Length { get; }

    internal bool IsDisposed => Volatile.Read(ref _disposed) != 0;

    /// <summary>Maps <paramref name="path"/> read-only; an empty file maps nothing.</summary>
    internal static MappedFile Open(string path)
    {
        long length = new FileInfo(path).Length;
        if (length == 0)
        {
            return new MappedFile(path, null, null, 0);
        }

        MemoryMappedFile file = MemoryMappedFile.CreateFromFile(path, FileMode.Open, null, 0, MemoryMappedFileAccess.Read);
        try
        {
            MemoryMappedViewAccessor view = file.CreateViewAccessor(0, length, MemoryMappedFileAccess.Read);
            return new MappedFile(path, file, view, length);
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    /// <summary>The first byte; throws once the mapping is released.</summary>
    internal byte* Pointer
    {
        get
        {
            ObjectDisposedException.ThrowIf(IsDisposed, this);
            return _pointer;
        }
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        if (_view is not null)
        {
            _view.SafeMemoryMappedViewHandle.ReleasePointer();
            _view.Dispose();
        }

        _file?.Dispose();
    }
}
