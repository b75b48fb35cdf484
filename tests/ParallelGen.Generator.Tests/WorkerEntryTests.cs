using Microsoft.CodeAnalysis;

namespace ParallelGen.Generator.Tests;

/// <summary>
/// The assembly's worker entry (issue 13 §2): one module initializer per assembly with remote methods, which makes a
/// Native AOT worker process a worker before Main runs.
/// </summary>
public class WorkerEntryTests
{
    private const string EntryHint = "ParallelGen.WorkerEntry.g.cs";

    [Fact]
    public void Thread_methods_alone_get_no_worker_entry()
    {
        var (result, _, diagnostics) = GeneratorHarness.Run(
            "using ParallelGen; public static partial class Work { [Parallelize] public static int Square(int x) => x * x; }");
        Assert.Empty(diagnostics.Problems().Select(d => d.ToString()));
        Assert.DoesNotContain(result.GeneratedSources, s => s.HintName == EntryHint);
    }

    [Fact]
    public void One_entry_registers_every_remote_method_of_the_assembly_then_serves()
    {
        var (result, _, diagnostics) = GeneratorHarness.Run(
            """
            using ParallelGen;
            namespace A { public static partial class One { [Parallelize(Backend = Backend.Processes)] public static int F(int x) => x; [Parallelize] public static int Local(int x) => x; } }
            namespace B.C { internal static partial class Two { [Parallelize(Backend = Backend.Processes)] internal static void G(string s) { } } }
            public static partial class Three { public static partial class Nested { [Parallelize(Backend = Backend.Processes)] public static long H(long x) => x; } }
            """);
        Assert.Empty(diagnostics.Problems().Select(d => d.ToString()));
        string entry = Assert.Single(result.GeneratedSources, s => s.HintName == EntryHint).SourceText.ToString();

        Assert.Contains("[global::System.Runtime.CompilerServices.ModuleInitializer]", entry, StringComparison.Ordinal);
        Assert.Contains("IsWorkerStartFor(\"GeneratorTests\")", entry, StringComparison.Ordinal);
        string[] registrations = entry.Split('\n').Select(l => l.Trim()).Where(l => l.EndsWith("_Register();", StringComparison.Ordinal)).ToArray();
        Assert.Equal(3, registrations.Length); // the thread method Local is not registered
        Assert.Contains(registrations, r => r.StartsWith("global::A.One.__ParallelGen_F_", StringComparison.Ordinal));
        Assert.Contains(registrations, r => r.StartsWith("global::B.C.Two.__ParallelGen_G_", StringComparison.Ordinal));
        Assert.Contains(registrations, r => r.StartsWith("global::Three.Nested.__ParallelGen_H_", StringComparison.Ordinal));

        // Registrations first, then the worker loop, all inside the check.
        Assert.True(entry.IndexOf("_Register();", StringComparison.Ordinal) < entry.IndexOf("RunWorker();", StringComparison.Ordinal));
        Assert.True(entry.IndexOf("IsWorkerStartFor", StringComparison.Ordinal) < entry.IndexOf("_Register();", StringComparison.Ordinal));
    }
}
