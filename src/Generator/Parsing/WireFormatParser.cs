using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using ParallelGen.Generator.Model;
using ParallelGen.Shared;

namespace ParallelGen.Generator.Parsing;

/// <summary>
/// The type graph of a remote method (<see cref="WireFormats"/>): its item type, its result type and every type reachable
/// from them, each classified by <see cref="WireShape"/>. Null when PG0006 (<see cref="Serializability"/>) rejects a
/// type: then no formatters are generated and the method's types go to MessagePack's resolver (the error is reported).
/// </summary>
internal static class WireFormatParser
{
    private static readonly SymbolDisplayFormat s_typeFormat = SymbolDisplayFormat.FullyQualifiedFormat;

    public static WireFormats? Parse(IMethodSymbol method, CancellationToken cancellationToken)
    {
        ImmutableArray<IParameterSymbol> parameters = TargetShape.ItemParameters(method);
        ITypeSymbol? result = method.ReturnsVoid ? null : method.ReturnType;
        if (result is not null && TargetShape.IsAwaitable(result, out INamedTypeSymbol task))
        {
            result = task.TypeArguments.Length == 0 ? null : task.TypeArguments[0];
        }

        return Parse(parameters.Select(p => p.Type).ToImmutableArray(), result, cancellationToken);
    }

    /// <summary>
    /// The type graph of a call whose items are <paramref name="itemTypes"/> (none: the item is an <c>int</c>; one: that
    /// type; several: their tuple) and whose result is <paramref name="result"/> (null: none); null when PG0006 rejects one.
    /// </summary>
    public static WireFormats? Parse(ImmutableArray<ITypeSymbol> itemTypes, ITypeSymbol? result, CancellationToken cancellationToken)
    {
        var serializability = new Serializability();
        if (itemTypes.Any(t => serializability.GetProblem(t) is not null) ||
            (result is not null && serializability.GetProblem(result) is not null))
        {
            return null;
        }

        var graph = new Graph(cancellationToken);
        int item = itemTypes.Length switch
        {
            0 => graph.AddSynthetic(new WireNode(WireKind.Primitive, "int", true, "Int32", default, default, 0, null)),
            1 => graph.Add(itemTypes[0]),
            _ => graph.AddSynthetic(new WireNode(
                WireKind.Tuple,
                "(" + string.Join(", ", itemTypes.Select(t => t.ToDisplayString(s_typeFormat))) + ")",
                true,
                null,
                new EquatableArray<int>(itemTypes.Select(t => graph.Add(t)).ToArray()),
                default,
                0,
                "literal")),
        };
        int resultNode = result is null ? -1 : graph.Add(result);
        return graph.Finish() is { } nodes ? new WireFormats(item, resultNode, nodes) : null;
    }

    /// <summary>The nodes, added breadth first: a type is numbered before its inner types are looked at, so cycles close.</summary>
    private sealed class Graph(CancellationToken cancellationToken)
    {
        private readonly Dictionary<ITypeSymbol, int> _ids = new(SymbolEqualityComparer.Default);
        private readonly List<WireNode?> _nodes = [];
        private readonly Queue<(ITypeSymbol Type, int Id)> _pending = new();

        internal int AddSynthetic(WireNode node)
        {
            _nodes.Add(node);
            return _nodes.Count - 1;
        }

        internal int Add(ITypeSymbol type)
        {
            if (_ids.TryGetValue(type, out int id))
            {
                return id;
            }

            id = _nodes.Count;
            _ids.Add(type, id);
            _nodes.Add(null);
            _pending.Enqueue((type, id));
            return id;
        }

        /// <summary>The nodes, or null when the graph is larger than PG0006 lets through (it never is).</summary>
        internal EquatableArray<WireNode>? Finish()
        {
            while (_pending.Count > 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (_nodes.Count > Serializability.MaxTypes)
                {
                    return null;
                }

                (ITypeSymbol type, int id) = _pending.Dequeue();
                _nodes[id] = Build(type);
            }

            return new EquatableArray<WireNode>(_nodes.Select(n => n!.Value).ToArray());
        }

        private WireNode Build(ITypeSymbol type)
        {
            WireKind kind = WireShape.Classify(type);
            string name = type.ToDisplayString(s_typeFormat);
            bool valueType = type.IsValueType;
            var named = type as INamedTypeSymbol;
            switch (kind)
            {
                case WireKind.Primitive:
                    return Node(kind, name, valueType, WireShape.PrimitiveName(type));
                case WireKind.Enum:
                    return Node(kind, name, valueType, named!.EnumUnderlyingType is { } underlying ? WireShape.PrimitiveName(underlying) : "Int32");
                case WireKind.BlittableArray:
                    return Node(kind, name, valueType, ((IArrayTypeSymbol)type).ElementType.ToDisplayString(s_typeFormat));
                case WireKind.Array:
                    return Node(kind, name, valueType, null, Add(((IArrayTypeSymbol)type).ElementType));
                case WireKind.Nullable:
                    return Node(kind, name, valueType, null, Add(named!.TypeArguments[0]));
                case WireKind.List:
                case WireKind.Set:
                {
                    string element = named!.TypeArguments[0].ToDisplayString(s_typeFormat);
                    string concrete = kind == WireKind.List
                        ? $"global::System.Collections.Generic.List<{element}>"
                        : $"global::System.Collections.Generic.HashSet<{element}>";
                    return Node(kind, name, valueType, null, Add(named.TypeArguments[0])) with
                    {
                        Construction = concrete,
                        Materialize = named.MetadataName == "IEnumerable`1",
                    };
                }

                case WireKind.Dictionary:
                {
                    string key = named!.TypeArguments[0].ToDisplayString(s_typeFormat);
                    string value = named.TypeArguments[1].ToDisplayString(s_typeFormat);
                    return Node(kind, name, valueType, null, Add(named.TypeArguments[0]), Add(named.TypeArguments[1])) with
                    {
                        Construction = $"global::System.Collections.Generic.Dictionary<{key}, {value}>",
                    };
                }

                case WireKind.Tuple:
                {
                    ITypeSymbol[] elements = named!.IsTupleType
                        ? named.TupleElements.Select(e => e.Type).ToArray()
                        : named.TypeArguments.ToArray();
                    return Node(kind, name, valueType, null, elements.Select(Add).ToArray()) with
                    {
                        Construction = named.IsTupleType && elements.Length > 1 ? "literal" : named.MetadataName == "KeyValuePair`2" ? "kvp" : "new",
                    };
                }

                case WireKind.Object:
                    return ObjectNode(named!, name);
                default:
                    return Node(WireKind.Resolver, name, valueType, null);
            }
        }

        private static WireNode Node(WireKind kind, string type, bool valueType, string? primitive, params int[] children) =>
            new(kind, type, valueType, primitive, new EquatableArray<int>(children), default, 0, null);

        /// <summary>
        /// A record, class or struct: its public instance fields and properties (its own, then its base types'), those
        /// that can be set again: through the constructor the reader calls (the public one with the most parameters,
        /// each named like a member of its type), a public setter or <c>init</c>, or a writable field. What none can
        /// set (a computed property) holds no state of its own and does not cross; PG0006 reports state that would be lost.
        /// </summary>
        private WireNode ObjectNode(INamedTypeSymbol type, string name)
        {
            var candidates = new List<(ISymbol Member, ITypeSymbol Type, bool Settable, bool Required)>();
            var seen = new HashSet<string>(StringComparer.Ordinal);
            for (INamedTypeSymbol? t = type;
                 t is { SpecialType: not SpecialType.System_Object and not SpecialType.System_ValueType };
                 t = t.BaseType)
            {
                foreach (ISymbol member in t.GetMembers())
                {
                    if (member.IsStatic || member.DeclaredAccessibility != Accessibility.Public || member.IsImplicitlyDeclared ||
                        !seen.Add(member.Name))
                    {
                        continue;
                    }

                    switch (member)
                    {
                        case IFieldSymbol { IsConst: false } field:
                            candidates.Add((field, field.Type, !field.IsReadOnly, field.IsRequired));
                            break;
                        case IPropertySymbol { IsIndexer: false, RefKind: RefKind.None, GetMethod.DeclaredAccessibility: Accessibility.Public } property:
                            candidates.Add((property, property.Type, property.SetMethod?.DeclaredAccessibility == Accessibility.Public, property.IsRequired));
                            break;
                    }
                }
            }

            IMethodSymbol? constructor = WireShape.ChooseConstructor(type);
            if (constructor is null && !type.IsValueType)
            {
                // No way to create it (PG0006 reports this for types in source): MessagePack's resolver gets it.
                return Node(WireKind.Resolver, name, false, null);
            }

            var members = new List<WireMember>();
            foreach ((ISymbol member, ITypeSymbol memberType, bool settable, bool required) in candidates)
            {
                int position = -1;
                for (int i = 0; constructor is not null && i < constructor.Parameters.Length && position < 0; i++)
                {
                    if (string.Equals(constructor.Parameters[i].Name, member.Name, StringComparison.OrdinalIgnoreCase) &&
                        SymbolEqualityComparer.Default.Equals(constructor.Parameters[i].Type, memberType))
                    {
                        position = i;
                    }
                }

                if (position < 0 && !settable)
                {
                    continue; // nothing can set it: computed, or lost (PG0006 says so for types in source)
                }

                members.Add(new WireMember(Escape(member.Name), Add(memberType), position, required, settable));
            }

            return new WireNode(
                WireKind.Object, name, type.IsValueType, null, default, new EquatableArray<WireMember>(members.ToArray()),
                constructor?.Parameters.Length ?? 0, constructor is null ? "default" : "new");
        }

        private static string Escape(string name) =>
            SyntaxFacts.GetKeywordKind(name) != SyntaxKind.None ? "@" + name : name;
    }
}
