using System.Collections.Generic;
using System.Collections.Immutable;
using Microsoft.CodeAnalysis;

namespace ParallelGen.Generator.Interceptors;

/// <summary>
/// Rewrites each <c>Delayed.Call(F, …)</c>, <c>executor.Submit(F, …)</c> and <c>executor.Map(F, …)</c> call site whose
/// <c>F</c> is an internal or public static method into a call through ParallelGen.Generated.InterceptedCalls: a
/// generated body that calls <c>F</c>, registered for workers under a method id, plus the typed arguments, so the
/// call can run on a remote backend (worker processes, a cluster) with no delegate and no lookup by name.
/// On threads the interceptor makes the original call. C# interceptors (<c>[InterceptsLocation(version, data)]</c>);
/// the project opts in with <c>InterceptorsNamespaces</c> containing <c>ParallelGen.Generated</c> (the package's
/// buildTransitive targets add it); without the opt-in nothing is generated.
/// </summary>
[Generator(LanguageNames.CSharp)]
public sealed class InterceptorsGenerator : IIncrementalGenerator
{
    /// <summary>The namespace of the generated interceptors, which the project must list in InterceptorsNamespaces.</summary>
    internal const string Namespace = "ParallelGen.Generated";

    /// <inheritdoc/>
    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        IncrementalValueProvider<bool> enabled = context.ParseOptionsProvider
            .Select(static (options, _) => InterceptorsParser.OptedIn(options));

        IncrementalValuesProvider<InterceptedSite?> sites = context.SyntaxProvider
            .CreateSyntaxProvider(
                predicate: static (node, _) => InterceptorsParser.IsCandidate(node),
                transform: static (ctx, ct) => InterceptorsParser.Parse(ctx.Node, ctx.SemanticModel, ct))
            .WithTrackingName(TrackingNames.InterceptedCalls);

        IncrementalValueProvider<(ImmutableArray<InterceptedSite?> Sites, bool Enabled)> all = sites.Collect().Combine(enabled);
        context.RegisterSourceOutput(all, static (spc, input) =>
        {
            if (!input.Enabled)
            {
                return;
            }

            var found = new List<InterceptedSite>();
            foreach (InterceptedSite? site in input.Sites)
            {
                if (site is not null)
                {
                    found.Add(site);
                }
            }

            if (found.Count > 0)
            {
                spc.AddSource("ParallelGen.Interceptors.g.cs", InterceptorsEmitter.Emit(found));
            }
        });
    }
}
