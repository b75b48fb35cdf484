using System.Collections.Concurrent;
using ParallelGen;

// Targets of every shape the generator supports; GeneratedShapeTests calls what it generates for them.

public static partial class GlobalNamespaceWork
{
    [Parallelize(Jobs = 2)]
    public static int Increment(int x) => x + 1;
}

namespace ParallelGen.Tests.Shapes
{
    public static partial class Work
    {
        [Parallelize(Jobs = 8)]
        public static int Square(int x) => x * x;

        // Unrelated overloads of the same name must not confuse the generator.
        public static int Square(string s) => s.Length;

        public static long Square(long x) => x * x * 1000;

        [Parallelize(Jobs = 4)]
        public static string Join(int a, string b) => $"{a}:{b}";

        [Parallelize]
        public static void Record(int x, ConcurrentBag<int> sink) => sink.Add(x);

        [Parallelize(Jobs = 3)]
        public static async Task<int> DoubleAsync(int x)
        {
            await Task.Yield();
            return 2 * x;
        }

        [Parallelize]
        public static async ValueTask<string> EchoAsync(string s)
        {
            await Task.Yield();
            return s;
        }

        [Parallelize]
        public static Task TouchAsync(int x, ConcurrentBag<int> sink)
        {
            sink.Add(x);
            return Task.CompletedTask;
        }

        [Parallelize(Jobs = 2)]
        public static int NextTicket() => Interlocked.Increment(ref s_tickets);

        [Parallelize]
        public static bool SeesToken(int x, CancellationToken cancellationToken) => cancellationToken.CanBeCanceled && x >= 0;

        [Parallelize]
        public static int Nine(int a, int b, int c, int d, int e, int f, int g, int h, int i) => a + b + c + d + e + f + g + h + i;

        [Parallelize]
        public static string? Describe(string? s) => s?.ToUpperInvariant();

        [Parallelize]
        public static int Keywords(int @class, string @event) => @class + @event.Length;

        [Parallelize]
        public static int ReservedNames(int Item2, int Rest) => Item2 - Rest;

        [Parallelize]
        public static int Negate(this int x) => -x;

        [Parallelize]
        public static int Length(params int[] xs) => xs.Length;

        private static int s_tickets;

        internal static int Tickets => Volatile.Read(ref s_tickets);
    }

    public partial class Counter(int offset)
    {
        [Parallelize]
        public int Add(int x) => x + offset;

        [Parallelize]
        internal int Twice(int x) => 2 * x;

        [Parallelize]
        private int Hidden(int x) => -x - offset;

        public int[] HiddenAll(IEnumerable<int> xs) => HiddenParallel(xs);
    }

    public static partial class Outer
    {
        public partial class Middle<T>
        {
            [Parallelize]
            public static T Identity(T x) => x;
        }
    }

    public partial struct Point
    {
        public int X;

        [Parallelize]
        public readonly int Scale(int k) => X * k;
    }

    public partial record Rec(int Base)
    {
        [Parallelize]
        public int Plus(int x) => Base + x;
    }

    public partial record struct RecStruct(int Base)
    {
        [Parallelize]
        public readonly int Minus(int x) => Base - x;
    }
}
