using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using ParallelGen.Generator.Emit;
using ParallelGen.Generator.Model;
using ParallelGen.Generator.Parsing;
using ParallelGen.Shared;

namespace ParallelGen.Generator;

/// <summary>
/// Adds <c>NameParallel</c> and <c>NameParallelAsync</c> methods next to every <c>[Parallelize]</c> method.
/// Parse (<see cref="MethodParser"/>) → model (<see cref="MethodToGenerate"/>) → emit (<see cref="SourceEmitter"/>).
/// Invalid targets are skipped here and reported as PG0005 by the ParallelGen analyzers.
/// </summary>
[Generator(LanguageNames.CSharp)]
public sealed class ParallelizeGenerator : IIncrementalGenerator
{
    /// <inheritdoc/>
    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        // The whole pipeline is one ForAttributeWithMetadataName node and its output: in a project without any
        // [Parallelize] method (most projects that reference ParallelGen transitively) the only work is the
        // compiler's shared attribute-name check on each syntax tree. The model is a reference type, so the
        // pipeline's generic nodes run code the compiler already has (see docs/benchmarks/analyzers.md).
        IncrementalValuesProvider<MethodToGenerate?> methods = context.SyntaxProvider
            .ForAttributeWithMetadataName(
                ParallelizeTargetRules.AttributeMetadataName,
                predicate: static (node, _) => node is MethodDeclarationSyntax,
                transform: static (ctx, ct) => MethodParser.Parse(ctx, ct))
            .WithTrackingName(TrackingNames.Methods);

        // Invalid targets parse to null (PG0005 reports them); one output per method, so that editing one method
        // leaves every other method's output cached.
        context.RegisterSourceOutput(methods, static (spc, method) =>
        {
            if (method is not null)
            {
                spc.AddSource(method.HintName, SourceEmitter.Emit(method));
            }
        });

        // One worker entry per assembly with remote methods (WorkerEntryEmitter): how a Native AOT worker starts.
        // Only the registration calls and the assembly name feed it, so editing a method's body leaves it cached.
        IncrementalValueProvider<System.Collections.Immutable.ImmutableArray<string>> registrations = methods
            .Where(static m => m is not null && m.Backend.IsRemote)
            .Select(static (m, _) => WorkerEntryEmitter.RegistrationCall(m!))
            .Collect();
        IncrementalValueProvider<string?> assemblyName = context.CompilationProvider.Select(static (c, _) => c.AssemblyName);
        context.RegisterSourceOutput(registrations.Combine(assemblyName), static (spc, entry) =>
        {
            if (!entry.Left.IsEmpty)
            {
                spc.AddSource(WorkerEntryEmitter.HintName, WorkerEntryEmitter.Emit(entry.Right, entry.Left));
            }
        });
    }
}
