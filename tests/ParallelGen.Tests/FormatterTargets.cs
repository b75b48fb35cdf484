using System.Collections.Immutable;
using ParallelGen;

namespace ParallelGen.Tests;

// Every shape PG0006 accepts, with the formatters the generator writes for them (issue 13). No attribute on the types.

public enum Tint : byte
{
    None,
    Red = 7,
    Blue = 200,
}

public sealed record Box<T>(T Value, string Label);

public record BaseShape(int Corners);

public sealed record Polygon(string Name, Point3 Center) : BaseShape(Name.Length);

public struct Pixel
{
    public int X;
    public int Y;
    public Tint Tint { get; set; }
    public string? Note { get; init; }
}

/// <summary>A linked list: a type that contains itself.</summary>
public sealed class Chain
{
    public required string Name { get; init; }

    public Chain? Next { get; set; }

    public int Length => 1 + (Next?.Length ?? 0);
}

/// <summary>A class with a constructor that takes some members and setters for the rest.</summary>
public sealed class Account(string owner, decimal balance)
{
    public string Owner { get; } = owner;

    public decimal Balance { get; } = balance;

    public DateTime Opened { get; set; }

    public List<string> Tags { get; set; } = [];
}

public sealed class Everything
{
    public bool Flag { get; set; }
    public char Letter { get; set; }
    public sbyte Tiny { get; set; }
    public byte Small { get; set; }
    public short Short { get; set; }
    public ushort UShort { get; set; }
    public int Int { get; set; }
    public uint UInt { get; set; }
    public long Long { get; set; }
    public ulong ULong { get; set; }
    public float Float { get; set; }
    public double Double { get; set; }
    public string? Text { get; set; }
    public Tint Tint { get; set; }
    public Shade Shade { get; set; }
    public int? Maybe { get; set; }
    public Tint? MaybeTint { get; set; }
    public double[]? Doubles { get; set; }
    public int[] Ints { get; set; } = [];
    public byte[] Bytes { get; set; } = [];
    public char[] Chars { get; set; } = [];
    public long[] Longs { get; set; } = [];
    public float[] Floats { get; set; } = [];
    public bool[] Bools { get; set; } = [];
    public string?[] Strings { get; set; } = [];
    public int[][] Jagged { get; set; } = [];
    public Point3[] Points { get; set; } = [];
    public List<Point3> PointList { get; set; } = [];
    public List<int>? NullList { get; set; }
    public Dictionary<string, List<int>> Index { get; set; } = [];
    public Dictionary<int, Point3> ById { get; set; } = [];
    public HashSet<long> Ids { get; set; } = [];
    public IReadOnlyList<Tint> Tints { get; set; } = [];
    public IList<int> IntList { get; set; } = [];
    public ICollection<string> Collection { get; set; } = [];
    public IReadOnlyCollection<double> ReadOnlyCollection { get; set; } = [];
    public IEnumerable<string> Words { get; set; } = [];
    public IDictionary<string, int> Map { get; set; } = new Dictionary<string, int>();
    public IReadOnlyDictionary<int, string> ReadOnlyMap { get; set; } = new Dictionary<int, string>();
    public ISet<string> Set { get; set; } = new HashSet<string>();
    public (int A, string B) Pair { get; set; }
    public (int, int, int, int, int, int, int, int, string) Nine { get; set; }
    public ValueTuple<int> Single { get; set; }
    public Tuple<int, string>? Legacy { get; set; }
    public KeyValuePair<string, Point3> Entry { get; set; }
    public Box<int> IntBox { get; set; } = new(0, "");
    public Box<List<Box<string>>>? NestedBox { get; set; }
    public Polygon? Polygon { get; set; }
    public Pixel Pixel { get; set; }
    public Pixel? MaybePixel { get; set; }
    public Chain? Chain { get; set; }
    public Account? Account { get; set; }
    public decimal Money { get; set; }
    public DateTime When { get; set; }
    public Guid Id { get; set; }
    public TimeSpan Span { get; set; }
    public ImmutableArray<Point3> Frozen { get; set; } = [];
    public SortedDictionary<string, Pixel> Sorted { get; set; } = [];
    public Measurement Measurement;

    /// <summary>A value with every member set to something other than its default.</summary>
    public static Everything Sample(int seed) => new()
    {
        Flag = true,
        Letter = (char)('é' + seed),
        Tiny = -5,
        Small = 250,
        Short = -30000,
        UShort = 65000,
        Int = -seed - 1,
        UInt = uint.MaxValue - (uint)seed,
        Long = long.MinValue + seed,
        ULong = ulong.MaxValue - (ulong)seed,
        Float = 1.5f + seed,
        Double = Math.PI * seed,
        Text = "text " + seed,
        Tint = Tint.Blue,
        Shade = Shade.Dark,
        Maybe = seed,
        MaybeTint = Tint.Red,
        Doubles = [.. Enumerable.Range(0, 100).Select(i => i * 0.5 + seed)],
        Ints = [1, -2, int.MaxValue],
        Bytes = [0, 1, 255],
        Chars = ['a', 'ß', '\u4e2d'],
        Longs = [long.MinValue, 0, long.MaxValue],
        Floats = [float.NaN, -0f, float.PositiveInfinity],
        Bools = [true, false, true],
        Strings = ["a", null, ""],
        Jagged = [[1], [], [2, 3]],
        Points = [new(1, 2, 3), new(4, 5, 6)],
        PointList = [new(7, 8, 9)],
        NullList = null,
        Index = new() { ["a"] = [1, 2], ["b"] = [] },
        ById = new() { [seed] = new(0, 0, seed) },
        Ids = [1, 2, 3],
        Tints = [Tint.None, Tint.Blue],
        IntList = [4, 5],
        Collection = ["c"],
        ReadOnlyCollection = [0.25],
        Words = ["w1", "w2"],
        Map = new Dictionary<string, int> { ["m"] = 1 },
        ReadOnlyMap = new Dictionary<int, string> { [1] = "one" },
        Set = new HashSet<string> { "s" },
        Pair = (seed, "pair"),
        Nine = (1, 2, 3, 4, 5, 6, 7, 8, "nine"),
        Single = new ValueTuple<int>(seed),
        Legacy = Tuple.Create(3, "legacy"),
        Entry = new("entry", new Point3(1, 1, 1)),
        IntBox = new(seed, "box"),
        NestedBox = new([new("inner", "i")], "outer"),
        Polygon = new("hexagon", new Point3(0, 1, 0)),
        Pixel = new Pixel { X = 1, Y = 2, Tint = Tint.Red, Note = "note" },
        MaybePixel = new Pixel { X = 3 },
        Chain = new Chain { Name = "a", Next = new Chain { Name = "b", Next = new Chain { Name = "c" } } },
        Account = new Account("owner", 12.5m) { Opened = new DateTime(2026, 12, 2, 0, 0, 0, DateTimeKind.Utc), Tags = ["t"] },
        Money = 1234.5678m,
        When = new DateTime(2026, 12, 2, 16, 0, 0, DateTimeKind.Utc),
        Id = new Guid(seed, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11),
        Span = TimeSpan.FromSeconds(seed),
        Frozen = [new(1, 1, 1)],
        Sorted = new() { ["k"] = new Pixel { Y = 9 } },
        Measurement = new Measurement { Value = 2.5, Unit = "m", Taken = new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc) },
    };
}

/// <summary>Process-backend methods over those shapes: each sends its argument back.</summary>
public static partial class FormatterTargets
{
    [Parallelize(Jobs = 2, Backend = Backend.Processes)]
    public static Everything EchoEverything(Everything value) => value;

    [Parallelize(Jobs = 2, Backend = Backend.Processes)]
    public static double[] EchoDoubles(double[] values) => values;

    [Parallelize(Jobs = 2, Backend = Backend.Processes)]
    public static (int, string?, Tint?) EchoMany(int number, string? text, Tint? tint) => (number, text, tint);

    [Parallelize(Jobs = 2, Backend = Backend.Processes)]
    public static Chain? EchoChain(Chain? chain) => chain;

    [Parallelize(Jobs = 2, Backend = Backend.Processes)]
    public static Dictionary<string, List<Polygon>> EchoIndex(Dictionary<string, List<Polygon>> index) => index;

    [Parallelize(Jobs = 2, Backend = Backend.Processes)]
    public static Tint EchoTint(Tint tint) => tint;

    [Parallelize(Jobs = 2, Backend = Backend.Processes)]
    public static Pixel EchoPixel(Pixel pixel) => pixel;

    [Parallelize(Jobs = 2, Backend = Backend.Processes)]
    public static decimal EchoMoney(decimal money) => money;

    [Parallelize(Jobs = 2, Backend = Backend.Processes)]
    public static string Name() => "count only";
}
