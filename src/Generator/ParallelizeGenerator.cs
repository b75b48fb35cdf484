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

        context.RegisterSourceOutput(methods, static (spc, method) =>
            spc.AddSource(method.HintName, SourceEmitter.Emit(method)));
    }
}
