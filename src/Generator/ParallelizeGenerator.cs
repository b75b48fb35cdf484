using System;
using System.Collections.Generic;
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

        // Collected so that duplicate declarations (already a compile error, CS0111) cannot produce two files with
        // one hint name, which would make the generator throw.
        context.RegisterSourceOutput(methods.Collect().WithTrackingName(TrackingNames.AllMethods), static (spc, all) =>
        {
            var emitted = new HashSet<string>(StringComparer.Ordinal);
            foreach (MethodToGenerate method in all)
            {
                if (emitted.Add(method.HintName))
                {
                    spc.AddSource(method.HintName, SourceEmitter.Emit(method));
                }
            }

            var processMethods = all.Where(m => m.Backend.IsRemote).GroupBy(m => m.HintName).Select(g => g.First()).ToList();
            if (processMethods.Count > 0)
            {
                spc.AddSource("ParallelGen.ProcessRegistry.g.cs", SourceEmitter.EmitProcessRegistry(processMethods));
            }
        });
    }
}
