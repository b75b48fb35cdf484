using Microsoft.CodeAnalysis.Testing;
using Verify = ParallelGen.Analyzers.Tests.Verifiers.CSharpAnalyzerVerifier<ParallelGen.Analyzers.ProcessBackendAnalyzer>;

namespace ParallelGen.Analyzers.Tests;

/// <summary>PG0007: process-backend bodies that use mutable static state.</summary>
public class PG0007Tests
{
    private const string Usings = TestSources.Usings + """
        using System.Collections.Immutable;

        """;

    private const string Write = "writes to it are not seen by the caller or other workers";
    private const string Read = "this reads the worker's copy, not the caller's current value";

    private static DiagnosticResult Diagnostic(int location, string name, string effect, string place = "") =>
        new DiagnosticResult(DiagnosticDescriptors.ProcessStaticState).WithLocation(location).WithArguments(name, effect, place);

    [Fact]
    public Task StaticFieldsAndSettableProperties() => Verify.VerifyAnalyzerAsync(Usings + """
        public static partial class Work
        {
            static int s_calls;
            static double s_scale = 2;
            public static string Prefix { get; set; } = "";
            static readonly List<int> s_seen = new();
            [ThreadStatic] static int t_depth;

            [Parallelize(Backend = Backend.Processes)]
            public static double Scale(int x)
            {
                {|#0:s_calls|}++;
                {|#1:Prefix|} = "p";
                {|#2:s_seen|}.Add(x);
                {|#3:t_depth|} = 1;
                return x * {|#4:s_scale|} + {|#5:Prefix|}.Length;
            }
        }
        """,
        Diagnostic(0, "Work.s_calls", Write),
        Diagnostic(1, "Work.Prefix", Write),
        Diagnostic(2, "Work.s_seen", Read),
        Diagnostic(3, "Work.t_depth", Write),
        Diagnostic(4, "Work.s_scale", Read),
        Diagnostic(5, "Work.Prefix", Read));

    [Fact]
    public Task CalleeOneLevelDeepAndNestedLambdas() => Verify.VerifyAnalyzerAsync(Usings + """
        static class Cache
        {
            static int s_hits;
            public static int Hit() => ++s_hits;
            public static int Pure(int x) => x + 1;
        }

        public partial class Work
        {
            static int s_total;

            [Parallelize(Backend = Backend.Processes)]
            public int Run(int x)
            {
                Parallel.For(0, x, i => Interlocked.Add(ref {|#0:s_total|}, i));
                return {|#1:Cache.Hit()|} + Cache.Pure(x);
            }
        }
        """,
        Diagnostic(0, "Work.s_total", Write),
        Diagnostic(1, "Cache.s_hits", Write, " (used in 'Cache.Hit()', called from this method)"));

    [Fact]
    public Task NoDiagnostic_ImmutableStateInstanceStateAndThreadBackend() => Verify.VerifyAnalyzerAsync(Usings + """
        public partial class Work
        {
            const int Limit = 10;
            static readonly int s_offset = 3;
            static readonly string s_name = "w";
            static readonly ImmutableArray<int> s_table = ImmutableArray.Create(1, 2);
            static readonly object s_gate = new();
            static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(1);
            public static int Version { get; } = 1;
            static int s_mutable;
            int _instance;

            [Parallelize(Backend = Backend.Processes)]
            public int Run(int x)
            {
                _instance++;
                lock (s_gate) { }
                return x + Limit + s_offset + s_name.Length + s_table[0] + (int)s_timeout.TotalSeconds + Version +
                    (int)Math.PI + string.Empty.Length + Environment.ProcessorCount;
            }

            [Parallelize(Backend = Backend.Threads)]
            public static int Threads(int x) => s_mutable++;

            [Parallelize]
            public static int Default(int x) => s_mutable++;

            public static int Sequential(int x) => s_mutable++;
        }
        """);
}
