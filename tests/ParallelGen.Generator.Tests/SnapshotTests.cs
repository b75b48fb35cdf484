using System.Runtime.CompilerServices;

namespace ParallelGen.Generator.Tests;

/// <summary>
/// Compares generated source with committed files under Snapshots/. After an intended change to the output, run the
/// tests with PARALLELGEN_UPDATE_SNAPSHOTS=1 to rewrite the files, and review the diff before committing.
/// </summary>
public class SnapshotTests
{
    [Fact]
    public void Static_single_parameter() => Verify("""
        using ParallelGen;
        using System.Threading;
        namespace Demo;
        public static partial class Work
        {
            [Parallelize(Jobs = 8)]
            public static int Square(int x) { Thread.Sleep(1000); return x * x; }
        }
        """);

    [Fact]
    public void Several_parameters_void_with_batch_size() => Verify("""
        using ParallelGen;
        namespace Demo.Deep.Names;
        internal static partial class Logger
        {
            [Parallelize(Jobs = -2, BatchSize = 16)]
            internal static void Write(string path, int line, string? text) { }
        }
        """);

    [Fact]
    public void Async_method_with_cancellation_token() => Verify("""
        using ParallelGen;
        using System.Threading;
        using System.Threading.Tasks;
        namespace Demo;
        public partial class Client
        {
            [Parallelize(Jobs = 4)]
            public async Task<string> FetchAsync(System.Uri uri, CancellationToken cancellationToken)
            {
                await Task.Delay(1, cancellationToken);
                return uri.Host;
            }
        }
        """);

    [Fact]
    public void Instance_method_in_nested_generic_record() => Verify("""
        using ParallelGen;
        using System.Collections.Generic;
        namespace Demo;
        public partial class Outer<TKey> where TKey : notnull
        {
            protected partial record Inner(int Seed)
            {
                [Parallelize]
                protected Dictionary<TKey, int> Count(IReadOnlyList<TKey> keys) => new();
            }
        }
        """);

    [Fact]
    public void Global_namespace_parameterless_ValueTask() => Verify("""
        using ParallelGen;
        using System.Threading.Tasks;
        public partial struct Sampler
        {
            [Parallelize(Jobs = 1)]
            public static ValueTask PingAsync() => default;
        }
        """);

    [Fact]
    public void Keyword_and_reserved_parameter_names() => Verify("""
        using ParallelGen;
        namespace Demo;
        partial class Names
        {
            [Parallelize]
            private static int Mix(int @class, string Rest) => @class + Rest.Length;
        }
        """);

    [Fact]
    public void Process_backend_methods_register_themselves() => Verify("""
        using ParallelGen;
        using System.Threading.Tasks;
        namespace Demo;
        public static partial class Remote
        {
            [Parallelize(Jobs = 4, Backend = Backend.Processes)]
            public static double Simulate(int seed, int steps) => seed * steps;

            [Parallelize(Backend = Backend.Processes)]
            internal static Task<string> FetchAsync(string key, System.Threading.CancellationToken cancellationToken) => Task.FromResult(key);
        }
        """, expectedFiles: 3); // both methods, and the assembly's worker entry (.3) that registers them in a Native AOT worker

    internal static void Verify(string source, int expectedFiles = 1, [CallerMemberName] string name = "", [CallerFilePath] string testFile = "")
    {
        var (result, _, diagnostics) = GeneratorHarness.Run(source);
        Assert.Empty(diagnostics.Problems().Select(d => d.ToString()));
        Assert.Null(result.Exception);
        Assert.Equal(expectedFiles, result.GeneratedSources.Length);

        var ordered = result.GeneratedSources.OrderBy(g => g.HintName, StringComparer.Ordinal).ToList();
        for (int i = 0; i < ordered.Count; i++)
        {
            string suffix = expectedFiles == 1 ? "" : "." + (i + 1).ToString(System.Globalization.CultureInfo.InvariantCulture);
            string snapshotPath = Path.Combine(Path.GetDirectoryName(testFile)!, "Snapshots", name + suffix + ".g.cs");
            string actual = ordered[i].SourceText.ToString();
            if (Environment.GetEnvironmentVariable("PARALLELGEN_UPDATE_SNAPSHOTS") == "1")
            {
                File.WriteAllText(snapshotPath, actual);
            }

            Assert.True(File.Exists(snapshotPath), $"No snapshot at {snapshotPath}; run with PARALLELGEN_UPDATE_SNAPSHOTS=1 to create it.");
            string expected = File.ReadAllText(snapshotPath).ReplaceLineEndings("\n");
            Assert.Equal(expected, actual.ReplaceLineEndings("\n"));
        }
    }
}
