using System.Collections;
using System.Collections.Concurrent;
using System.Collections.Frozen;
using System.Collections.Immutable;
using System.Collections.ObjectModel;
using System.Numerics;
using System.Text;
using MessagePack;
using ParallelGen.Remote;

namespace ParallelGen.Tests;

/// <summary>
/// Every framework type that PG0006 accepts as plain data (src/Analyzers/Internal/Serializability.cs) really crosses
/// to a worker and back: what the analyzer lets compile must not fail at run time. Keep the two lists in step.
/// </summary>
public class SerializerTests
{
    private static readonly Dictionary<string, Func<string?>> s_cases = new()
    {
        ["DateTimeOffset"] = () => Check(new DateTimeOffset(2026, 11, 25, 1, 2, 3, TimeSpan.FromHours(2))),
        ["TimeSpan"] = () => Check(TimeSpan.FromMilliseconds(1234.5)),
        ["Guid"] = () => Check(Guid.NewGuid()),
        ["DateOnly"] = () => Check(new DateOnly(2026, 11, 25)),
        ["TimeOnly"] = () => Check(new TimeOnly(1, 2, 3, 4)),
        ["Half"] = () => Check((Half)1.5),
        ["Int128"] = () => Check(Int128.MinValue + 12345) ?? Check(Int128.MaxValue) ?? Check((Int128)(-1)),
        ["UInt128"] = () => Check(UInt128.MaxValue - 7) ?? Check((UInt128)ulong.MaxValue + 1),
        ["Uri"] = () => Check(new Uri("https://example.test/a?b=c")),
        ["Version"] = () => Check(new Version(1, 2, 3, 4)),
        ["Tuple`1..7"] = () => Check(Tuple.Create(1)) ?? Check(Tuple.Create(1, "a")) ?? Check(Tuple.Create(1, 2, 3, 4, 5, 6, "g")),
        ["ArraySegment`1"] = () => Check(new ArraySegment<int>([1, 2, 3, 4], 1, 2), (a, b) => a.SequenceEqual(b)),
        ["Memory`1"] = () => Check(new Memory<int>([1, 2, 3]), (a, b) => a.Span.SequenceEqual(b.Span)) ?? Check(new Memory<byte>([1, 2]), (a, b) => a.Span.SequenceEqual(b.Span)),
        ["ReadOnlyMemory`1"] = () => Check(new ReadOnlyMemory<long>([1, 2, 3]), (a, b) => a.Span.SequenceEqual(b.Span)),
        ["Lazy`1"] = () => Check(new Lazy<string>(() => "value"), (a, b) => a.Value == b.Value),
        ["BigInteger"] = () => Check(BigInteger.Pow(3, 100)),
        ["Complex"] = () => Check(new Complex(1.5, -2)),
        ["Vector2/3/4"] = () => Check(new Vector2(1, 2)) ?? Check(new Vector3(1, 2, 3)) ?? Check(new Vector4(1, 2, 3, 4)),
        ["Quaternion, Plane"] = () => Check(new Quaternion(1, 2, 3, 4)) ?? Check(new Plane(1, 2, 3, 4)),
        ["Matrix3x2, Matrix4x4"] = () => Check(Matrix3x2.CreateRotation(1)) ?? Check(Matrix4x4.CreateRotationZ(1)),
        ["StringBuilder"] = () => Check(new StringBuilder("text"), (a, b) => a.ToString() == b.ToString()),
        ["Rune"] = () => Check(new Rune(0x1F600)),
        ["BitArray"] = () => Check(new BitArray(new[] { true, false, true, true }), (a, b) => a.Length == b.Length && Enumerable.Range(0, a.Length).All(i => a[i] == b[i])),
        ["List, Dictionary, HashSet"] = () => Seq(new List<int> { 1, 2 }) ?? Check(new Dictionary<string, int> { ["a"] = 1 }, SameDictionary) ?? Set(new HashSet<int> { 1, 2 }),
        ["Sorted*"] = () => Check(new SortedDictionary<string, int> { ["b"] = 2, ["a"] = 1 }, SameDictionary) ?? Seq(new SortedSet<int> { 3, 1 }) ?? Check(new SortedList<int, string> { [2] = "b" }, SameDictionary),
        ["Queue, Stack, LinkedList, KeyValuePair"] = () => Seq(new Queue<int>([1, 2])) ?? Seq(new Stack<int>([1, 2])) ?? Seq(new LinkedList<int>([1, 2])) ?? Check(new KeyValuePair<int, string>(1, "a")),
        ["collection interfaces"] = () =>
            Seq<IEnumerable<int>>([1, 2]) ?? Seq<IReadOnlyList<int>>([1, 2]) ?? Seq<IReadOnlyCollection<int>>([1, 2]) ?? Seq<IList<int>>([1, 2]) ??
            Seq<ICollection<int>>([1, 2]) ?? Check<IReadOnlyDictionary<string, int>>(new Dictionary<string, int> { ["a"] = 1 }, SameDictionary) ??
            Check<IDictionary<string, int>>(new Dictionary<string, int> { ["a"] = 1 }, SameDictionary) ?? Set<ISet<int>>(new HashSet<int> { 1, 2 }) ??
            Set<IReadOnlySet<int>>(new HashSet<int> { 1, 2 }),
        ["Immutable*"] = () =>
            Seq(ImmutableArray.Create(1, 2)) ?? Seq(ImmutableList.Create(1, 2)) ?? Set(ImmutableHashSet.Create(1, 2)) ?? Seq(ImmutableSortedSet.Create(2, 1)) ??
            Check(ImmutableDictionary.CreateRange(new Dictionary<string, int> { ["a"] = 1 }), SameDictionary) ??
            Check(ImmutableSortedDictionary.CreateRange(new Dictionary<string, int> { ["a"] = 1 }), SameDictionary) ??
            Seq(ImmutableQueue.Create(1, 2)) ?? Seq(ImmutableStack.Create(1, 2)),
        ["Frozen*"] = () => Set(new[] { 1, 2 }.ToFrozenSet()) ?? Check(new Dictionary<string, int> { ["a"] = 1 }.ToFrozenDictionary(), SameDictionary),
        ["ObjectModel"] = () =>
            Seq(new ReadOnlyCollection<int>([1, 2])) ?? Seq(new Collection<int>([1, 2])) ??
            Check(new ReadOnlyDictionary<string, int>(new Dictionary<string, int> { ["a"] = 1 }), SameDictionary) ??
            Seq(new ObservableCollection<int>([1, 2])) ?? Seq(new ReadOnlyObservableCollection<int>(new ObservableCollection<int>([1, 2]))),
        ["Concurrent*"] = () =>
            Check(new ConcurrentDictionary<string, int>(new Dictionary<string, int> { ["a"] = 1 }), SameDictionary) ?? Seq(new ConcurrentQueue<int>([1, 2])) ??
            Seq(new ConcurrentStack<int>([1, 2])) ?? Set(new ConcurrentBag<int>([1, 2, 2])),
    };

    public static TheoryData<string> Cases() => [.. s_cases.Keys];

    [Theory]
    [MemberData(nameof(Cases))]
    public void Framework_types_that_PG0006_accepts_round_trip(string name)
    {
        string? problem = s_cases[name]();
        Assert.True(problem is null, problem);
    }

    private static string? Check<T>(T value) => Check(value, (a, b) => EqualityComparer<T>.Default.Equals(a, b));

    private static string? Check<T>(T value, Func<T, T, bool> same)
    {
        try
        {
            byte[] bytes = MessagePackSerializer.Serialize(value, RemoteSerializer.Options);
            T back = MessagePackSerializer.Deserialize<T>(bytes, RemoteSerializer.Options);
            return same(value, back) ? null : $"{typeof(T)}: the value changed on the way";
        }
        catch (MessagePackSerializationException ex)
        {
            return $"{typeof(T)}: {ex.Message} {ex.InnerException?.Message}";
        }
    }

    private static string? Seq<T>(IEnumerable<T> value) => Check(value, (a, b) => a.SequenceEqual(b));

    private static string? Seq<TCollection>(TCollection value)
        where TCollection : IEnumerable<int> => Check(value, (a, b) => a.SequenceEqual(b));

    private static string? Set<TCollection>(TCollection value)
        where TCollection : IEnumerable<int> => Check(value, (a, b) => a.Order().SequenceEqual(b.Order()));

    private static bool SameDictionary<TDictionary>(TDictionary a, TDictionary b)
        where TDictionary : IEnumerable => a.Cast<object>().Select(x => x.ToString()).Order().SequenceEqual(b.Cast<object>().Select(x => x.ToString()).Order());

    [Fact]
    public void User_type_shapes_that_PG0006_accepts_round_trip()
    {
        Assert.Null(Check(new PrivateSetterWithConstructor(7), (a, b) => a.Value == b.Value));
        Assert.Null(Check(new GetOnlyWithConstructor(7, [1, 2]), (a, b) => a.Value == b.Value && a.Items.SequenceEqual(b.Items)));
        Assert.Null(Check(new InitOnly { Value = 7 }, (a, b) => a.Value == b.Value && b.Twice == 14));
        Assert.Null(Check(new ReadonlyFieldWithConstructor(7) { Plain = 1 }, (a, b) => a.Size == b.Size && a.Plain == b.Plain));
        Assert.Null(Check(new PositionalRecord(1, "a") { Extra = 2 }, (a, b) => a == b));
        Assert.Null(Check(new StructWithPrivateSetter(3, 4), (a, b) => a.A == b.A && a.B == b.B));
    }

    [Fact]
    public void User_type_shapes_that_PG0006_reports_would_lose_their_values()
    {
        // Why PG0006 reports these: the serializer cannot set the member, and nothing says so at run time.
        var basket = new GetOnlyCollection();
        basket.Items.Add(5);
        Assert.NotNull(Check(basket, (a, b) => a.Items.SequenceEqual(b.Items)));
        Assert.NotNull(Check(PrivateSetterOnly.Of(7), (a, b) => a.Value == b.Value));
    }

    public sealed class PrivateSetterWithConstructor
    {
        public PrivateSetterWithConstructor()
        {
        }

        public PrivateSetterWithConstructor(int value) => Value = value;

        public int Value { get; private set; }
    }

    public sealed class GetOnlyWithConstructor(int value, List<int> items)
    {
        public int Value { get; } = value;

        public List<int> Items { get; } = items;
    }

    public sealed class InitOnly
    {
        public int Value { get; init; }

        public int Twice => 2 * Value;
    }

    public sealed class ReadonlyFieldWithConstructor(int size)
    {
        public readonly int Size = size;
        public int Plain;
    }

    public sealed record PositionalRecord(int X, string Name)
    {
        public int Extra { get; set; }
    }

    public readonly struct StructWithPrivateSetter(int a, int b)
    {
        public int A { get; } = a;

        public int B { get; } = b;
    }

    public sealed class GetOnlyCollection
    {
        public List<int> Items { get; } = [];
    }

    public sealed class PrivateSetterOnly
    {
        public int Value { get; private set; }

        public static PrivateSetterOnly Of(int value) => new() { Value = value };
    }
}
