using System;
using System.Collections.Generic;

namespace ParallelGen.Internal;

/// <summary>
/// The last lines a child process wrote (a worker's standard error, a silo's output), kept for error messages;
/// thread-safe, since the lines arrive on the process's output-reading threads.
/// </summary>
internal sealed class LineTail(int capacity)
{
    private readonly Queue<string> _lines = new();

    /// <summary>Keeps <paramref name="line"/>, dropping the oldest line beyond the capacity; ignores <see langword="null"/> (end of stream).</summary>
    public void Add(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_lines)
        {
            _lines.Enqueue(line);
            if (_lines.Count > capacity)
            {
                _lines.Dequeue();
            }
        }
    }

    /// <summary>The kept lines, oldest first, one per line.</summary>
    public override string ToString()
    {
        lock (_lines)
        {
            return string.Join(Environment.NewLine, _lines);
        }
    }
}
