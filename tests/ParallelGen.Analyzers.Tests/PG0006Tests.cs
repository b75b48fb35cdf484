using Microsoft.CodeAnalysis.Testing;
using Verify = ParallelGen.Analyzers.Tests.Verifiers.CSharpAnalyzerVerifier<ParallelGen.Analyzers.ProcessBackendAnalyzer>;

namespace ParallelGen.Analyzers.Tests;

/// <summary>PG0006: process-backend parameters and results that cannot be serialized.</summary>
public class PG0006Tests
{
    private const string Usings = TestSources.Usings + """
        using System.Collections.Immutable;
        using System.IO;
        using System.Runtime.InteropServices;

        """;

    private static DiagnosticResult Diagnostic(int location, string what, string type, string reason) =>
        new DiagnosticResult(DiagnosticDescriptors.NotSerializable).WithLocation(location).WithArguments(what, type, reason);

    [Fact]
    public Task ClassesTheGeneratedSerializerCannotCreate() => Verify.VerifyAnalyzerAsync(Usings + """
        public static partial class Work
        {
            public sealed class NoUsableConstructor
            {
                public NoUsableConstructor(int seed) { }

                public int Value { get; set; }
            }

            public sealed class Fine
            {
                public Fine(int value) => Value = value;

                public int Value { get; }
            }

            [Parallelize(Backend = Backend.Processes)]
            public static int Make(NoUsableConstructor {|#1:value|}) => 0;

            [Parallelize(Backend = Backend.Processes)]
            public static Fine Ok(List<Fine> values) => values[0];
        }
        """,
        Diagnostic(1, "Parameter 'value'", "NoUsableConstructor",
            "the serializer generated for it cannot create a 'NoUsableConstructor': it needs a public constructor whose parameters (if any) are each named like a public field or property of the same type"));

    [Fact]
    public Task LiveObjectsAndHandles() => Verify.VerifyAnalyzerAsync(Usings + """
        public static partial class Work
        {
            [Parallelize(Backend = Backend.Processes)]
            public static int Read(Stream {|#0:input|}) => 0;

            [Parallelize(Backend = Backend.Processes)]
            public static int Apply(Func<int, int> {|#1:f|}) => 0;

            [Parallelize(Backend = Backend.Processes)]
            public static int Wait(Task {|#2:pending|}) => 0;

            [Parallelize(Backend = Backend.Processes)]
            public static int Cancel(CancellationTokenSource {|#3:cts|}) => 0;

            [Parallelize(Backend = Backend.Processes)]
            public static int Native(IntPtr {|#4:handle|}) => 0;

            [Parallelize(Backend = Backend.Processes)]
            public static int File(SafeHandle {|#5:handle|}) => 0;

            [Parallelize(Backend = Backend.Processes)]
            public static int Sync(ManualResetEvent {|#6:signal|}) => 0;

            [Parallelize(Backend = Backend.Processes)]
            public static int Worker(Thread {|#7:thread|}) => 0;

            [Parallelize(Backend = Backend.Processes)]
            public static int Sum(ReadOnlySpan<int> {|#8:values|}) => 0;

            [Parallelize(Backend = Backend.Processes)]
            public static unsafe int Poke(int* {|#9:p|}) => 0;
        }
        """,
        Diagnostic(0, "Parameter 'input'", "Stream", "a stream is a live handle to a file, socket or buffer"),
        Diagnostic(1, "Parameter 'f'", "Func<int, int>", "delegates (code and captured state) cannot be serialized"),
        Diagnostic(2, "Parameter 'pending'", "Task", "a task is a running operation, not a value; pass its result"),
        Diagnostic(3, "Parameter 'cts'", "CancellationTokenSource", "a CancellationTokenSource is live state of the sending process"),
        Diagnostic(4, "Parameter 'handle'", "nint", "native pointers and handles are only valid in the process that owns them"),
        Diagnostic(5, "Parameter 'handle'", "SafeHandle", "an OS handle is only valid in the process that owns it"),
        Diagnostic(6, "Parameter 'signal'", "ManualResetEvent", "a wait handle is an OS handle of the sending process"),
        Diagnostic(7, "Parameter 'thread'", "Thread", "a thread cannot be moved to another process"),
        Diagnostic(8, "Parameter 'values'", "ReadOnlySpan<int>", "ref structs such as Span<T> cannot leave the stack; use an array"),
        Diagnostic(9, "Parameter 'p'", "int*", "pointers are addresses in the sending process's memory"));

    [Fact]
    public Task PolymorphicAndOpenTypes() => Verify.VerifyAnalyzerAsync(Usings + """
        public abstract class Shape { public int Sides { get; set; } }

        public partial class Box<T>
        {
            [Parallelize(Backend = Backend.Processes)]
            public int Open(T {|#0:item|}) => 0;

            [Parallelize(Backend = Backend.Processes)]
            public int Any(object {|#1:o|}, dynamic {|#2:d|}, IDisposable {|#3:r|}, Shape {|#4:s|}) => 0;
        }
        """,
        Diagnostic(0, "Parameter 'item'", "T", "an open type parameter has no shape known at compile time"),
        Diagnostic(1, "Parameter 'o'", "object", "'object' needs polymorphic serialization; use a concrete type"),
        Diagnostic(2, "Parameter 'd'", "dynamic", "'dynamic' needs polymorphic serialization; use a concrete type"),
        Diagnostic(3, "Parameter 'r'", "IDisposable", "an interface needs polymorphic serialization; use a concrete type"),
        Diagnostic(4, "Parameter 's'", "Shape", "an abstract type needs polymorphic serialization; use a concrete type"));

    [Fact]
    public Task MembersAndElementsAreCheckedRecursively() => Verify.VerifyAnalyzerAsync(Usings + """
        public record Job(string Name, Stream Data);
        public class Wrapper { public List<Job> Jobs { get; set; } = new(); }

        public static partial class Work
        {
            [Parallelize(Backend = Backend.Processes)]
            public static int Run(Job {|#0:job|}) => 0;

            [Parallelize(Backend = Backend.Processes)]
            public static int Many(List<Action> {|#1:actions|}, Dictionary<string, Stream> {|#2:files|}, (int, Func<int>) {|#3:pair|}) => 0;

            [Parallelize(Backend = Backend.Processes)]
            public static int Nested(Wrapper {|#4:w|}) => 0;
        }
        """,
        Diagnostic(0, "Parameter 'job'", "Job", "its member 'Job.Data' of type 'Stream' cannot be sent: a stream is a live handle to a file, socket or buffer"),
        Diagnostic(1, "Parameter 'actions'", "List<Action>", "its element type 'Action' cannot be sent: delegates (code and captured state) cannot be serialized"),
        Diagnostic(2, "Parameter 'files'", "Dictionary<string, Stream>", "its element type 'Stream' cannot be sent: a stream is a live handle to a file, socket or buffer"),
        Diagnostic(3, "Parameter 'pair'", "(int, Func<int>)", "its element type 'Func<int>' cannot be sent: delegates (code and captured state) cannot be serialized"),
        Diagnostic(4, "Parameter 'w'", "Wrapper", "its member 'Wrapper.Jobs' of type 'List<Job>' \u2192 element type 'Job' \u2192 member 'Job.Data' of type 'Stream' cannot be sent: a stream is a live handle to a file, socket or buffer"));

    [Fact]
    public Task ReturnTypes_UnwrapTasks() => Verify.VerifyAnalyzerAsync(Usings + """
        public static partial class Work
        {
            [Parallelize(Backend = Backend.Processes)]
            public static {|#0:Stream|} Open(string path) => Stream.Null;

            [Parallelize(Backend = Backend.Processes)]
            public static async {|#1:Task<Func<int>>|} Later(int x) { await Task.Yield(); return () => x; }

            [Parallelize(Backend = Backend.Processes)]
            public static async Task<int> Fine(int x) { await Task.Yield(); return x; }

            [Parallelize(Backend = Backend.Processes)]
            public static async ValueTask Nothing(int x) => await Task.Yield();
        }
        """,
        Diagnostic(0, "The return type", "Stream", "a stream is a live handle to a file, socket or buffer"),
        Diagnostic(1, "The return type", "Func<int>", "delegates (code and captured state) cannot be serialized"));

    [Fact]
    public Task CancellationToken_OnlyTrailingAllowed() => Verify.VerifyAnalyzerAsync(Usings + """
        public static partial class Work
        {
            [Parallelize(Backend = Backend.Processes)]
            public static int Trailing(int x, CancellationToken ct) => x;

            [Parallelize(Backend = Backend.Processes)]
            public static int First(CancellationToken {|#0:ct|}, int x) => x;
        }
        """,
        Diagnostic(0, "Parameter 'ct'", "CancellationToken", "only a trailing CancellationToken parameter is allowed (it is not sent; the worker gets its own)"));

    [Fact]
    public Task NoDiagnostic_PlainDataAndThreadBackend() => Verify.VerifyAnalyzerAsync(Usings + """
        public enum Mode { A, B }
        public record Point(int X, int Y);
        public struct Sample { public double Value; public DateTime At; public Guid Id; }
        public class Node { public int Value { get; set; } public Node? Next { get; set; } public List<Node> Children { get; set; } = new(); }

        public static partial class Work
        {
            [Parallelize(Backend = Backend.Processes)]
            public static Point Move(int a, string b, double[] c, List<int> d, Dictionary<string, int> e, (int, string) f,
                Point g, Mode h, DateTime i, TimeSpan j, int? k, IReadOnlyList<int> l, ImmutableArray<int> m, Sample n,
                Node o, decimal[,] p, KeyValuePair<string, Point> q, IEnumerable<string> r, Tuple<int, int> s, CancellationToken ct) => g;

            [Parallelize(Backend = Backend.Processes)]
            public static void Act(byte[] data) { }

            [Parallelize(Backend = Backend.Threads)]
            public static Stream Threads(Stream s, Func<int> f) => s;

            public static Stream NotParallel(Stream s) => s;
        }
        """);

    [Fact]
    public Task FrameworkTypes_OnlyThoseTheSerializerRoundTripsAreAccepted() => Verify.VerifyAnalyzerAsync(Usings + """
        using System.Collections;
        using System.Collections.Concurrent;
        using System.Collections.Frozen;
        using System.Collections.ObjectModel;
        using System.Net;
        using System.Numerics;
        using System.Text;

        public static partial class Work
        {
            // The framework types tests/ParallelGen.Tests/SerializerTests.cs round-trips through a worker's serializer.
            [Parallelize(Backend = Backend.Processes)]
            public static Vector3 Accepted(Int128 a, UInt128 b, Half c, DateOnly d, Uri e, Version f, ArraySegment<int> g,
                ReadOnlyMemory<byte> h, Memory<double> i, Lazy<string> j, BigInteger k, Complex l, Vector2 m, Vector4 n,
                Quaternion o, Plane p, Matrix3x2 q, Matrix4x4 r, StringBuilder s, Rune t, BitArray u, FrozenSet<int> v,
                FrozenDictionary<string, int> w, ConcurrentDictionary<string, int> x, ConcurrentQueue<int> y,
                ObservableCollection<int> z, ReadOnlyObservableCollection<int> aa, ConcurrentBag<string> ab) => default;

            [Parallelize(Backend = Backend.Processes)]
            public static int Rejected(PriorityQueue<int, int> {|#0:queue|}, IPAddress {|#1:address|}, Range {|#2:range|}) => 0;
        }
        """,
        Diagnostic(0, "Parameter 'queue'", "PriorityQueue<int, int>", "'PriorityQueue<int, int>' is not a plain data type"),
        Diagnostic(1, "Parameter 'address'", "IPAddress", "'IPAddress' is not a plain data type"),
        Diagnostic(2, "Parameter 'range'", "Range", "'Range' is not a plain data type"));

    [Fact]
    public Task MembersTheSerializerCannotSet_AreReported() => Verify.VerifyAnalyzerAsync(Usings + """
        public class Basket { public List<int> Items { get; } = new(); public int Count { get; set; } }
        public class Counter { public int Value { get; private set; } public void Add() => Value++; }
        public class Frozen { public readonly int Size; }
        public class Outer { public Basket Inner { get; set; } = new(); }

        // Not reported: each of these survives the trip.
        public class ByConstructor { public int Value { get; } public List<int> Items { get; } public ByConstructor(int value, List<int> items) { Value = value; Items = items; } }
        public class WithInit { public int Value { get; init; } public double Twice => Value * 2.0; }
        public record Positional(int X, string Name) { public int Extra { get; set; } }
        public struct Pair { public int A { get; private set; } public readonly int B; public Pair(int a, int b) { A = a; B = b; } }
        public class Computed { public int[] Values { get; set; } = []; public int Sum => Values.Sum(); public int First { get { return Values[0]; } } }

        public static partial class Work
        {
            [Parallelize(Backend = Backend.Processes)]
            public static int Take(Basket {|#0:basket|}, Counter {|#1:counter|}, Frozen {|#2:frozen|}, Outer {|#3:outer|}) => 0;

            [Parallelize(Backend = Backend.Processes)]
            public static Positional Fine(ByConstructor a, WithInit b, Positional c, Pair d, Computed e) => c;

            [Parallelize(Backend = Backend.Processes)]
            public static {|#4:Counter|} Make(int x) => new();
        }
        """,
        Diagnostic(0, "Parameter 'basket'", "Basket", "its member 'Basket.Items' cannot be sent: it has no public setter and no public constructor has a parameter named 'items', so its value would arrive as the default; add a public 'set' or 'init', or add such a constructor parameter"),
        Diagnostic(1, "Parameter 'counter'", "Counter", "its member 'Counter.Value' cannot be sent: it has no public setter and no public constructor has a parameter named 'value', so its value would arrive as the default; add a public 'set' or 'init', or add such a constructor parameter"),
        Diagnostic(2, "Parameter 'frozen'", "Frozen", "its member 'Frozen.Size' cannot be sent: it is a readonly field and no public constructor has a parameter named 'size', so its value would arrive as the default; remove 'readonly', or add such a constructor parameter"),
        Diagnostic(3, "Parameter 'outer'", "Outer", "its member 'Outer.Inner' of type 'Basket' \u2192 member 'Basket.Items' cannot be sent: it has no public setter and no public constructor has a parameter named 'items', so its value would arrive as the default; add a public 'set' or 'init', or add such a constructor parameter"),
        Diagnostic(4, "The return type", "Counter", "its member 'Counter.Value' cannot be sent: it has no public setter and no public constructor has a parameter named 'value', so its value would arrive as the default; add a public 'set' or 'init', or add such a constructor parameter"));
}
