using Microsoft.CodeAnalysis;

namespace ParallelGen.Generator.Tests;

/// <summary>The generator asks one question of the backend, "is it remote?", so another remote value (Backend.Cluster) is handled like Backend.Processes with no backend-specific code.</summary>
public class RemoteBackendKindTests
{
    [Fact]
    public void A_remote_backend_value_gets_a_remote_identity_and_worker_registration()
    {
        var (result, _, diagnostics) = GeneratorHarness.Run("""
            using ParallelGen;
            namespace Demo;
            /// <summary>Work.</summary>
            public static partial class Work
            {
                /// <summary>Squares.</summary>
                [Parallelize(Backend = Backend.Cluster)]
                public static int Square(int x) => x * x;

                /// <summary>Cubes.</summary>
                [Parallelize]
                public static int Cube(int x) => x * x * x;
            }
            """);

        Assert.Empty(diagnostics.Problems());
        string square = result.GeneratedSources.Single(s => s.HintName.Contains("Square", StringComparison.Ordinal)).SourceText.ToString();
        string cube = result.GeneratedSources.Single(s => s.HintName.Contains("Cube", StringComparison.Ordinal)).SourceText.ToString();
        Assert.Contains("global::ParallelGen.Backend.Cluster", square);
        Assert.Contains("outside this process (Backend.Cluster)", square);
        Assert.Contains("global::ParallelGen.Generated.IRemoteBody", square);
        Assert.DoesNotContain("global::ParallelGen.Generated.IRemoteBody", cube);
        Assert.Contains("\"M:Demo.Work.Square(System.Int32)\"", square);
        Assert.Contains("ModuleInitializer", square);
        Assert.DoesNotContain("ModuleInitializer", cube);
    }
}
