using System.Runtime.ExceptionServices;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using ParallelGen.Analyzers.Internal;
using ParallelGen.Shared;
using ParallelGen.Analyzers.Tests.Verifiers;

namespace ParallelGen.Analyzers.Tests;

/// <summary>
/// Issue 15: the PG0006 serializability walk recursed without bound on recursive generic shapes and overflowed the
/// compiler's stack. Here the walk runs on a thread with a 512 KB stack (half of what compiler threads get), so a
/// regression shows up on the smallest realistic stack.
/// </summary>
public class SerializabilityBoundsTests
{
    private const int StackSize = 512 * 1024;

    private static string? ProblemOf(string declarations, string typeName)
    {
        var compilation = CSharpCompilation.Create(
            "Bounds",
            [CSharpSyntaxTree.ParseText("using System.Collections.Generic;\n" + declarations)],
            [.. Basic.Reference.Assemblies.Net100.References.All, TestReferences.Runtime],
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary));
        INamedTypeSymbol holder = compilation.GetTypeByMetadataName("Holder") ?? throw new InvalidOperationException("no Holder");
        ITypeSymbol type = holder.GetMembers(typeName).OfType<IFieldSymbol>().Single().Type;

        // The compiler's own binding of long inheritance chains is recursive: let it finish on a large stack first, so
        // that only the walk under test runs on the small one.
        var bind = new Thread(() => compilation.GetDiagnostics(), 64 * 1024 * 1024);
        bind.Start();
        bind.Join();

        string? problem = null;
        ExceptionDispatchInfo? failure = null;
        var thread = new Thread(
            () =>
            {
                try
                {
                    problem = new Serializability().GetProblem(type);
                }
                catch (Exception ex)
                {
                    failure = ExceptionDispatchInfo.Capture(ex);
                }
            },
            StackSize);
        thread.Start();
        thread.Join();
        failure?.Throw();
        return problem;
    }

    [Theory]
    [InlineData("public class Node<T> { public T V = default!; public Node<List<T>>? Next; }", "Node<int>")]
    [InlineData("public class E<T> { public E<E<T>>? Inner; }", "E<string>")]
    [InlineData("public class A<T> { public List<B<T>> Bs = new(); } public class B<T> { public A<(T, T)>? Up; }", "A<int>")]
    [InlineData("public class W<T> { public Dictionary<T, W<T[]>> Map = new(); public W<List<T>>? L; }", "W<byte>")]
    public void Recursive_generic_expansion_is_a_problem_not_a_stack_overflow(string declarations, string fieldType)
    {
        string? problem = ProblemOf(declarations + $" public class Holder {{ public {fieldType} F = default!; }}", "F");

        Assert.NotNull(problem);
        Assert.Contains("recursive generic expansion", problem, StringComparison.Ordinal);
        Assert.Contains($"more than {Serializability.MaxGenericNesting} times", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void A_shape_deeper_than_the_limit_is_a_problem()
    {
        string levels = string.Join(" ", Enumerable.Range(0, 200).Select(i => $"public class L{i} {{ public {(i < 199 ? $"L{i + 1}" : "int")} N = default!; }}"));

        string? problem = ProblemOf(levels + " public class Holder { public L0 F = default!; }", "F");

        Assert.NotNull(problem);
        Assert.Contains("too deep to check", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void A_shape_at_the_limit_is_accepted()
    {
        int depth = Serializability.MaxDepth - 2;
        string levels = string.Join(" ", Enumerable.Range(0, depth).Select(i => $"public class L{i} {{ public {(i < depth - 1 ? $"L{i + 1}" : "int")} N {{ get; set; }} }}"));

        Assert.Null(ProblemOf(levels + " public class Holder { public L0 F = default!; }", "F"));
    }

    [Fact]
    public void A_long_inheritance_chain_is_walked_without_recursion()
    {
        string chain = "public class C0 { public int V0 { get; set; } } " +
            string.Join(" ", Enumerable.Range(1, 2000).Select(i => $"public class C{i} : C{i - 1} {{ public int V{i} {{ get; set; }} }}"));

        Assert.Null(ProblemOf(chain + " public class Holder { public C2000 F = default!; }", "F"));
    }

    [Fact]
    public void A_wide_shape_is_bounded_in_work()
    {
        // Every type has 30 members of distinct generic constructions: the walk stops at its type budget.
        string wide = "public class G<T> { " +
            string.Join(" ", Enumerable.Range(0, 30).Select(i => $"public G<(T, int{new string('?', i % 2)}, T[])>? M{i} {{ get; set; }}")) + " }";

        var watch = System.Diagnostics.Stopwatch.StartNew();
        string? problem = ProblemOf(wide + " public class Holder { public G<int> F = default!; }", "F");

        Assert.NotNull(problem);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(20), $"took {watch.Elapsed}");
    }
}
