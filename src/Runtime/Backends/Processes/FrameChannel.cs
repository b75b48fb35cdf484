using System;
using System.Buffers;
using System.Buffers.Binary;
using System.IO;

namespace ParallelGen.Backends.Processes;

/// <summary>The kinds of message between a parent and a worker process; <see cref="WireMessages"/> writes and reads each payload.</summary>
internal enum FrameType : byte
{
    /// <summary>Worker → parent, once: the worker is ready (token, process id).</summary>
    Hello = 1,

    /// <summary>Parent → worker: run a batch (method id, measure memory, spin, items).</summary>
    Call = 2,

    /// <summary>Worker → parent: a batch's results (results, then the working set or -1).</summary>
    Result = 3,

    /// <summary>Worker → parent: an item threw (index in batch, then the exception: type, message, stack trace, description).</summary>
    Error = 4,

    /// <summary>Worker → parent: a line the worker wrote to its console.</summary>
    Output = 5,

    /// <summary>Parent → worker: exit now.</summary>
    Shutdown = 6,
}

/// <summary>
/// Length-prefixed frames over a pair of pipe streams: [int32 payload length][byte type][payload]. Each frame is
/// written with a single write call; writes are serialized by a lock because worker console output can come from
/// any thread.
/// </summary>
internal sealed class FrameChannel(Stream input, Stream output)
{
    internal const int HeaderSize = 5;
    private const int MaxFrame = 1 << 30;
    private readonly object _writeLock = new();
    private readonly byte[] _header = new byte[HeaderSize];
    private byte[] _readBuffer = new byte[64 * 1024];
    private readonly int _inputDescriptor = SpinPoll.DescriptorOf(input);

    /// <summary>The stream frames are read from.</summary>
    internal Stream Input => input;

    /// <summary>The stream frames are written to.</summary>
    internal Stream Output => output;

    /// <summary>Starts a frame in <paramref name="buffer"/>; write the payload after it and call <see cref="Send(FrameType, FrameBuffer)"/>.</summary>
    internal static void BeginFrame(FrameBuffer buffer) => buffer.Reset(HeaderSize);

    /// <summary>Sends a frame begun with <see cref="BeginFrame"/>.</summary>
    internal void Send(FrameType type, FrameBuffer frame)
    {
        BinaryPrimitives.WriteInt32LittleEndian(frame.Array, frame.Count - HeaderSize);
        frame.Array[4] = (byte)type;
        lock (_writeLock)
        {
            output.Write(frame.Array, 0, frame.Count);
            output.Flush();
        }
    }

    /// <summary>Sends a frame whose payload is already encoded.</summary>
    internal void Send(FrameType type, ReadOnlySpan<byte> payload)
    {
        byte[] rented = ArrayPool<byte>.Shared.Rent(payload.Length + HeaderSize);
        try
        {
            BinaryPrimitives.WriteInt32LittleEndian(rented, payload.Length);
            rented[4] = (byte)type;
            payload.CopyTo(rented.AsSpan(HeaderSize));
            lock (_writeLock)
            {
                output.Write(rented, 0, payload.Length + HeaderSize);
                output.Flush();
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    /// <summary>
    /// Poll briefly before blocking on a read: worth it only while the machine has a core free for the other side
    /// (see <see cref="SpinPoll"/>), so the parent turns it on per call.
    /// </summary>
    internal bool Spin { get; set; }

    /// <summary>
    /// Waits until the next frame can be read (or the pipe is closed), at most <paramref name="timeout"/>; false if the
    /// time ran out. Measured by the kernel, so a busy thread pool cannot delay it. Where the descriptor is unknown
    /// (Windows) it returns true at once and the caller's timer is the limit.
    /// </summary>
    internal bool WaitReadable(TimeSpan timeout) => SpinPoll.WaitReadable(_inputDescriptor, timeout);

    /// <summary>Whether <see cref="WaitReadable"/> really waits (the pipe's descriptor is known).</summary>
    internal bool CanWaitReadable => _inputDescriptor >= 0;

    /// <summary>Reads the next frame; false when the other side has closed the pipe (it exited or died).</summary>
    /// <remarks>The payload stays valid until the next call.</remarks>
    internal bool TryRead(out FrameType type, out ReadOnlyMemory<byte> payload)
    {
        type = default;
        payload = default;
        if (Spin)
        {
            SpinPoll.WaitBriefly(_inputDescriptor);
        }

        if (!ReadExactly(_header))
        {
            return false;
        }

        int length = BinaryPrimitives.ReadInt32LittleEndian(_header);
        if (length < 0 || length > MaxFrame)
        {
            throw new InvalidDataException($"A ParallelGen worker frame of {length} bytes is not valid; the pipe is corrupt.");
        }

        type = (FrameType)_header[4];
        if (_readBuffer.Length < length)
        {
            _readBuffer = new byte[Math.Max(length, _readBuffer.Length * 2)];
        }

        if (!ReadExactly(_readBuffer.AsSpan(0, length)))
        {
            return false;
        }

        payload = new ReadOnlyMemory<byte>(_readBuffer, 0, length);
        return true;
    }

    private bool ReadExactly(Span<byte> destination)
    {
        while (destination.Length > 0)
        {
            int read;
            try
            {
                read = input.Read(destination);
            }
            catch (IOException)
            {
                return false;
            }
            catch (ObjectDisposedException)
            {
                return false;
            }

            if (read == 0)
            {
                return false;
            }

            destination = destination[read..];
        }

        return true;
    }
}
