using System;
using System.Collections.Concurrent;
using System.Linq;
using System.Threading.Tasks;
using BenchmarkDotNet.Attributes;

namespace ParallelGen.Benchmarks;

/// <summary>
/// The claim: 10^7 trivial items through the generated <c>SquareParallel</c> cost within 1.3x of a
/// hand-written <c>Parallel.ForEach(Partitioner.Create(0, n), ...)</c>. Every method writes x*x into a fresh result
/// array (allocated per call, like the generated method does), so all of them pay the same 40 MB allocation.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(TinyBodiesConfig))]
public class TinyBodies
{
    private int[] _input = [];

    [Params(10_000_000)]
    public int N { get; set; }

    [GlobalSetup]
    public void Setup() => _input = Enumerable.Range(0, N).ToArray();

    [Benchmark(Description = "Sequential for loop")]
    public int[] Sequential()
    {
        int[] input = _input;
        int[] result = new int[input.Length];
        for (int i = 0; i < input.Length; i++)
        {
            result[i] = input[i] * input[i];
        }

        return result;
    }

    [Benchmark(Baseline = true, Description = "Hand-written Parallel.ForEach(Partitioner.Create(0, n))")]
    public int[] HandWritten()
    {
        int[] input = _input;
        int[] result = new int[input.Length];
        Parallel.ForEach(Partitioner.Create(0, input.Length), range =>
        {
            for (int i = range.Item1; i < range.Item2; i++)
            {
                result[i] = input[i] * input[i];
            }
        });
        return result;
    }

    [Benchmark(Description = "Generated SquareParallel(input)")]
    public int[] Generated() => Work.SquareParallel(_input);

    [Benchmark(Description = "Generated SquareParallel(Enumerable.Range(0, n)), read in place")]
    public int[] GeneratedRange() => Work.SquareParallel(Enumerable.Range(0, N));

    [Benchmark(Description = "Generated SquareParallel(Enumerable.Range(0, n).ToArray()): the old copying path")]
    public int[] GeneratedRangeCopied() => Work.SquareParallel(Enumerable.Range(0, N).ToArray());

    [Benchmark(Description = "Generated SquareParallelStream(input), consumed one by one")]
    public int[] GeneratedStream()
    {
        int[] result = new int[_input.Length];
        int i = 0;
        foreach (int r in Work.SquareParallelStream(_input))
        {
            result[i++] = r;
        }

        return result;
    }

    [Benchmark(Description = "Naive Parallel.For, delegate per item")]
    public int[] NaiveParallelFor()
    {
        int[] input = _input;
        int[] result = new int[input.Length];
        Parallel.For(0, input.Length, i => result[i] = input[i] * input[i]);
        return result;
    }

    [Benchmark(Description = "Naive Parallel.ForEach(Enumerable.Range)")]
    public int[] NaiveParallelForEach()
    {
        int[] input = _input;
        int[] result = new int[input.Length];
        Parallel.ForEach(Enumerable.Range(0, input.Length), i => result[i] = input[i] * input[i]);
        return result;
    }

    [Benchmark(Description = "PLINQ AsParallel().AsOrdered().Select().ToArray()")]
    public int[] Plinq() => _input.AsParallel().AsOrdered().Select(x => x * x).ToArray();
}
