using System;
using System.Buffers;

namespace ParallelGen.Backends.Processes;

/// <summary>
/// A growable byte buffer for one frame: <see cref="FrameChannel"/> reserves the header, a MessagePack writer fills
/// the payload, and the whole frame leaves in one write. Reused across frames to avoid allocation.
/// </summary>
internal sealed class FrameBuffer : IBufferWriter<byte>
{
    private byte[] _buffer = new byte[4096];
    private int _count;

    internal byte[] Array => _buffer;

    internal int Count => _count;

    internal void Reset(int reserve)
    {
        _count = 0;
        GetSpan(reserve);
        _count = reserve;
    }

    public void Advance(int count) => _count += count;

    public Memory<byte> GetMemory(int sizeHint = 0)
    {
        Ensure(sizeHint);
        return _buffer.AsMemory(_count);
    }

    public Span<byte> GetSpan(int sizeHint = 0)
    {
        Ensure(sizeHint);
        return _buffer.AsSpan(_count);
    }

    private void Ensure(int sizeHint)
    {
        int needed = _count + Math.Max(sizeHint, 256);
        if (needed > _buffer.Length)
        {
            System.Array.Resize(ref _buffer, Math.Max(needed, _buffer.Length * 2));
        }
    }
}
