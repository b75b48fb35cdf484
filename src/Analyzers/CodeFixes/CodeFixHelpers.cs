using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Editing;
using Microsoft.CodeAnalysis.Formatting;
using Microsoft.CodeAnalysis.Simplification;

namespace ParallelGen.CodeFixes;

internal static class CodeFixHelpers
{
    /// <summary>The property the analyzers set on a diagnostic reported at a call for a problem inside the callee.</summary>
    public const string CalleeProperty = "Callee";

    /// <summary>
    /// A fully qualified, simplifiable reference to <paramref name="type"/>: after <see cref="FinishAsync"/> it reads
    /// <c>Interlocked</c> with a <c>using System.Threading;</c> added when the file lacks one.
    /// </summary>
    public static SyntaxNode TypeReference(SyntaxGenerator generator, ITypeSymbol type) =>
        generator.TypeExpression(type).WithAdditionalAnnotations(Simplifier.Annotation, Simplifier.AddImportsAnnotation);

    /// <summary>Adds the usings the new nodes need, simplifies their names and formats them.</summary>
    public static async Task<Document> FinishAsync(Document document, CancellationToken cancellationToken)
    {
        document = await ImportAdder.AddImportsAsync(document, Simplifier.AddImportsAnnotation, cancellationToken: cancellationToken).ConfigureAwait(false);
        document = await Simplifier.ReduceAsync(document, Simplifier.Annotation, cancellationToken: cancellationToken).ConfigureAwait(false);
        return await Formatter.FormatAsync(document, Formatter.Annotation, cancellationToken: cancellationToken).ConfigureAwait(false);
    }
}
