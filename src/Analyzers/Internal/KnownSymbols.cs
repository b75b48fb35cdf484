using Microsoft.CodeAnalysis;

namespace ParallelGen.Analyzers.Internal;

/// <summary>
/// The framework and ParallelGen types the rules look for, resolved once per compilation. A type the compilation
/// does not reference is <see langword="null"/>, and the rules that need it simply never match.
/// </summary>
internal sealed class KnownSymbols
{
    private KnownSymbols(Compilation compilation)
    {
        Compilation = compilation;
        ParallelizeAttribute = compilation.GetTypeByMetadataName("ParallelGen.ParallelizeAttribute");
        Delayed = compilation.GetTypeByMetadataName("ParallelGen.Delayed");
        ParallelExecutor = compilation.GetTypeByMetadataName("ParallelGen.ParallelExecutor");
        Parallel = compilation.GetTypeByMetadataName("System.Threading.Tasks.Parallel");
        ParallelEnumerable = compilation.GetTypeByMetadataName("System.Linq.ParallelEnumerable");
        Random = compilation.GetTypeByMetadataName("System.Random");
        ThreadStaticAttribute = compilation.GetTypeByMetadataName("System.ThreadStaticAttribute");
        ThreadLocal = compilation.GetTypeByMetadataName("System.Threading.ThreadLocal`1");
        AsyncLocal = compilation.GetTypeByMetadataName("System.Threading.AsyncLocal`1");
    }

    public Compilation Compilation { get; }

    public INamedTypeSymbol? ParallelizeAttribute { get; }

    public INamedTypeSymbol? Delayed { get; }

    public INamedTypeSymbol? ParallelExecutor { get; }

    public INamedTypeSymbol? Parallel { get; }

    public INamedTypeSymbol? ParallelEnumerable { get; }

    public INamedTypeSymbol? Random { get; }

    public INamedTypeSymbol? ThreadStaticAttribute { get; }

    public INamedTypeSymbol? ThreadLocal { get; }

    public INamedTypeSymbol? AsyncLocal { get; }

    public static KnownSymbols Create(Compilation compilation) => new(compilation);

    /// <summary>
    /// A cheap pre-check on a containing type's name: whether it may be one of <see cref="Parallel"/>,
    /// <see cref="ParallelEnumerable"/>, <see cref="Delayed"/> or <see cref="ParallelExecutor"/> (which the caller then
    /// compares as symbols).
    /// </summary>
    public static bool MayBeParallelApiType(string typeName) =>
        typeName is "Parallel" or "ParallelEnumerable" or "Delayed" or "ParallelExecutor";

    /// <summary>Whether <paramref name="type"/> is <c>System.Random</c> or derives from it.</summary>
    public bool IsRandom(ITypeSymbol? type)
    {
        for (ITypeSymbol? t = type; t is not null && Random is not null; t = t.BaseType)
        {
            if (SymbolEqualityComparer.Default.Equals(t, Random))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Whether the compilation contains <paramref name="symbol"/>'s source (the "same assembly" of the rules).</summary>
    public bool IsInThisAssembly(ISymbol symbol) =>
        SymbolEqualityComparer.Default.Equals(symbol.ContainingAssembly, Compilation.Assembly);

    /// <summary>The <c>[Parallelize]</c> attribute of <paramref name="method"/>, if it has one.</summary>
    public AttributeData? GetParallelizeAttribute(IMethodSymbol method)
    {
        if (ParallelizeAttribute is null)
        {
            return null;
        }

        foreach (AttributeData attribute in method.GetAttributes())
        {
            if (SymbolEqualityComparer.Default.Equals(attribute.AttributeClass, ParallelizeAttribute))
            {
                return attribute;
            }
        }

        return null;
    }
}
