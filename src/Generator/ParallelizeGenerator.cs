using System;
using System.Linq;
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
        IncrementalValuesProvider<MethodToGenerate> methods = context.SyntaxProvider
            .ForAttributeWithMetadataName(
                ParallelizeTargetRules.AttributeMetadataName,
                predicate: static (node, _) => node is MethodDeclarationSyntax,
                transform: static (ctx, ct) => MethodParser.Parse(ctx, ct))
            .WithTrackingName(TrackingNames.Methods)
            .Where(static m => m is not null)
            .Select(static (m, _) => m!.Value)
            .WithTrackingName(TrackingNames.ValidMethods);

        // Collected only to drop duplicate declarations (already a compile error, CS0111), which would produce two files
        // with one hint name and make the generator throw; then one output per method, so that editing one method
        // leaves every other method's output cached.
        IncrementalValuesProvider<MethodToGenerate> unique = methods.Collect()
            .SelectMany(static (all, _) => all.GroupBy(static m => m.HintName, StringComparer.Ordinal).Select(static g => g.First()))
            .WithTrackingName(TrackingNames.AllMethods);

        context.RegisterSourceOutput(unique, static (spc, method) => spc.AddSource(method.HintName, SourceEmitter.Emit(method)));
    }
}
