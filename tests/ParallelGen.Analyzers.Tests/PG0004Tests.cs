using Microsoft.CodeAnalysis.Testing;
using Verify = ParallelGen.Analyzers.Tests.Verifiers.CSharpCodeFixVerifier<
    ParallelGen.Analyzers.SharedCollectionAnalyzer,
    ParallelGen.CodeFixes.UseConcurrentCollectionCodeFixProvider>;

namespace ParallelGen.Analyzers.Tests;

/// <summary>PG0004: non-thread-safe collections mutated in parallel code (and the concurrent-collection fix).</summary>
public class PG0004Tests
{
    private const string Usings = TestSources.Usings;

    private static DiagnosticResult Diagnostic(int location, string name, string type, string member, string replacement, string place = "") =>
        new DiagnosticResult(DiagnosticDescriptors.SharedCollectionMutation).WithLocation(location).WithArguments(name, type, member, replacement, place);

    [Fact]
    public Task List_Add_FixedToConcurrentBag_WithUsing() => Verify.VerifyCodeFixAsync("""
        using System.Collections.Generic;
        using System.Linq;
        using System.Threading.Tasks;

        class C
        {
            private readonly List<int> _results = new List<int>();

            int M(int[] items)
            {
                Parallel.ForEach(items, x => {|#0:_results.Add(x * x)|});
                foreach (int r in _results) { }
                return _results.Count + _results.Sum();
            }
        }
        """, """
        using System.Collections.Concurrent;
        using System.Collections.Generic;
        using System.Linq;
        using System.Threading.Tasks;

        class C
        {
            private readonly ConcurrentBag<int> _results = new ConcurrentBag<int>();

            int M(int[] items)
            {
                Parallel.ForEach(items, x => _results.Add(x * x));
                foreach (int r in _results) { }
                return _results.Count + _results.Sum();
            }
        }
        """, Diagnostic(0, "_results", "List<int>", "Add", "ConcurrentBag<int>"));

    [Fact]
    public Task Dictionary_AddAndIndexer_FixedToConcurrentDictionary() => Verify.VerifyCodeFixAsync(Usings + """
        class C
        {
            void M(int[] items)
            {
                Dictionary<int, string> names = new();
                Parallel.For(0, items.Length, i =>
                {
                    {|#0:names.Add(i, "x")|};
                    {|#1:names[items[i]] = "y"|};
                    if (names.TryGetValue(i, out var v) && names.ContainsKey(i + 1)) { }
                    {|#2:names.Remove(i)|};
                });
            }
        }
        """, TestSources.UsingsWithConcurrent + """
        class C
        {
            void M(int[] items)
            {
                ConcurrentDictionary<int, string> names = new();
                Parallel.For(0, items.Length, i =>
                {
                    names.TryAdd(i, "x");
                    names[items[i]] = "y";
                    if (names.TryGetValue(i, out var v) && names.ContainsKey(i + 1)) { }
                    names.TryRemove(i, out _);
                });
            }
        }
        """,
        Diagnostic(0, "names", "Dictionary<int, string>", "Add", "ConcurrentDictionary<int, string>"),
        Diagnostic(1, "names", "Dictionary<int, string>", "this[]", "ConcurrentDictionary<int, string>"),
        Diagnostic(2, "names", "Dictionary<int, string>", "Remove", "ConcurrentDictionary<int, string>"));

    [Fact]
    public Task HashSet_FixedToConcurrentDictionaryOfByte() => Verify.VerifyCodeFixAsync(Usings + """
        partial class C
        {
            static HashSet<string> s_seen = new HashSet<string>(StringComparer.Ordinal);

            [Parallelize]
            public static bool Visit(string url)
            {
                if (s_seen.Contains(url)) return false;
                return {|PG0004:s_seen.Add(url)|};
            }
        }
        """, TestSources.UsingsWithConcurrent + """
        partial class C
        {
            static ConcurrentDictionary<string, byte> s_seen = new ConcurrentDictionary<string, byte>(StringComparer.Ordinal);

            [Parallelize]
            public static bool Visit(string url)
            {
                if (s_seen.ContainsKey(url)) return false;
                return s_seen.TryAdd(url, 0);
            }
        }
        """);

    [Fact]
    public Task QueueAndStack_Fixed() => Verify.VerifyCodeFixAsync(Usings + """
        class C
        {
            readonly Queue<int> _queue = new();
            readonly Stack<int> _stack = new();

            void M(int[] items)
            {
                items.AsParallel().ForAll(x => { {|PG0004:_queue.Enqueue(x)|}; {|PG0004:_stack.Push(x)|}; });
                int[] all = _queue.ToArray();
                while (_stack.TryPop(out int top)) { }
            }
        }
        """, TestSources.UsingsWithConcurrent + """
        class C
        {
            readonly ConcurrentQueue<int> _queue = new();
            readonly ConcurrentStack<int> _stack = new();

            void M(int[] items)
            {
                items.AsParallel().ForAll(x => { _queue.Enqueue(x); _stack.Push(x); });
                int[] all = _queue.ToArray();
                while (_stack.TryPop(out int top)) { }
            }
        }
        """);

    [Fact]
    public Task Fix_NotOfferedWhenAUseHasNoConcurrentEquivalent() => Verify.VerifyNoCodeFixAsync(Usings + """
        class C
        {
            private readonly List<int> _indexed = new();
            private readonly List<int> _sorted = new();
            private readonly Queue<int> _drained = new();
            private readonly List<int> _sized = new(100);
            public List<int> Exposed = new();
            private readonly List<int> _passed = new();
            private readonly SortedSet<int> _set = new();

            void M(int[] items)
            {
                Parallel.ForEach(items, x =>
                {
                    {|PG0004:_indexed.Add(x)|};
                    {|PG0004:_sorted.Add(x)|};
                    {|PG0004:_drained.Enqueue(x)|};
                    {|PG0004:_sized.Add(x)|};
                    {|PG0004:Exposed.Add(x)|};
                    {|PG0004:_passed.Add(x)|};
                    {|PG0004:_set.Add(x)|};
                });
                int first = _indexed[0];
                _sorted.Sort();
                _drained.Dequeue();
                Use(_passed);
            }

            static void Use(List<int> list) { }
        }
        """);

    [Fact]
    public Task AllParallelContexts() => Verify.VerifyAnalyzerAsync(Usings + """
        partial class C
        {
            static readonly List<int> s_list = new();
            readonly Dictionary<int, int> _map = new();

            [Parallelize]
            public int Work(int x) { {|#0:_map[x] = x|}; {|#1:s_list.Clear()|}; return x; }

            async Task M(int[] items)
            {
                var local = new List<int>();
                Parallel.Invoke(() => {|#2:local.Insert(0, 1)|}, () => Console.WriteLine(local.Count));
                await Parallel.ForEachAsync(items, async (x, ct) => { await Task.Yield(); {|#3:local.Remove(x)|}; });
                items.AsParallel().Select(x => { {|#4:s_list.Add(x)|}; return x; }).ToArray();
                items.Select(i => Delayed.Call(x => {|#5:_map.TryAdd(x, x)|}, i)).ToArray();
                using var executor = new ParallelExecutor();
                executor.Submit(() => {|#6:local.RemoveAll(v => v > 0)|});
                executor.Map(x => { {|#7:_map[x]++|}; return x; }, items);
            }
        }
        """,
        Diagnostic(0, "_map", "Dictionary<int, int>", "this[]", "ConcurrentDictionary<int, int>"),
        Diagnostic(1, "s_list", "List<int>", "Clear", "ConcurrentBag<int>"),
        Diagnostic(2, "local", "List<int>", "Insert", "ConcurrentBag<int>"),
        Diagnostic(3, "local", "List<int>", "Remove", "ConcurrentBag<int>"),
        Diagnostic(4, "s_list", "List<int>", "Add", "ConcurrentBag<int>"),
        Diagnostic(5, "_map", "Dictionary<int, int>", "TryAdd", "ConcurrentDictionary<int, int>"),
        Diagnostic(6, "local", "List<int>", "RemoveAll", "ConcurrentBag<int>"),
        Diagnostic(7, "_map", "Dictionary<int, int>", "this[]", "ConcurrentDictionary<int, int>"));

    [Fact]
    public Task AliasOfSharedCollection_ReportedWithoutFix() => Verify.VerifyNoCodeFixAsync(Usings + """
        class Node { public Node? Next; public List<int> Items = new(); }

        class C
        {
            private readonly List<int> _shared = new();
            private readonly Node _head = new();

            void M(int[] items) => Parallel.ForEach(items, x =>
            {
                var alias = _shared;
                var again = alias;
                {|#0:again.Add(x)|};
                var node = _head.Next!;
                {|#1:node.Items.Add(x)|};
                var mine = new List<int>();
                var mineToo = mine;
                mineToo.Add(x);
            });
        }
        """,
        Diagnostic(0, "again", "List<int>", "Add", "ConcurrentBag<int>"),
        Diagnostic(1, "Items", "List<int>", "Add", "ConcurrentBag<int>"));

    [Fact]
    public Task AliasAssignedAfterItsDeclaration_ReportedWhenEveryValueIsShared() => Verify.VerifyNoCodeFixAsync(Usings + """
        class C
        {
            static readonly List<int> s_shared = new();
            readonly Dictionary<int, int> _map = new();
            readonly Dictionary<int, int> _other = new();

            static void Get(out List<int> list) => list = s_shared;

            void M(int[] items, bool flag) => Parallel.ForEach(items, x =>
            {
                List<int> later;
                later = s_shared;
                {|#0:later.Add(x)|};
                Dictionary<int, int> either;
                if (flag) either = _map; else either = _other;
                {|#1:either[x] = x|};

                List<int> mine;
                mine = new List<int>();
                mine.Add(x);
                var maybe = s_shared;
                if (flag) maybe = new List<int>();
                maybe.Add(x);
                var replaced = s_shared;
                replaced = new List<int>();
                replaced.Add(x);
                List<int> viaOut;
                Get(out viaOut);
                viaOut.Add(x);
                List<int>? lazy = null;
                lazy ??= s_shared;
                lazy.Add(x);
            });
        }
        """,
        Diagnostic(0, "later", "List<int>", "Add", "ConcurrentBag<int>"),
        Diagnostic(1, "either", "Dictionary<int, int>", "this[]", "ConcurrentDictionary<int, int>"));

    [Fact]
    public Task SelfReferencingInitializer_Terminates() => Verify.VerifyAnalyzerAsync(Usings + """
        class Node { public Node? Next; public List<int> Items = new(); }

        class C
        {
            void M(int[] items) => Parallel.ForEach(items, x =>
            {
                var node = {|#0:node|}.Next;
                node.Items.Add(x);
            });
        }
        """, DiagnosticResult.CompilerError("CS0841").WithLocation(0).WithArguments("node"));

    [Fact]
    public Task OtherCollections_SuggestALock() => Verify.VerifyAnalyzerAsync(Usings + """
        class C
        {
            void M(int[] items)
            {
                var sorted = new SortedDictionary<int, int>();
                var linked = new LinkedList<int>();
                Parallel.ForEach(items, x => { {|#0:sorted.Add(x, x)|}; {|#1:linked.AddLast(x)|}; });
            }
        }
        """,
        Diagnostic(0, "sorted", "SortedDictionary<int, int>", "Add", "a lock around every access to it"),
        Diagnostic(1, "linked", "LinkedList<int>", "AddLast", "a lock around every access to it"));

    [Fact]
    public Task CalleeAndMethodGroup_ReportedAtCallSite() => Verify.VerifyNoCodeFixAsync(Usings + """
        class Log
        {
            static readonly List<string> s_lines = new();
            public static void Write(string line) => s_lines.Add(line);
        }

        class C
        {
            void Step(int i) => Log.Write(i.ToString());
            void M()
            {
                Parallel.For(0, 10, i => {|#0:Log.Write("x")|});
                Parallel.For(0, 10, Step);
            }
        }
        """, Diagnostic(0, "s_lines", "List<string>", "Add", "ConcurrentBag<string>", " in 'Log.Write()' called from parallel code"));

    [Fact]
    public Task DelegateStoredInLocal_Followed() => Verify.VerifyAnalyzerAsync(Usings + """
        class C
        {
            static readonly List<int> s_list = new();

            void M(int[] items, Action<int> fromCaller)
            {
                var seen = new HashSet<int>();
                Action<int> add = x => { {|#0:seen.Add(x)|}; var mine = new List<int>(); mine.Add(x); };
                Parallel.ForEach(items, add);
                Action<int> record = Record;
                Parallel.Invoke(() => record(1), () => { });
                Parallel.ForEach(items, {|#1:record|});
                Parallel.ForEach(items, fromCaller);
            }

            static void Record(int x) => s_list.Add(x);
        }
        """,
        Diagnostic(0, "seen", "HashSet<int>", "Add", "ConcurrentDictionary<int, byte>"),
        Diagnostic(1, "s_list", "List<int>", "Add", "ConcurrentBag<int>", " in 'C.Record()' called from parallel code"));

    [Fact]
    public Task NoDiagnostic_SafeCollections() => Verify.VerifyAnalyzerAsync(Usings + """
        using System.Collections.Concurrent;
        using System.Collections.Immutable;

        partial class C
        {
            static readonly ConcurrentBag<int> s_bag = new();
            static readonly ConcurrentDictionary<int, int> s_map = new();
            static ImmutableList<int> s_immutable = ImmutableList<int>.Empty;
            static readonly List<int> s_list = new();
            static readonly object Gate = new();
            [ThreadStatic] static List<int>? t_list;
            static readonly ThreadLocal<List<int>> Local = new(() => new List<int>());

            [Parallelize]
            public static int PerCall(int x, List<int> perCall) { perCall.Add(x); var mine = new List<int>(); mine.Add(x); return mine.Count; }

            void M(int[] items, List<int>[] buckets)
            {
                s_list.Add(1); // sequential
                var results = new int[items.Length];
                var slots = new List<int>(new int[items.Length]);
                Parallel.For(0, items.Length, i =>
                {
                    s_bag.Add(i);
                    s_map[i] = i;
                    s_map.TryAdd(i, i);
                    var perIteration = new List<int> { i };
                    perIteration.Add(i);
                    lock (Gate) { s_list.Add(i); }
                    (t_list ??= new List<int>()).Add(i);
                    t_list.Add(i);
                    Local.Value!.Add(i);
                    results[i] = i;
                    slots[i] = i;
                    buckets[i].Add(i);
                    _ = s_list.Count + s_list[0] + (s_list.Contains(i) ? 1 : 0);
                    _ = s_immutable.Add(i);
                });
            }
        }
        """);
}
