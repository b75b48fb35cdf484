using System.Collections.Generic;
using System.Linq;
using MemoryPack;

namespace ParallelGen.ProcessBenchmarks;

// The serializer comparison's payload shapes. MessagePack (contractless) and System.Text.Json need nothing on these
// types; MemoryPack needs [MemoryPackable] and partial, which is exactly the annotation burden the backend avoids.

/// <summary>A small record, the typical argument.</summary>
[MemoryPackable]
public sealed partial record SmallRecord(int Id, string Name, double Value, bool Flag);

/// <summary>A class with collections.</summary>
[MemoryPackable]
public sealed partial class Bag
{
    public List<int> Numbers { get; set; } = [];

    public Dictionary<string, int> Counts { get; set; } = [];

    internal static Bag Create() => new()
    {
        Numbers = [.. Enumerable.Range(0, 100)],
        Counts = Enumerable.Range(0, 20).ToDictionary(i => "key" + i, i => i * i),
    };
}
