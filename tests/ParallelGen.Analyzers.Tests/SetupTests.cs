using ParallelGen.Analyzers.Tests.Verifiers;
using Verify = ParallelGen.Analyzers.Tests.Verifiers.CSharpAnalyzerVerifier<ParallelGen.Analyzers.SharedRandomAnalyzer>;

namespace ParallelGen.Analyzers.Tests;

public class SetupTests
{
    [Fact]
    public Task OfflineReferencesCompileParallelCode() => Verify.VerifyAnalyzerAsync("""
        using System;
        using System.Threading.Tasks;
        using ParallelGen;

        public static partial class Work
        {
            private static readonly Random Rng = new();

            [Parallelize(Jobs = 2)]
            public static int Square(int x) => x * x;

            public static void Run() => Parallel.For(0, 10, i => {|PG0001:Rng|}.Next());
        }
        """);
}
