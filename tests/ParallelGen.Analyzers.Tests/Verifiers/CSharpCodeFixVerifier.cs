using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp.Testing;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Testing;

namespace ParallelGen.Analyzers.Tests.Verifiers;

/// <summary>Checks an analyzer's diagnostics on markup source and the source its code fix (and Fix All) produces.</summary>
internal static class CSharpCodeFixVerifier<TAnalyzer, TCodeFix>
    where TAnalyzer : DiagnosticAnalyzer, new()
    where TCodeFix : CodeFixProvider, new()
{
    /// <summary>Checks only the diagnostics (no fix is applied).</summary>
    public static Task VerifyAnalyzerAsync(string source, params DiagnosticResult[] expected) =>
        CSharpAnalyzerVerifier<TAnalyzer>.VerifyAnalyzerAsync(source, expected);

    public static Task VerifyCodeFixAsync(string source, string fixedSource, params DiagnosticResult[] expected)
    {
        var test = new Test { TestCode = source, FixedCode = fixedSource };
        test.ExpectedDiagnostics.AddRange(expected);
        return test.RunAsync(CancellationToken.None);
    }

    /// <summary>Checks that the diagnostics are reported but no fix is offered (the source stays as it is).</summary>
    public static Task VerifyNoCodeFixAsync(string source, params DiagnosticResult[] expected) =>
        VerifyCodeFixAsync(source, source, expected);

    public sealed class Test : CSharpCodeFixTest<TAnalyzer, TCodeFix, DefaultVerifier>
    {
        public Test()
        {
            ReferenceAssemblies = TestReferences.None;
            TestReferences.Apply(TestState);
        }
    }
}
