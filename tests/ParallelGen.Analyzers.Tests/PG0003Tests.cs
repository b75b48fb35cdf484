using Microsoft.CodeAnalysis.Testing;
using Verify = ParallelGen.Analyzers.Tests.Verifiers.CSharpCodeFixVerifier<
    ParallelGen.Analyzers.RacyWriteAnalyzer,
    ParallelGen.CodeFixes.UseInterlockedCodeFixProvider>;

namespace ParallelGen.Analyzers.Tests;

/// <summary>PG0003: unsynchronized writes to shared state in parallel code (and the Interlocked fix).</summary>
public class PG0003Tests
{
    private const string Usings = TestSources.Usings;

    private static DiagnosticResult Diagnostic(int location, string name, string place = "") =>
        new DiagnosticResult(DiagnosticDescriptors.RacyWrite).WithLocation(location).WithArguments(name, place);

    [Fact]
    public Task ParallelFor_CapturedLocalIncrement_FixedWithInterlocked() => Verify.VerifyCodeFixAsync(Usings + """
        class C
        {
            int M()
            {
                int count = 0;
                Parallel.For(0, 100, i => { {|PG0003:count++|}; });
                Parallel.For(0, 100, i => {|PG0003:count--|});
                return count;
            }
        }
        """, Usings + """
        class C
        {
            int M()
            {
                int count = 0;
                Parallel.For(0, 100, i => { Interlocked.Increment(ref count); });
                Parallel.For(0, 100, i => Interlocked.Decrement(ref count));
                return count;
            }
        }
        """);

    [Fact]
    public Task StaticAndInstanceFields_CompoundAssignments_Fixed() => Verify.VerifyCodeFixAsync(Usings + """
        class C
        {
            static long s_total;
            int _hits;
            uint _ticks;

            void M(int[] items)
            {
                Parallel.ForEach(items, x =>
                {
                    {|PG0003:s_total += x * 2|};
                    {|PG0003:s_total -= x + 1|};
                    {|PG0003:this._hits += 1|};
                    {|PG0003:++_ticks|};
                    int now = {|PG0003:++_hits|};
                });
            }
        }
        """, Usings + """
        class C
        {
            static long s_total;
            int _hits;
            uint _ticks;

            void M(int[] items)
            {
                Parallel.ForEach(items, x =>
                {
                    Interlocked.Add(ref s_total, x * 2);
                    Interlocked.Add(ref s_total, -(x + 1));
                    Interlocked.Add(ref this._hits, 1);
                    Interlocked.Increment(ref _ticks);
                    int now = Interlocked.Increment(ref _hits);
                });
            }
        }
        """);

    [Fact]
    public Task Fix_AddsUsingSystemThreading() => Verify.VerifyCodeFixAsync("""
        using System.Threading.Tasks;

        class C
        {
            static int s_count;
            static void M() => Parallel.For(0, 10, i => {|PG0003:s_count++|});
        }
        """, """
        using System.Threading;
        using System.Threading.Tasks;

        class C
        {
            static int s_count;
            static void M() => Parallel.For(0, 10, i => Interlocked.Increment(ref s_count));
        }
        """);

    [Fact]
    public Task Fix_NotOfferedWhereItWouldChangeMeaning() => Verify.VerifyNoCodeFixAsync(Usings + """
        class C
        {
            static int s_count;
            static double s_sum;
            static ulong s_unsigned;
            static string s_last = "";
            static int s_narrow;

            static void M(long big) => Parallel.For(0, 10, i =>
            {
                int old = {|PG0003:s_count++|};            // the old value is used
                {|PG0003:s_sum += i|};                     // double: no Interlocked.Add
                {|PG0003:s_unsigned -= 1|};                // -(1) is not a ulong
                {|PG0003:s_last = i.ToString()|};          // plain assignment
                {|PG0003:s_count = s_count * 2|};
                {|PG0003:s_last ??= "x"|};
            });
        }
        """);

    [Fact]
    public Task AllParallelContexts() => Verify.VerifyAnalyzerAsync(Usings + """
        partial class C
        {
            static int s_n;
            int _n;

            [Parallelize]
            public int Work(int x) { {|#0:_n += x|}; {|#1:s_n++|}; return x; }

            async Task M(int[] items)
            {
                int local = 0;
                Parallel.Invoke(() => {|#2:local = s_n|}, () => {|#3:s_n = local|});
                await Parallel.ForEachAsync(items, async (x, ct) => { await Task.Yield(); {|#4:local += x|}; });
                items.AsParallel().Select(x => {|#5:s_n++|}).ToArray();
                items.AsParallel().ForAll(x => ({|#6:local|}, {|#11:s_n|}) = (x, x));
                items.AsParallel().Aggregate(0, (acc, x) => {|#7:local = acc + x|});
                items.Select(i => Delayed.Call(x => {|#8:s_n += x|}, i)).ToArray();
                using var executor = new ParallelExecutor();
                executor.Submit(() => {|#9:_n++|});
                executor.Map(x => {|#10:local++|}, items);
            }
        }
        """,
        Diagnostic(0, "_n"), Diagnostic(1, "s_n"), Diagnostic(2, "local"), Diagnostic(3, "s_n"), Diagnostic(4, "local"),
        Diagnostic(5, "s_n"), Diagnostic(6, "local"), Diagnostic(11, "s_n"), Diagnostic(7, "local"), Diagnostic(8, "s_n"),
        Diagnostic(9, "_n"), Diagnostic(10, "local"));

    [Fact]
    public Task FieldOfSharedObject() => Verify.VerifyAnalyzerAsync(Usings + """
        class Stats { public int Count; public Stats? Inner; }
        struct Point { public int X; }

        class C
        {
            static readonly Stats s_stats = new();

            void M(Stats param)
            {
                var stats = new Stats();
                Point p = default;
                Parallel.For(0, 10, i =>
                {
                    {|#0:stats.Count++|};
                    {|#1:s_stats.Inner!.Count = i|};
                    {|#2:param.Count += i|};
                    {|#3:p.X = i|};
                });
            }
        }
        """, Diagnostic(0, "Count"), Diagnostic(1, "Count"), Diagnostic(2, "Count"), Diagnostic(3, "X"));

    [Fact]
    public Task FieldOfSharedObject_ThroughALocalAssignedLater() => Verify.VerifyAnalyzerAsync(Usings + """
        class Stats { public int Count; }

        class C
        {
            static readonly Stats s_stats = new();

            void M(int[] items) => Parallel.ForEach(items, x =>
            {
                Stats s;
                s = s_stats;
                {|#0:s.Count++|};
                Stats own;
                own = new Stats();
                own.Count++;
                Stats mixed = s_stats;
                mixed = new Stats();
                mixed.Count++;
            });
        }
        """, Diagnostic(0, "Count"));

    [Fact]
    public Task AutoPropertiesReported_NoFixOffered_ComputedAndFrameworkPropertiesIgnored() => Verify.VerifyNoCodeFixAsync(Usings + """
        class Stats { public int Count { get; set; } }

        class C
        {
            public static long Total { get; set; }
            int _backing;
            int Computed { get => _backing; set => Interlocked.Exchange(ref _backing, value); }
            readonly Stats _stats = new();
            static readonly ThreadLocal<int> Local = new();

            void M(int[] items) => Parallel.ForEach(items, x =>
            {
                {|#0:Total += x|};
                {|#1:_stats.Count++|};
                Computed = x;
                Local.Value = x;
                var mine = new Stats();
                mine.Count++;
            });
        }
        """, Diagnostic(0, "Total"), Diagnostic(1, "Count"));

    [Fact]
    public Task CalleeOneLevelDeep_ReportedAtCallSite() => Verify.VerifyNoCodeFixAsync(Usings + """
        static class Helper
        {
            static int s_count;
            public static void Count() => s_count++;
            public static int Pure(int x) => x * 2;
        }

        class Counter
        {
            int _value;
            public void Bump() => _value++;
        }

        class C
        {
            readonly Counter _shared = new();
            void M() => Parallel.For(0, 10, i =>
            {
                {|#0:Helper.Count()|};
                Helper.Pure(i);
                {|#1:_shared.Bump()|};
                new Counter().Bump();
                var mine = new Counter();
                mine.Bump();
            });
        }
        """,
        Diagnostic(0, "s_count", " in 'Helper.Count()' called from parallel code"),
        Diagnostic(1, "_value", " in 'Counter.Bump()' called from parallel code"));

    [Fact]
    public Task MethodGroupAndLocalFunction() => Verify.VerifyAnalyzerAsync(Usings + """
        class C
        {
            int _done;
            void Step(int i) => _done++;

            void M()
            {
                int total = 0;
                void Add(int i) => total += i;
                Parallel.For(0, 10, {|#0:Step|});
                Parallel.For(0, 10, {|#1:Add|});
                Parallel.For(0, 10, i => {|#2:Add(i)|});
            }
        }
        """,
        Diagnostic(0, "_done", " in 'C.Step()' called from parallel code"),
        Diagnostic(1, "total", " in 'Add()' called from parallel code"),
        Diagnostic(2, "total", " in 'Add()' called from parallel code"));

    [Fact]
    public Task ParallelizeMethodAsMethodGroup_ReportedOnceInItsBody() => Verify.VerifyAnalyzerAsync(Usings + """
        partial class C
        {
            static int s_n;

            [Parallelize]
            public static void Step(int i) => {|#0:s_n++|};

            void M() => Parallel.For(0, 10, Step);
        }
        """, Diagnostic(0, "s_n"));

    [Fact]
    public Task LockEnterScope_CountsAsLock() => Verify.VerifyAnalyzerAsync(Usings + """
        class C
        {
            static readonly Lock Gate = new();
            static int s_n;

            void M() => Parallel.For(0, 10, i =>
            {
                {|#0:s_n++|};
                using (Gate.EnterScope()) { s_n++; }
                {|#1:s_n--|};
                using var scope = Gate.EnterScope();
                s_n += i;
            });
        }
        """, Diagnostic(0, "s_n"), Diagnostic(1, "s_n"));

    [Fact]
    public Task TryFinallyThatReleasesALock_CountsAsLock() => Verify.VerifyAnalyzerAsync(Usings + """
        class C
        {
            static readonly object Gate = new();
            static readonly SemaphoreSlim Semaphore = new(1);
            static readonly ReaderWriterLockSlim Rw = new();
            static int s_n;

            void M() => Parallel.For(0, 10, i =>
            {
                bool taken = false;
                try { Monitor.Enter(Gate, ref taken); s_n++; }
                finally { if (taken) Monitor.Exit(Gate); }

                Semaphore.Wait();
                try { s_n += i; } finally { Semaphore.Release(); }

                Rw.EnterWriteLock();
                try { s_n = 0; } finally { Rw.ExitWriteLock(); }

                try { {|#0:s_n++|}; } finally { Console.WriteLine("no lock released here"); }
            });
        }
        """, Diagnostic(0, "s_n"));

    [Fact]
    public Task CalleeInGeneratedCode_NotReported()
    {
        var test = new Verifiers.CSharpAnalyzerVerifier<RacyWriteAnalyzer>.Test
        {
            TestState =
            {
                Sources =
                {
                    Usings + """
                    class C
                    {
                        void M() => Parallel.For(0, 10, i => { Generated.Bump(); {|#0:Handwritten.Bump()|}; });
                    }

                    static class Handwritten
                    {
                        static int s_n;
                        public static void Bump() => s_n++;
                    }
                    """,
                    ("Generated.g.cs", """
                    // <auto-generated/>
                    static class Generated
                    {
                        static int s_n;
                        public static void Bump() => s_n++;
                    }
                    """),
                },
            },
        };
        test.ExpectedDiagnostics.Add(Diagnostic(0, "s_n", " in 'Handwritten.Bump()' called from parallel code"));
        return test.RunAsync();
    }

    [Fact]
    public Task DelegateStoredInLocal_FollowedLikeAnInlineLambda() => Verify.VerifyAnalyzerAsync(Usings + """
        class C
        {
            static int s_n;
            int _done;
            void Work(int i) => _done++;

            void M(int[] items)
            {
                int total = 0;
                Action<int> body = i => { int mine = 0; mine++; {|#0:total += i|}; };
                Parallel.For(0, 10, body);
                Action<int> each = x => {|#1:s_n++|};
                Parallel.ForEach(items, each);
                Action a = () => {|#2:total = s_n|}, b = () => {|#3:s_n = total|};
                Parallel.Invoke(a, b);
                Func<int, int> f = x => {|#4:s_n += x|};
                items.AsParallel().Select(f).ToArray();
                Action<int> group = Work;
                Parallel.For(0, 10, {|#5:group|});
                Action<int> later;
                later = delegate (int i) { {|#6:s_n--|}; };
                Parallel.For(0, 10, later);
                void Local(int i) => total++;
                Action<int> viaLocalFunction = Local;
                Parallel.For(0, 10, {|#7:viaLocalFunction|});
                Parallel.For(0, 5, body); // the same lambda again: reported once
            }
        }
        """,
        Diagnostic(0, "total"), Diagnostic(1, "s_n"), Diagnostic(2, "total"), Diagnostic(3, "s_n"), Diagnostic(4, "s_n"),
        Diagnostic(5, "_done", " in 'C.Work()' called from parallel code"), Diagnostic(6, "s_n"),
        Diagnostic(7, "total", " in 'Local()' called from parallel code"));

    [Fact]
    public Task DelegateStoredInLocal_InsideParallelCode_ReportedOnce() => Verify.VerifyAnalyzerAsync(Usings + """
        partial class C
        {
            static int s_n;

            [Parallelize]
            public static int Outer(int x)
            {
                int sum = 0;
                Action<int> body = i => { {|#0:sum += i|}; {|#1:s_n++|}; };
                Parallel.For(0, x, body);
                {|#2:s_n++|};
                return sum;
            }

            void M(int[] items) => Parallel.ForEach(items, x =>
            {
                int perItem = 0;
                Action<int> inner = j => {|#3:perItem += j|};
                Parallel.For(0, x, inner);
            });
        }
        """, Diagnostic(0, "sum"), Diagnostic(1, "s_n"), Diagnostic(2, "s_n"), Diagnostic(3, "perItem"));

    [Fact]
    public Task NoDiagnostic_DelegateLocalNotFollowed() => Verify.VerifyAnalyzerAsync(Usings + """
        class C
        {
            static Action<int> Pick() => _ => { };
            static void Swap(ref Action<int> a) { }

            void M(int[] items, Action<int> parameter, bool flag)
            {
                int total = 0;
                Action<int> reassigned = i => total++;
                reassigned = Pick();
                Parallel.For(0, 10, reassigned);
                Action<int> fromCall = Pick();
                Parallel.For(0, 10, fromCall);
                Parallel.For(0, 10, parameter);
                Action<int> combined = i => total++;
                combined += i => total--;
                Parallel.For(0, 10, combined);
                Action<int> byRef = i => total++;
                Swap(ref byRef);
                Parallel.For(0, 10, byRef);
                Action<int> either = flag ? i => total++ : i => total--;
                Parallel.For(0, 10, either);
                Action<int> sequential = i => total++;
                sequential(1);
                for (int i = 0; i < 3; i++) sequential(i);
                Action<int> perCall = i => { int local = 0; local++; };
                Parallel.For(0, 10, perCall);
            }
        }
        """);

    [Fact]
    public Task NoDiagnostic_SafeWrites() => Verify.VerifyAnalyzerAsync(Usings + """
        partial class C
        {
            static int s_count;
            [ThreadStatic] static int t_count;
            static readonly ThreadLocal<int> Local = new();
            static readonly object Gate = new();
            int _field;

            [Parallelize]
            public static int PerCall(int x) { x++; int y = 0; y += x; var p = new Holder(); p.Value = x; return y + p.Value; }

            void M(int[] items)
            {
                int sequential = 0;
                sequential++;
                s_count++;
                var results = new int[items.Length];
                int total = 0;
                Parallel.For(0, items.Length, i =>
                {
                    int local = 0;
                    local++;
                    results[i] = items[i] * 2;
                    lock (Gate) { total += i; s_count++; }
                    Interlocked.Increment(ref s_count);
                    Interlocked.Add(ref total, i);
                    Volatile.Write(ref _field, i);
                    t_count++;
                    Local.Value++;
                    var h = new Holder { Value = i };
                    h.Value = 2;
                    void Inner() { int z = 0; z++; }
                    Inner();
                    Func<int, int> f = v => { int w = v; w++; return w; };
                    _ = total + s_count + _field;
                });
                items.AsParallel().Select(x => { var acc = 0; acc += x; return acc; }).ToArray();
            }

            class Holder { public int Value; }
        }
        """);
}
