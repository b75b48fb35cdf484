using Microsoft.CodeAnalysis;

namespace ParallelGen.Generator.Tests;

/// <summary>
/// Issue 15: a process-backend parameter whose type mentions itself with a growing type argument has infinitely many
/// constructed types; the PG0006 serializability walk recursed until the compiler's stack overflowed. The walk is now
/// bounded and reports PG0006 ("recursive generic expansion" / "too deep") instead. These tests run the generator and
/// every analyzer end to end; <c>SerializabilityBoundsTests</c> (in the analyzer tests) runs the walk itself on a thread
/// with a 512 KB stack.
/// </summary>
public class RecursiveGenericShapeTests
{
    private const string Prefix = """
        using System.Collections.Generic;
        using ParallelGen;

        """;

    public static TheoryData<string, string> Shapes() => new()
    {
        {
            "growing type argument",
            """
            public class Node<T> { public T Value { get; set; } = default!; public Node<List<T>>? Next { get; set; } }
            public static partial class Work { [Parallelize(Backend = Backend.Processes)] public static int Run(Node<int> node) => 0; }
            """
        },
        {
            "envelope of itself",
            """
            public class Envelope<T> { public T Item { get; set; } = default!; public Envelope<Envelope<T>>? Wrapped { get; set; } }
            public static partial class Work { [Parallelize(Backend = Backend.Processes)] public static int Run(Envelope<string> e) => 0; }
            """
        },
        {
            "mutual growth through a list",
            """
            public class A<T> { public List<B<T>> Bs { get; set; } = new(); }
            public class B<T> { public A<(T, T)>? Up { get; set; } }
            public static partial class Work { [Parallelize(Backend = Backend.Processes)] public static A<int> Run(int x) => new(); }
            """
        },
        {
            "growth in a field of a struct",
            """
            public struct Cell<T> { public T Value; public Cell<T[]>[]? Children; }
            public static partial class Work { [Parallelize(Backend = Backend.Processes)] public static int Run(Cell<byte> c) => 0; }
            """
        },
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Recursive_generic_expansion_is_reported_not_a_stack_overflow(string name, string source)
    {
        HostileHarness.Outcome outcome = HostileHarness.Run(Prefix + source);

        Assert.Empty(outcome.InputErrors);
        Assert.True(outcome.GeneratorFailures.IsEmpty && outcome.AnalyzerFailures.IsEmpty, $"{name}: {outcome.Describe()}");
        Diagnostic pg0006 = Assert.Single(outcome.AnalyzerDiagnostics, d => d.Id == "PG0006");
        Assert.Contains("recursive generic expansion", pg0006.GetMessage(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_deep_but_finite_shape_is_reported_as_too_deep()
    {
        // L0 has a member of type L1, ... L99: a hundred distinct, non-generic levels.
        var levels = Enumerable.Range(0, 100)
            .Select(i => $"public class L{i} {{ public {(i < 99 ? $"L{i + 1}" : "int")} Next {{ get; set; }} = default!; }}");
        string source = Prefix + string.Join("\n", levels) +
            "\npublic static partial class Work { [Parallelize(Backend = Backend.Processes)] public static int Run(L0 l) => 0; }";

        HostileHarness.Outcome outcome = HostileHarness.Run(source);

        Assert.True(outcome.GeneratorFailures.IsEmpty && outcome.AnalyzerFailures.IsEmpty, outcome.Describe());
        Diagnostic pg0006 = Assert.Single(outcome.AnalyzerDiagnostics, d => d.Id == "PG0006");
        Assert.Contains("too deep to check", pg0006.GetMessage(), StringComparison.Ordinal);
    }

    [Fact]
    public void Ordinary_recursive_shapes_are_still_accepted()
    {
        const string source = Prefix + """
            public class Tree { public int Value { get; set; } public List<Tree> Children { get; set; } = new(); public Tree? Parent { get; set; } }
            public class Node<T> { public T Value { get; set; } = default!; public Node<T>? Next { get; set; } public List<Node<T>> More { get; set; } = new(); }
            public class Deep { public List<List<List<Dictionary<string, int[]>>>> Data { get; set; } = new(); }
            public static partial class Work
            {
                [Parallelize(Backend = Backend.Processes)] public static int Run(Tree t, Node<string> n, Deep d) => 0;
            }
            """;

        HostileHarness.Outcome outcome = HostileHarness.Run(source);

        Assert.True(outcome.GeneratorFailures.IsEmpty && outcome.AnalyzerFailures.IsEmpty && outcome.GeneratedErrors.IsEmpty, outcome.Describe());
        Assert.DoesNotContain(outcome.AnalyzerDiagnostics, d => d.Id == "PG0006");
    }

    [Fact]
    public void A_long_expression_chain_in_a_parallel_body_does_not_overflow_the_walk()
    {
        // The analyzers' operation walk is iterative: 5,000 nested additions are 5,000 levels of operations.
        string sum = string.Join(" + ", Enumerable.Repeat("x", 5000));
        string source = Prefix + $"public static partial class Work {{ static int s; [Parallelize] public static int Run(int x) {{ s = {sum}; return s; }} }}";

        HostileHarness.Outcome outcome = HostileHarness.Run(source);

        Assert.True(outcome.GeneratorFailures.IsEmpty && outcome.AnalyzerFailures.IsEmpty && outcome.GeneratedErrors.IsEmpty, outcome.Describe());
        Assert.Contains(outcome.AnalyzerDiagnostics, d => d.Id == "PG0003");
    }
}
