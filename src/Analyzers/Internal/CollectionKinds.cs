using Microsoft.CodeAnalysis;

namespace ParallelGen.Analyzers.Internal;

/// <summary>The non-thread-safe collections PG0004 knows, and their concurrent replacements.</summary>
internal enum CollectionKind
{
    None,
    List,
    Dictionary,
    HashSet,
    Queue,
    Stack,
    Other,
}

internal static class CollectionKinds
{
    /// <summary>Classifies <paramref name="type"/> (a constructed or open collection type).</summary>
    public static CollectionKind Classify(ITypeSymbol? type)
    {
        if (type is not INamedTypeSymbol named)
        {
            return CollectionKind.None;
        }

        INamespaceSymbol? ns = named.ContainingNamespace;
        if (ns is null || ns.Name != "Generic" && ns.Name != "Collections")
        {
            return CollectionKind.None;
        }

        // Compares the namespace's names (System.Collections[.Generic] in the global namespace) instead of formatting it.
        string name = named.MetadataName;
        if (ns.Name == "Generic" && ns.ContainingNamespace is { Name: "Collections" } collections && IsSystem(collections.ContainingNamespace))
        {
            return name switch
            {
                "List`1" => CollectionKind.List,
                "Dictionary`2" => CollectionKind.Dictionary,
                "HashSet`1" => CollectionKind.HashSet,
                "Queue`1" => CollectionKind.Queue,
                "Stack`1" => CollectionKind.Stack,
                "SortedSet`1" or "SortedDictionary`2" or "SortedList`2" or "LinkedList`1" or "PriorityQueue`2" => CollectionKind.Other,
                _ => CollectionKind.None,
            };
        }

        if (ns.Name == "Collections" && IsSystem(ns.ContainingNamespace))
        {
            return name is "ArrayList" or "Hashtable" or "Queue" or "Stack" or "SortedList" ? CollectionKind.Other : CollectionKind.None;
        }

        return CollectionKind.None;
    }

    private static bool IsSystem(INamespaceSymbol? ns) =>
        ns is { Name: "System", ContainingNamespace.IsGlobalNamespace: true };

    /// <summary>Whether calling <paramref name="method"/> on such a collection changes it.</summary>
    public static bool IsMutator(string method) => method switch
    {
        "Add" or "AddRange" or "TryAdd" or "Insert" or "InsertRange" or "Remove" or "RemoveAt" or "RemoveAll" or "RemoveRange" or
        "RemoveWhere" or "Clear" or "Enqueue" or "EnqueueRange" or "Dequeue" or "TryDequeue" or "EnqueueDequeue" or "DequeueEnqueue" or
        "Push" or "Pop" or "TryPop" or "Sort" or "Reverse" or "UnionWith" or "IntersectWith" or "ExceptWith" or "SymmetricExceptWith" or
        "AddFirst" or "AddLast" or "AddBefore" or "AddAfter" or "RemoveFirst" or "RemoveLast" or "TrimExcess" or "EnsureCapacity" or
        "SetByIndex" => true,
        _ => false,
    };

    /// <summary>Whether a set indexer of this kind of collection can add an entry (dictionaries do; lists only overwrite a slot).</summary>
    public static bool IndexerSetMutates(ITypeSymbol? type) =>
        type is INamedTypeSymbol named &&
        Classify(named) != CollectionKind.None &&
        named.MetadataName is "Dictionary`2" or "SortedDictionary`2" or "SortedList`2" or "Hashtable" or "SortedList";

    /// <summary>The replacement named in the message, e.g. "ConcurrentBag&lt;int&gt;".</summary>
    public static string DescribeReplacement(INamedTypeSymbol type)
    {
        string Args() => string.Join(", ", System.Linq.Enumerable.Select(type.TypeArguments, t => t.ToDisplayString(SymbolDisplayFormat.MinimallyQualifiedFormat)));
        return Classify(type) switch
        {
            CollectionKind.List => $"ConcurrentBag<{Args()}>",
            CollectionKind.Dictionary => $"ConcurrentDictionary<{Args()}>",
            CollectionKind.HashSet => $"ConcurrentDictionary<{Args()}, byte>",
            CollectionKind.Queue => $"ConcurrentQueue<{Args()}>",
            CollectionKind.Stack => $"ConcurrentStack<{Args()}>",
            _ => "a lock around every access to it",
        };
    }
}
