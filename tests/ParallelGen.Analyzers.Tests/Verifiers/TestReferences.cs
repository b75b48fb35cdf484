using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Testing;

namespace ParallelGen.Analyzers.Tests.Verifiers;

/// <summary>
/// Offline references for test compilations: the .NET 10 reference assemblies embedded in
/// Basic.Reference.Assemblies.Net100 (no package download) plus the ParallelGen runtime assembly.
/// </summary>
internal static class TestReferences
{
    /// <summary>A framework with no reference-assembly package, so the testing library downloads nothing.</summary>
    public static readonly ReferenceAssemblies None = new("net10.0");

    public static readonly MetadataReference Runtime = MetadataReference.CreateFromFile(typeof(ParallelGen.ParallelizeAttribute).Assembly.Location);

    public static void Apply(SolutionState state)
    {
        state.AdditionalReferences.AddRange(Basic.Reference.Assemblies.Net100.References.All);
        state.AdditionalReferences.Add(Runtime);
    }
}
