using BenchmarkDotNet.Running;

namespace ParallelGen.Benchmarks;

/// <summary>
/// Entry point. Examples:
/// <code>
/// dotnet run -c Release --project benchmarks/ParallelGen.Benchmarks -- --filter '*'
/// dotnet run -c Release --project benchmarks/ParallelGen.Benchmarks -- --filter '*TinyBodies*'
/// dotnet run -c Release --project benchmarks/ParallelGen.Benchmarks -- --filter '*' --job Default   (full, slow)
/// </code>
/// </summary>
public static class Program
{
    public static void Main(string[] args) =>
        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
}
