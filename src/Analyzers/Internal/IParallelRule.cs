using System.Collections.Generic;
using Microsoft.CodeAnalysis;

namespace ParallelGen.Analyzers.Internal;

/// <summary>What a rule looks at in parallel code; <see cref="ParallelCodeEngine"/> finds the parallel code.</summary>
internal interface IParallelRule
{
    /// <summary>Whether lambdas and method groups passed to parallel APIs (Parallel.For, PLINQ, ...) are analyzed.</summary>
    bool AnalyzesParallelApiCalls { get; }

    /// <summary>
    /// Whether a walk stops at a nested parallel API call's delegates (they are analyzed as bodies of their own, with
    /// the enclosing body's locals counted as shared).
    /// </summary>
    bool SkipsNestedParallelBodies { get; }

    /// <summary>Whether the body of this <c>[Parallelize]</c> method is analyzed.</summary>
    bool AppliesTo(IMethodSymbol method, AttributeData parallelizeAttribute);

    /// <summary>Inspects one operation of a parallel body (every operation of the body is passed in turn).</summary>
    void AnalyzeOperation(IOperation operation, in BodyContext context, List<Finding> findings);

    /// <summary>The last message argument: where the problem is (<paramref name="callee"/> is null for the body itself).</summary>
    string DescribePlace(DiagnosticDescriptor descriptor, string? callee);
}

/// <summary>Where an operation sits: which parallel body, and whether inside a <c>lock</c>.</summary>
internal readonly struct BodyContext
{
    public BodyContext(ISymbol root, bool inLock, KnownSymbols known)
    {
        Root = root;
        InLock = inLock;
        Known = known;
    }

    /// <summary>The body's symbol; locals and parameters declared within it are per-iteration.</summary>
    public ISymbol Root { get; }

    /// <summary>The operation is inside a <c>lock</c> statement of the body.</summary>
    public bool InLock { get; }

    public KnownSymbols Known { get; }

    /// <summary>Classifies a reference as seen from this body (see <see cref="SharedState.Classify"/>).</summary>
    public Sharing Classify(IOperation? reference, out ISymbol? symbol, bool asReceiver = false) => SharedState.Classify(reference, Root, Known, out symbol, asReceiver);
}
