using Microsoft.CodeAnalysis.Testing;
using ParallelGen.Shared;
using ProcessVerify = ParallelGen.Analyzers.Tests.Verifiers.CSharpAnalyzerVerifier<ParallelGen.Analyzers.ProcessBackendAnalyzer>;
using UsageVerify = ParallelGen.Analyzers.Tests.Verifiers.CSharpAnalyzerVerifier<ParallelGen.Analyzers.ParallelizeUsageAnalyzer>;

namespace ParallelGen.Analyzers.Tests;

/// <summary>
/// PG0005's remote requirements, PG0006 and PG0007 gate on <see cref="BackendKind.IsRemote"/>, not on the value of
/// Backend.Processes: a backend value the analyzers do not name (a cluster backend added later) gets the same checks.
/// </summary>
public class RemoteBackendKindTests
{
    [Fact]
    public void Only_threads_run_in_the_callers_process()
    {
        Assert.False(BackendKind.Threads.IsRemote);
        Assert.True(BackendKind.Processes.IsRemote);
        Assert.True(BackendKind.FromValue(7).IsRemote);
        Assert.Equal(BackendKind.Processes, BackendKind.FromValue(1));
        Assert.Equal("(Backend)7", BackendKind.FromValue(7).DisplayName);
        Assert.Equal("Backend.Cluster", BackendKind.FromValue(2).DisplayName);
        Assert.Equal("global::ParallelGen.Backend.Cluster", BackendKind.FromValue(2).Expression);
        Assert.Equal("global::ParallelGen.Backend.Processes", BackendKind.Processes.Expression);
    }

    [Fact]
    public Task Another_remote_backend_value_gets_the_serialization_and_static_state_checks() => ProcessVerify.VerifyAnalyzerAsync(TestSources.Usings + """
        using System.IO;

        public static partial class Work
        {
            static int s_calls;

            [Parallelize(Backend = Backend.Cluster)]
            public static int Read(Stream {|#0:input|}) => {|#1:s_calls|}++;

            [Parallelize(Backend = Backend.Threads)]
            public static int Local(Stream input) => s_calls++;
        }
        """,
        new DiagnosticResult(DiagnosticDescriptors.NotSerializable).WithLocation(0)
            .WithArguments("Parameter 'input'", "Stream", "a stream is a live handle to a file, socket or buffer"),
        new DiagnosticResult(DiagnosticDescriptors.ProcessStaticState).WithLocation(1)
            .WithArguments("Work.s_calls", "writes to it are not seen by the caller or other workers", ""));

    [Fact]
    public Task Another_remote_backend_value_gets_the_remote_target_rules() => UsageVerify.VerifyAnalyzerAsync(TestSources.Usings + """
        public partial class Work
        {
            [Parallelize(Backend = Backend.Cluster)]
            public int {|#0:Square|}(int x) => x * x;
        }
        """,
        new DiagnosticResult(DiagnosticDescriptors.InvalidParallelizeTarget).WithLocation(0)
            .WithArguments("Square", "Backend.Cluster runs the method in another process, which has no instance to call it on; make the method static"));
}
