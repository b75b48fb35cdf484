using RacyWrite = ParallelGen.Analyzers.Tests.Verifiers.CSharpCodeFixVerifier<
    ParallelGen.Analyzers.RacyWriteAnalyzer,
    ParallelGen.CodeFixes.UseInterlockedCodeFixProvider>;
using SharedCollection = ParallelGen.Analyzers.Tests.Verifiers.CSharpAnalyzerVerifier<ParallelGen.Analyzers.SharedCollectionAnalyzer>;
using SharedRandom = ParallelGen.Analyzers.Tests.Verifiers.CSharpAnalyzerVerifier<ParallelGen.Analyzers.SharedRandomAnalyzer>;

namespace ParallelGen.Analyzers.Tests;

/// <summary>
/// Parallel.Invoke is a fork-join: each action runs once and the call returns when all have finished. Shared state
/// touched by only one action is not shared between threads (PG0001, PG0003, PG0004 stay silent); it is reported when
/// another action reads or writes it, or when the same delegate is passed more than once.
/// </summary>
public class ForkJoinTests
{
    private const string Usings = TestSources.Usings;

    [Fact]
    public Task EachActionWritesItsOwnLocal_NotReported() => RacyWrite.VerifyAnalyzerAsync(Usings + """
        class C
        {
            static long SumRange(int[] a, int lo, int hi) { long s = 0; for (int i = lo; i < hi; i++) s += a[i]; return s; }

            static long Sum(int[] a)
            {
                int lo = 0, hi = a.Length, mid = (lo + hi) / 2;
                long left = 0, right = 0;
                Parallel.Invoke(
                    () => { left = SumRange(a, lo, mid); },
                    () => { right = SumRange(a, mid, hi); });
                return left + right;
            }

            static (int Min, int Max) MinMax(int[] a)
            {
                int min = 0, max = 0;
                Parallel.Invoke(() => min = a.Min(), () => max = a.Max());
                return (min, max);
            }

            static void Tuple(int[] a)
            {
                int count = 0; long total = 0; double mean = 0;
                Parallel.Invoke(() => { count = a.Length; total += a.Sum(); }, delegate { mean = a.Average(); });
                Console.WriteLine(count + total + mean);
            }
        }
        """);

    [Fact]
    public Task RecursiveDivideAndConquer_NotReported() => RacyWrite.VerifyAnalyzerAsync(Usings + """
        class C
        {
            const int Cutoff = 1024;

            static long Sum(int[] a, int lo, int hi)
            {
                if (hi - lo <= Cutoff)
                {
                    long s = 0;
                    for (int i = lo; i < hi; i++) s += a[i];
                    return s;
                }

                int mid = lo + (hi - lo) / 2;
                long left = 0, right = 0;
                Parallel.Invoke(() => left = Sum(a, lo, mid), () => right = Sum(a, mid, hi));
                return left + right;
            }

            static void Sort(int[] a)
            {
                void Rec(int lo, int hi)
                {
                    if (hi - lo < 2) return;
                    int p = Partition(a, lo, hi);
                    Parallel.Invoke(() => Rec(lo, p), () => Rec(p + 1, hi));
                }

                Rec(0, a.Length);
            }

            static int Partition(int[] a, int lo, int hi) => lo;

            static long Count(int[] a)
            {
                long Rec(int lo, int hi)
                {
                    if (hi - lo <= Cutoff) return hi - lo;
                    int mid = (lo + hi) / 2;
                    long l = 0, r = 0;
                    Parallel.Invoke(() => l = Rec(lo, mid), () => r = Rec(mid, hi));
                    return l + r;
                }

                return Rec(0, a.Length);
            }
        }
        """);

    [Fact]
    public Task PerActionBuffersMergedAfterTheJoin_NotReported() => SharedCollection.VerifyAnalyzerAsync(Usings + """
        class C
        {
            static Dictionary<string, int> WordCounts(string[] words)
            {
                int mid = words.Length / 2;
                var left = new Dictionary<string, int>();
                var right = new Dictionary<string, int>();
                var leftOrder = new List<string>();
                var rightOrder = new List<string>();
                Parallel.Invoke(
                    () => { for (int i = 0; i < mid; i++) { left[words[i]] = left.GetValueOrDefault(words[i]) + 1; leftOrder.Add(words[i]); } },
                    () => { for (int i = mid; i < words.Length; i++) { right[words[i]] = right.GetValueOrDefault(words[i]) + 1; rightOrder.Add(words[i]); } });
                foreach (var pair in right) left[pair.Key] = left.GetValueOrDefault(pair.Key) + pair.Value;
                leftOrder.AddRange(rightOrder);
                return left;
            }
        }
        """);

    [Fact]
    public Task FieldsAndMethodGroupsOfOneActionEach_NotReported() => RacyWrite.VerifyAnalyzerAsync(Usings + """
        class Accumulator
        {
            private long _sum;
            public void Add(int[] values) { foreach (int v in values) _sum += v; }
            public long Sum => _sum;
        }

        class C
        {
            private long _left, _right;
            private int[] _data = [];

            void ComputeLeft() => _left = _data.Take(_data.Length / 2).Sum();
            void ComputeRight() => _right = _data.Skip(_data.Length / 2).Sum();

            long Run(int[] xs, int[] ys)
            {
                Parallel.Invoke(() => _left = xs.Sum(), () => _right = ys.Sum());
                Parallel.Invoke(ComputeLeft, ComputeRight);
                Parallel.Invoke(() => ComputeLeft(), () => this.ComputeRight());
                var a = new Accumulator();
                var b = new Accumulator();
                Parallel.Invoke(() => a.Add(xs), () => b.Add(ys));
                return _left + _right + a.Sum + b.Sum;
            }
        }
        """);

    [Fact]
    public Task DifferentMembersOfOneObject_NotReported() => RacyWrite.VerifyAnalyzerAsync(Usings + """
        class Result { public double Min; public double Max; public Inner Detail = new(); }
        class Inner { public int Count; public int Sum; }
        struct Pair { public long Left; public long Right; }

        class C
        {
            private readonly Result _result = new();

            Result Run(double[] a, int[] b)
            {
                var result = new Result();
                Parallel.Invoke(() => result.Min = a.Min(), () => result.Max = a.Max());
                Parallel.Invoke(() => _result.Detail.Count = b.Length, () => _result.Detail.Sum = b.Sum());
                var pair = new Pair();
                Parallel.Invoke(() => pair.Left = b[0], () => pair.Right = b[^1]);
                Parallel.Invoke(() => {|PG0003:result.Min = a[0]|}, () => Console.WriteLine(result.Min));
                Parallel.Invoke(() => {|PG0003:result.Detail.Count = 1|}, () => Print(result.Detail));
                Parallel.Invoke(() => {|PG0003:pair.Left = 1|}, () => Console.WriteLine(pair));
                return result;
            }

            static void Print(Inner inner) { }
        }
        """);

    [Fact]
    public Task ActionsSharingAVariable_Reported() => RacyWrite.VerifyAnalyzerAsync(Usings + """
        class Stats { public int Count; public long Total; }

        class C
        {
            static int s_calls;
            private readonly Stats _stats = new();
            void Bump() => s_calls++;

            long Run(int[] a)
            {
                int count = 0;
                Parallel.Invoke(() => {|PG0003:count++|}, () => {|PG0003:count++|});

                long total = 0;
                Parallel.Invoke(() => {|PG0003:total = a.Sum()|}, () => Console.WriteLine(total));

                Parallel.Invoke(() => {|PG0003:Bump()|}, () => {|PG0003:Bump()|});

                Parallel.Invoke(() => { var s = _stats; {|PG0003:s.Count++|}; }, () => Console.WriteLine(_stats.Count));
                Parallel.Invoke(() => {|PG0003:_stats.Total = 1|}, () => Console.WriteLine(_stats));

                // Fields used in a called method are matched by declaration, whichever object they belong to.
                var other = new C();
                Parallel.Invoke(() => {|PG0003:_total = 1|}, () => other.Reset());
                return count + total;
            }

            private long _total;
            void Reset() => _total = 0;
        }
        """);

    [Fact]
    public Task SameDelegatePassedTwice_Reported() => RacyWrite.VerifyAnalyzerAsync(Usings + """
        class C
        {
            private int _done;
            void MarkDone() => _done++;

            int Run()
            {
                int count = 0;
                Action work = () => {|PG0003:count++|};
                Parallel.Invoke(work, work);

                int hits = 0;
                Action hit = () => {|PG0003:hits += 1|};
                Parallel.Invoke(new Action[] { hit, hit });

                Parallel.Invoke({|PG0003:MarkDone|}, {|PG0003:MarkDone|});
                Action mark = MarkDone;
                Parallel.Invoke({|PG0003:mark|}, () => { }, {|PG0003:mark|});

                int once = 0;
                Action single = () => once = 1;
                Parallel.Invoke(single, () => { });
                return count + hits + once;
            }
        }
        """);

    [Fact]
    public Task DelegateArrays_OneLambdaForManyElementsRepeats() => RacyWrite.VerifyAnalyzerAsync(Usings + """
        class C
        {
            static long Chunk(int[] a, int c, int size) => a.Skip(c * size).Take(size).Sum();

            long Run(int[] a, int chunks)
            {
                int size = (a.Length + chunks - 1) / chunks;
                long total = 0;
                var partial = new long[chunks];
                var adders = new Action[chunks];
                var writers = new Action[chunks];
                for (int c = 0; c < chunks; c++)
                {
                    int chunk = c;
                    adders[c] = () => {|PG0003:total += Chunk(a, chunk, size)|};
                    writers[c] = () => partial[chunk] = Chunk(a, chunk, size);
                }

                Parallel.Invoke(adders);
                Parallel.Invoke(writers);

                int count = 0;
                Action tick = () => {|PG0003:count++|};
                Parallel.Invoke(Enumerable.Repeat(tick, 4).ToArray());
                Action tock = () => {|PG0003:count--|};
                Action[] tocks = Enumerable.Repeat(tock, 4).ToArray();
                Parallel.Invoke(tocks);

                long left = 0, right = 0;
                var halves = new Action[2];
                halves[0] = () => left = Chunk(a, 0, a.Length / 2);
                halves[1] = () => right = Chunk(a, 1, a.Length / 2);
                Parallel.Invoke(halves);

                Action[] pair = [() => left = 1, () => right = 2];
                Parallel.Invoke(pair);
                return total + partial.Sum() + count + left + right;
            }
        }
        """);

    [Fact]
    public Task SharedCollectionUsedByTwoActions_Reported() => SharedCollection.VerifyAnalyzerAsync(Usings + """
        class C
        {
            private readonly List<int> _log = new();

            void Run(int[] a)
            {
                var results = new List<int>();
                Parallel.Invoke(() => {|PG0004:results.Add(a.Min())|}, () => {|PG0004:results.Add(a.Max())|});
                Parallel.Invoke(() => {|PG0004:_log.Add(1)|}, () => Console.WriteLine(_log.Count));
                Parallel.Invoke(() => _log.Add(2), () => Console.WriteLine(a.Length));
            }
        }
        """);

    [Fact]
    public Task RandomOfOneActionOnly_NotReported_SharedByTwo_Reported() => SharedRandom.VerifyAnalyzerAsync(Usings + """
        class C
        {
            private readonly Random _random = new(1);

            void Run(double[] left, double[] right)
            {
                var rng = new Random(2);
                Parallel.Invoke(() => Fill(left, rng), () => Fill(right, new Random(right.Length)));
                Parallel.Invoke(() => left[0] = _random.NextDouble(), () => right[0] = Random.Shared.NextDouble());
                Parallel.Invoke(() => left[0] = {|PG0001:_random|}.NextDouble(), () => right[0] = {|PG0001:_random|}.NextDouble());
            }

            static void Fill(double[] values, Random random)
            {
                for (int i = 0; i < values.Length; i++) values[i] = random.NextDouble();
            }
        }
        """);

    [Fact]
    public Task StillReportedCounter_FixedWithInterlocked() => RacyWrite.VerifyCodeFixAsync(Usings + """
        class C
        {
            int M(int[] a)
            {
                int count = 0;
                Parallel.Invoke(() => {|PG0003:count++|}, () => {|PG0003:count += a.Length|});
                return count;
            }
        }
        """, Usings + """
        class C
        {
            int M(int[] a)
            {
                int count = 0;
                Parallel.Invoke(() => Interlocked.Increment(ref count), () => Interlocked.Add(ref count, a.Length));
                return count;
            }
        }
        """);
}
