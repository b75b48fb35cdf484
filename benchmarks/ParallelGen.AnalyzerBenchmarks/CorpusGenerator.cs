using System.Collections.Generic;
using System.Text;

namespace ParallelGen.AnalyzerBenchmarks;

/// <summary>
/// Writes a synthetic project: files of partial classes whose methods mix Parallel.For/ForEach bodies, PLINQ queries,
/// [Parallelize] methods, joblib-style Delayed.Call/ParallelExecutor calls, helpers called from parallel code, and
/// ordinary sequential code. <c>dense</c>: the twelve method shapes in turn, so two methods in three contain parallel
/// code and one in six a problem (a worst case); <c>typical</c>: one method in four contains parallel code (the same
/// eight parallel shapes in turn), the others are sequential.
/// </summary>
internal static class CorpusGenerator
{
    private const int MethodsPerFile = 25;

    public static List<string> Generate(int methods, bool dense = true)
    {
        var files = new List<string>();
        int fileCount = (methods + MethodsPerFile - 1) / MethodsPerFile;
        for (int f = 0; f < fileCount; f++)
        {
            var sb = new StringBuilder();
            sb.AppendLine("using System;");
            sb.AppendLine("using System.Collections.Concurrent;");
            sb.AppendLine("using System.Collections.Generic;");
            sb.AppendLine("using System.Linq;");
            sb.AppendLine("using System.Threading;");
            sb.AppendLine("using System.Threading.Tasks;");
            sb.AppendLine("using ParallelGen;");
            sb.AppendLine();
            sb.AppendLine($"namespace Corpus.N{f % 10};");
            sb.AppendLine();
            sb.AppendLine($"public static class Helpers{f}");
            sb.AppendLine("{");
            sb.AppendLine("    private static int s_calls;");
            sb.AppendLine("    private static readonly Random s_rng = new();");
            sb.AppendLine("    public static int Pure(int x) { int y = x; for (int i = 0; i < 3; i++) { y = y * 31 + i; } return y; }");
            sb.AppendLine("    public static int Counted(int x) { s_calls++; return x + 1; }");
            sb.AppendLine("    public static double Noise() => s_rng.NextDouble();");
            sb.AppendLine("}");
            sb.AppendLine();
            sb.AppendLine($"public partial class Worker{f}");
            sb.AppendLine("{");
            sb.AppendLine("    private static readonly Random Rng = new();");
            sb.AppendLine("    private static readonly object Gate = new();");
            sb.AppendLine("    private readonly List<int> _log = new();");
            sb.AppendLine("    private readonly ConcurrentBag<int> _bag = new();");
            sb.AppendLine("    private readonly Dictionary<int, string> _names = new();");
            sb.AppendLine("    private int _count;");
            sb.AppendLine("    private static long s_total;");
            sb.AppendLine();
            for (int m = 0; m < MethodsPerFile && f * MethodsPerFile + m < methods; m++)
            {
                int id = f * MethodsPerFile + m;
                AppendMethod(sb, dense ? id % 12 : Typical(id), id, f);
            }

            sb.AppendLine("}");
            files.Add(sb.ToString());
        }

        return files;
    }

    private static readonly int[] ParallelShapes = [0, 1, 2, 3, 6, 7, 9, 10];
    private static readonly int[] SequentialShapes = [4, 5, 8, 11];

    private static int Typical(int id) =>
        id % 4 == 0 ? ParallelShapes[id / 4 % ParallelShapes.Length] : SequentialShapes[id % SequentialShapes.Length];

    private static void AppendMethod(StringBuilder sb, int shape, int id, int file)
    {
        switch (shape)
        {
            case 0: // clean Parallel.For: per-iteration locals, element writes, Interlocked
                sb.AppendLine($$"""
                    public int[] ForClean{{id}}(int[] items)
                    {
                        var results = new int[items.Length];
                        Parallel.For(0, items.Length, i =>
                        {
                            int acc = 0;
                            for (int k = 0; k < 4; k++) { acc += items[i] * k; }
                            results[i] = acc + Helpers{{file}}.Pure(i);
                            Interlocked.Add(ref s_total, acc);
                        });
                        return results;
                    }

                """);
                break;
            case 1: // racy Parallel.For (PG0003, PG0004)
                sb.AppendLine($$"""
                    public int ForRacy{{id}}(int[] items)
                    {
                        int hits = 0;
                        Parallel.For(0, items.Length, i =>
                        {
                            if (items[i] % 3 == 0) { hits++; }
                            _log.Add(items[i]);
                            lock (Gate) { _count++; }
                        });
                        return hits;
                    }

                """);
                break;
            case 2: // PLINQ, clean
                sb.AppendLine($$"""
                    public int[] Plinq{{id}}(int[] items) =>
                        items.AsParallel().Where(x => x % 2 == 0).Select(x => Helpers{{file}}.Pure(x) + x * x).OrderBy(x => x).ToArray();

                """);
                break;
            case 3: // [Parallelize] with a shared Random (PG0001) and a callee using statics (PG0003 at the call)
                sb.AppendLine($$"""
                    [Parallelize(Jobs = 4)]
                    public static double Trial{{id}}(int seed)
                    {
                        double x = Rng.NextDouble();
                        double y = Random.Shared.NextDouble();
                        return x * y + Helpers{{file}}.Counted(seed);
                    }

                """);
                break;
            case 4: // sequential code with the same shapes (nothing reported)
            case 5:
            case 8:
                sb.AppendLine($$"""
                    public int Sequential{{id}}(int[] items)
                    {
                        int total = 0;
                        foreach (int x in items)
                        {
                            total += x * Rng.Next(3);
                            _log.Add(x);
                            _names[x] = x.ToString();
                            _count++;
                        }
                        var squares = items.Where(x => x > 0).Select(x => x * x).ToList();
                        squares.Sort();
                        return total + squares.Count;
                    }

                """);
                break;
            case 6: // Parallel.ForEach with a safe collection, captured locals read only
                sb.AppendLine($$"""
                    public void ForEachClean{{id}}(IEnumerable<int> items, int scale)
                    {
                        Parallel.ForEach(items, x =>
                        {
                            var local = new List<int> { x, scale };
                            local.Add(x * scale);
                            _bag.Add(local.Sum());
                        });
                    }

                """);
                break;
            case 7: // joblib-style API, with a helper whose static Random is shared (PG0001 at the call)
                sb.AppendLine($$"""
                    public double[] Jobs{{id}}(int[] items)
                    {
                        var calls = items.Select(i => Delayed.Call(x => Math.Sqrt(x) + Helpers{{file}}.Noise(), (double)i)).ToArray();
                        using var executor = new ParallelExecutor(2);
                        Future<int> f = executor.Submit(() => Helpers{{file}}.Pure(items.Length));
                        return calls.Select(c => c.Invoke()).ToArray();
                    }

                """);
                break;
            case 9: // clean [Parallelize] instance method
                sb.AppendLine($$"""
                    [Parallelize]
                    public string Format{{id}}(int value)
                    {
                        var sb = new System.Text.StringBuilder();
                        for (int i = 0; i < 3; i++) { sb.Append(value + i).Append(','); }
                        return sb.ToString();
                    }

                """);
                break;
            case 10: // Parallel.Invoke + ForEachAsync, clean
                sb.AppendLine($$"""
                    public async Task<int> Mixed{{id}}(int[] items)
                    {
                        int a = 0, b = 0;
                        Parallel.Invoke(() => Helpers{{file}}.Pure(1), () => Helpers{{file}}.Pure(2));
                        await Parallel.ForEachAsync(items, async (x, ct) => { await Task.Yield(); Interlocked.Increment(ref _count); });
                        return a + b;
                    }

                """);
                break;
            default: // plain arithmetic
                sb.AppendLine($$"""
                    public static int Math{{id}}(int x, int y)
                    {
                        int r = 0;
                        for (int i = 0; i < x; i++) { r = (r * 17 + y) % 1_000_003; if (r < 0) { r = -r; } }
                        return r switch { 0 => 1, < 100 => r * 2, _ => r };
                    }

                """);
                break;
        }
    }
}
