using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using ParallelGen.Generator.Model;
using ParallelGen.Shared;

namespace ParallelGen.Generator.Emit;

/// <summary>
/// Writes the MessagePack formatters of a remote method's types (<see cref="WireFormats"/>) as a private class next to
/// the method's body: plain code over <c>MessagePackWriter</c>/<c>MessagePackReader</c>, no reflection, no run-time
/// code generation, no type names on the wire. docs/processes.md ("What crosses") describes the format.
/// </summary>
internal static class FormatterEmitter
{
    private const string Writer = "ref global::MessagePack.MessagePackWriter writer";
    private const string Reader = "ref global::MessagePack.MessagePackReader reader";
    private const string Options = "global::MessagePack.MessagePackSerializerOptions options";
    private const string Format = "global::ParallelGen.Generated.RemoteFormat";

    /// <summary>The class holding the formatters of <paramref name="m"/>.</summary>
    internal static string ClassName(MethodToGenerate m) => m.BodyTypeName + "_Formatters";

    /// <summary>The registration's formatter arguments: <c>, items, results</c> (empty without formatters).</summary>
    internal static string RegistrationArguments(MethodToGenerate m) => RegistrationArguments(ClassName(m), m.Formats);

    /// <summary>The registration's formatter arguments for the formatters class <paramref name="className"/>.</summary>
    internal static string RegistrationArguments(string className, WireFormats? wireFormats)
    {
        if (wireFormats is not { } formats)
        {
            return "";
        }

        string items = $", {className}.F{formats.Item}.Instance";
        return formats.Result < 0 ? items : items + $", {className}.F{formats.Result}.Instance";
    }

    /// <summary>
    /// Statements for the module initializer: when a type is left to MessagePack's resolver and may hold the method's
    /// own types (<c>ImmutableArray&lt;Point&gt;</c>), the generated formatters of those types are made the resolver's.
    /// </summary>
    internal static IEnumerable<string> RegistrationStatements(MethodToGenerate m) => RegistrationStatements(ClassName(m), m.Formats);

    /// <summary><see cref="RegistrationStatements(MethodToGenerate)"/> for the formatters class <paramref name="className"/>.</summary>
    internal static IEnumerable<string> RegistrationStatements(string className, WireFormats? wireFormats)
    {
        if (wireFormats is not { } formats || !formats.Nodes.Any(n => n.Kind == WireKind.Resolver && (n.Type.Contains("<") || n.Type.Contains("["))))
        {
            yield break;
        }

        for (int i = 0; i < formats.Nodes.Count; i++)
        {
            if (formats.Nodes[i].Kind == WireKind.Object)
            {
                yield return $"{Format}.Register<{formats.Nodes[i].Type}>({className}.F{i}.Instance);";
            }
        }
    }

    public static void Emit(CodeWriter w, MethodToGenerate m, string generatedCode) =>
        Emit(w, ClassName(m), m.MethodName.TrimStart('@'), m.Formats, generatedCode);

    /// <summary>Writes the formatters class <paramref name="className"/> for the types of <paramref name="displayName"/>.</summary>
    public static void Emit(CodeWriter w, string className, string displayName, WireFormats? wireFormats, string generatedCode)
    {
        if (wireFormats is not { } formats)
        {
            return;
        }

        var resolved = formats.Nodes.Where(n => n.Kind == WireKind.Resolver).Select(n => n.Type).Distinct().ToList();
        w.Line();
        w.Line($"/// <summary>");
        w.Line($"/// The MessagePack formatters of {Xml(displayName)}'s items and results and every type inside them, written at");
        w.Line($"/// compile time: an object is an array of its members, a blittable array one binary block; no type names cross.");
        if (resolved.Count > 0)
        {
            w.Line($"/// Left to MessagePack's resolver (docs/processes.md, \"What crosses\"): {string.Join(", ", resolved.Select(t => "<c>" + Xml(t) + "</c>"))}.");
        }

        w.Line($"/// </summary>");
        w.Line(generatedCode);
        w.Line("[global::System.ComponentModel.EditorBrowsable(global::System.ComponentModel.EditorBrowsableState.Never)]");
        using (w.Block($"private static class {className}"))
        {
            // One formatter per type, whatever its nullable annotations; the types' own [Obsolete] was reported at their use.
            w.Line("#nullable disable");
            w.Line("#pragma warning disable CS0612, CS0618");
            int item = formats.Item, result = formats.Result;
            for (int i = 0; i < formats.Nodes.Count; i++)
            {
                WireNode node = formats.Nodes[i];
                bool inline = node.Kind is WireKind.Primitive or WireKind.Enum or WireKind.Resolver;
                if (!inline || i == item || i == result)
                {
                    EmitFormatter(w, formats, i);
                }
            }

            w.Line("#pragma warning restore CS0612, CS0618");
            w.Line("#nullable restore");
        }
    }

    private static void EmitFormatter(CodeWriter w, WireFormats formats, int index)
    {
        WireNode node = formats.Nodes[index];
        string name = "F" + index.ToString(CultureInfo.InvariantCulture);
        w.Line();
        w.Line($"/// <summary>{Summary(formats, node)}</summary>");
        using (w.Block($"internal sealed class {name} : global::MessagePack.Formatters.IMessagePackFormatter<{node.Type}>"))
        {
            w.Line("/// <summary>The formatter.</summary>");
            w.Line($"internal static readonly {name} Instance = new {name}();");
            w.Line();
            w.Line("/// <inheritdoc/>");
            using (w.Block($"public void Serialize({Writer}, {node.Type} value, {Options})"))
            {
                EmitSerialize(w, formats, node);
            }

            w.Line();
            w.Line("/// <inheritdoc/>");
            using (w.Block($"public {node.Type} Deserialize({Reader}, {Options})"))
            {
                EmitDeserialize(w, formats, node);
            }
        }
    }

    private static string Summary(WireFormats formats, WireNode node)
    {
        string type = $"<c>{Xml(node.Type)}</c>";
        return node.Kind switch
        {
            WireKind.Primitive => $"{type}: one MessagePack value.",
            WireKind.Enum => $"{type}: its underlying integer.",
            WireKind.Resolver => $"{type}: MessagePack's resolver.",
            WireKind.Nullable => $"{type}: nil or the value.",
            WireKind.BlittableArray => $"{type}: nil or one binary block of its raw bytes.",
            WireKind.Array or WireKind.List or WireKind.Set => $"{type}: nil or an array of its elements.",
            WireKind.Dictionary => $"{type}: nil or a map.",
            WireKind.Tuple => $"{type}: an array of its {node.Children.Count} elements.",
            _ when IsPacked(formats, node) => $"{type}: {(node.IsValueType ? "" : "nil or ")}one binary block of its {node.Members.Count} members ({Xml(string.Join(", ", node.Members.Select(mb => mb.Name)))}), packed.",
            _ => $"{type}: {(node.IsValueType ? "" : "nil or ")}an array of its {node.Members.Count} members ({Xml(string.Join(", ", node.Members.Select(mb => mb.Name)))}).",
        };
    }

    private static void EmitSerialize(CodeWriter w, WireFormats formats, WireNode node)
    {
        if (!node.IsValueType && node.Kind is not (WireKind.Primitive or WireKind.Resolver or WireKind.BlittableArray))
        {
            using (w.Block("if (value is null)"))
            {
                w.Line("writer.WriteNil();");
                w.Line("return;");
            }

            w.Line();
        }

        switch (node.Kind)
        {
            case WireKind.Primitive or WireKind.Enum or WireKind.Resolver:
                w.Line(Write(formats, node, "value"));
                break;
            case WireKind.Nullable:
                using (w.Block("if (!value.HasValue)"))
                {
                    w.Line("writer.WriteNil();");
                    w.Line("return;");
                }

                w.Line();
                w.Line(Write(formats, node.Children[0], "value.GetValueOrDefault()"));
                break;
            case WireKind.BlittableArray:
                w.Line($"{Format}.WriteBlittable<{node.Primitive}>(ref writer, value);");
                break;
            case WireKind.Array:
                w.Line("writer.WriteArrayHeader(value.Length);");
                using (w.Block("for (int i = 0; i < value.Length; i++)"))
                {
                    w.Line(Write(formats, node.Children[0], "value[i]"));
                }

                break;
            case WireKind.List or WireKind.Set:
                string items = "value";
                if (node.Materialize)
                {
                    string element = formats.Nodes[node.Children[0]].Type;
                    w.Line($"{element}[] items = global::System.Linq.Enumerable.ToArray(value);");
                    items = "items";
                    w.Line("writer.WriteArrayHeader(items.Length);");
                }
                else
                {
                    w.Line("writer.WriteArrayHeader(value.Count);");
                }

                using (w.Block($"foreach (var item in {items})"))
                {
                    w.Line(Write(formats, node.Children[0], "item"));
                }

                break;
            case WireKind.Dictionary:
                w.Line("writer.WriteMapHeader(value.Count);");
                using (w.Block("foreach (var pair in value)"))
                {
                    w.Line(Write(formats, node.Children[0], "pair.Key"));
                    w.Line(Write(formats, node.Children[1], "pair.Value"));
                }

                break;
            case WireKind.Tuple:
                w.Line($"writer.WriteArrayHeader({node.Children.Count});");
                for (int i = 0; i < node.Children.Count; i++)
                {
                    w.Line(Write(formats, node.Children[i], "value." + TupleItem(node, i)));
                }

                break;
            default:
                if (IsPacked(formats, node))
                {
                    EmitPackedWrite(w, formats, node);
                    break;
                }

                w.Line($"writer.WriteArrayHeader({node.Members.Count});");
                foreach (WireMember member in node.Members)
                {
                    w.Line(Write(formats, member.Node, "value." + member.Name));
                }

                break;
        }
    }

    private static void EmitDeserialize(CodeWriter w, WireFormats formats, WireNode node)
    {
        if ((!node.IsValueType || node.Kind == WireKind.Nullable) && node.Kind is not (WireKind.Primitive or WireKind.Resolver or WireKind.BlittableArray))
        {
            using (w.Block("if (reader.TryReadNil())"))
            {
                w.Line("return null;");
            }

            w.Line();
        }

        switch (node.Kind)
        {
            case WireKind.Primitive or WireKind.Enum or WireKind.Resolver:
                w.Line($"return {Read(formats, node)};");
                break;
            case WireKind.Nullable:
                w.Line($"return {Read(formats, node.Children[0])};");
                break;
            case WireKind.BlittableArray:
                w.Line($"return {Format}.ReadBlittable<{node.Primitive}>(ref reader);");
                break;
            case WireKind.Array:
            {
                string element = formats.Nodes[node.Children[0]].Type;
                w.Line("int count = reader.ReadArrayHeader();");
                w.Line("options.Security.DepthStep(ref reader);");
                w.Line($"{element}[] result = global::System.GC.AllocateUninitializedArray<{element}>(count);");
                using (w.Block("for (int i = 0; i < count; i++)"))
                {
                    w.Line($"result[i] = {Read(formats, node.Children[0])};");
                }

                w.Line();
                w.Line("reader.Depth--;");
                w.Line("return result;");
                break;
            }

            case WireKind.List or WireKind.Set:
            {
                string element = formats.Nodes[node.Children[0]].Type;
                string comparer = node.Kind == WireKind.Set ? $", options.Security.GetEqualityComparer<{element}>()" : "";
                w.Line("int count = reader.ReadArrayHeader();");
                w.Line("options.Security.DepthStep(ref reader);");
                w.Line($"var result = new {node.Construction}(count{comparer});");
                using (w.Block("for (int i = 0; i < count; i++)"))
                {
                    w.Line($"result.Add({Read(formats, node.Children[0])});");
                }

                w.Line();
                w.Line("reader.Depth--;");
                w.Line("return result;");
                break;
            }

            case WireKind.Dictionary:
            {
                string key = formats.Nodes[node.Children[0]].Type;
                w.Line("int count = reader.ReadMapHeader();");
                w.Line("options.Security.DepthStep(ref reader);");
                w.Line($"var result = new {node.Construction}(count, options.Security.GetEqualityComparer<{key}>());");
                using (w.Block("for (int i = 0; i < count; i++)"))
                {
                    w.Line($"{key} key = {Read(formats, node.Children[0])};");
                    w.Line($"result.Add(key, {Read(formats, node.Children[1])});");
                }

                w.Line();
                w.Line("reader.Depth--;");
                w.Line("return result;");
                break;
            }

            case WireKind.Tuple:
            {
                w.Line($"{Format}.ReadArrayHeader(ref reader, {node.Children.Count}, {Literal(node.Type)});");
                var values = new List<string>();
                for (int i = 0; i < node.Children.Count; i++)
                {
                    string local = "item" + (i + 1).ToString(CultureInfo.InvariantCulture);
                    w.Line($"{formats.Nodes[node.Children[i]].Type} {local} = {Read(formats, node.Children[i])};");
                    values.Add(local);
                }

                w.Line(node.Construction == "literal"
                    ? $"return ({string.Join(", ", values)});"
                    : $"return new {node.Type}({string.Join(", ", values)});");
                break;
            }

            default:
                EmitObjectRead(w, formats, node);
                break;
        }
    }

    /// <summary>
    /// Whether an object crosses packed: one binary block of its members (raw little-endian fixed-size values, strings as
    /// UTF-16) instead of one MessagePack value per member; for objects whose members are all primitives and enums.
    /// </summary>
    private static bool IsPacked(WireFormats formats, WireNode node) =>
        node.Kind == WireKind.Object && node.Members.Count > 0 &&
        node.Members.All(m => formats.Nodes[m.Node].Kind is WireKind.Primitive or WireKind.Enum);

    private static void EmitPackedWrite(CodeWriter w, WireFormats formats, WireNode node)
    {
        int fixedSize = 0;
        var strings = new List<string>();
        foreach (WireMember member in node.Members)
        {
            WireNode type = formats.Nodes[member.Node];
            if (type.Primitive == "String")
            {
                strings.Add($" + {Format}.PackedSize(value.{member.Name})");
            }
            else
            {
                fixedSize += SizeOf(type.Primitive);
            }
        }

        w.Line($"int size = {fixedSize.ToString(CultureInfo.InvariantCulture)}{string.Concat(strings)};");
        w.Line($"global::System.Span<byte> packed = {Format}.BeginPacked(ref writer, size);");
        w.Line("int at = 0;");
        foreach (WireMember member in node.Members)
        {
            WireNode type = formats.Nodes[member.Node];
            w.Line(type.Primitive == "String"
                ? $"{Format}.Put(packed, ref at, value.{member.Name});"
                : type.Kind == WireKind.Enum
                    ? $"{Format}.Put<{PrimitiveKeyword(type.Primitive)}>(packed, ref at, ({PrimitiveKeyword(type.Primitive)})value.{member.Name});"
                    : $"{Format}.Put<{PrimitiveKeyword(type.Primitive)}>(packed, ref at, value.{member.Name});");
        }

        w.Line($"{Format}.EndPacked(ref writer, size);");
    }

    private static void EmitObjectRead(CodeWriter w, WireFormats formats, WireNode node)
    {
        var locals = new string[node.Members.Count];
        if (IsPacked(formats, node))
        {
            w.Line($"global::System.ReadOnlySpan<byte> packed = {Format}.ReadPacked(ref reader);");
            w.Line("int at = 0;");
            for (int i = 0; i < node.Members.Count; i++)
            {
                WireNode type = formats.Nodes[node.Members[i].Node];
                locals[i] = "m" + i.ToString(CultureInfo.InvariantCulture);
                string get = type.Primitive switch
                {
                    "String" => $"{Format}.GetString(packed, ref at)",
                    "Boolean" => $"{Format}.GetBoolean(packed, ref at)",
                    _ => $"{Format}.Get<{PrimitiveKeyword(type.Primitive)}>(packed, ref at)",
                };
                w.Line($"{type.Type} {locals[i]} = {(type.Kind == WireKind.Enum ? $"({type.Type}){get}" : get)};");
            }

            w.Line($"{Format}.EndPacked(packed, at, {Literal(node.Type)});");
        }
        else
        {
            w.Line($"{Format}.ReadArrayHeader(ref reader, {node.Members.Count}, {Literal(node.Type)});");
            w.Line("options.Security.DepthStep(ref reader);");
            for (int i = 0; i < node.Members.Count; i++)
            {
                WireMember member = node.Members[i];
                locals[i] = "m" + i.ToString(CultureInfo.InvariantCulture);
                w.Line($"{formats.Nodes[member.Node].Type} {locals[i]} = {Read(formats, member.Node)};");
            }

            w.Line("reader.Depth--;");
        }

        var arguments = new string[node.ConstructorArguments];
        for (int i = 0; i < arguments.Length; i++)
        {
            arguments[i] = "default";
        }

        var initializers = new List<string>();
        for (int i = 0; i < node.Members.Count; i++)
        {
            WireMember member = node.Members[i];
            if (member.ConstructorIndex >= 0)
            {
                arguments[member.ConstructorIndex] = locals[i];
            }

            if ((member.ConstructorIndex < 0 || member.Required) && member.Settable)
            {
                initializers.Add($"{member.Name} = {locals[i]}");
            }
        }

        string creation = $"new {node.Type}({string.Join(", ", arguments)})";
        if (initializers.Count == 0)
        {
            w.Line($"return {creation};");
            return;
        }

        w.Line($"return {creation}");
        w.Line("{");
        w.Indent();
        foreach (string initializer in initializers)
        {
            w.Line(initializer + ",");
        }

        w.Outdent();
        w.Line("};");
    }

    private static string TupleItem(WireNode node, int i) => node.Construction == "kvp"
        ? (i == 0 ? "Key" : "Value")
        : "Item" + (i + 1).ToString(CultureInfo.InvariantCulture);

    private static string Write(WireFormats formats, int index, string value) => Write(formats, formats.Nodes[index], value, index);

    private static string Write(WireFormats formats, WireNode node, string value, int index = -1) => node.Kind switch
    {
        WireKind.Primitive => $"writer.Write({value});",
        WireKind.Enum => $"writer.Write(({Keyword(node.Primitive)}){value});",
        WireKind.Resolver => $"global::MessagePack.FormatterResolverExtensions.GetFormatterWithVerify<{node.Type}>(options.Resolver).Serialize(ref writer, {value}, options);",
        _ => $"F{index.ToString(CultureInfo.InvariantCulture)}.Instance.Serialize(ref writer, {value}, options);",
    };

    private static string Read(WireFormats formats, int index) => Read(formats, formats.Nodes[index], index);

    private static string Read(WireFormats formats, WireNode node, int index = -1) => node.Kind switch
    {
        WireKind.Primitive => $"reader.Read{node.Primitive}()",
        WireKind.Enum => $"({node.Type})reader.Read{node.Primitive}()",
        WireKind.Resolver => $"global::MessagePack.FormatterResolverExtensions.GetFormatterWithVerify<{node.Type}>(options.Resolver).Deserialize(ref reader, options)",
        _ => $"F{index.ToString(CultureInfo.InvariantCulture)}.Instance.Deserialize(ref reader, options)",
    };

    private static int SizeOf(string? primitive) => primitive switch
    {
        "Boolean" or "SByte" or "Byte" => 1,
        "Char" or "Int16" or "UInt16" => 2,
        "Int32" or "UInt32" or "Single" => 4,
        _ => 8,
    };

    private static string PrimitiveKeyword(string? primitive) => primitive switch
    {
        "Boolean" => "bool",
        "Char" => "char",
        "Single" => "float",
        "Double" => "double",
        _ => Keyword(primitive),
    };

    private static string Keyword(string? primitive) => primitive switch
    {
        "SByte" => "sbyte",
        "Byte" => "byte",
        "Int16" => "short",
        "UInt16" => "ushort",
        "UInt32" => "uint",
        "Int64" => "long",
        "UInt64" => "ulong",
        _ => "int",
    };

    private static string Literal(string text) => Microsoft.CodeAnalysis.CSharp.SymbolDisplay.FormatLiteral(text, quote: true);

    private static string Xml(string text) => text.Replace("&", "&amp;").Replace("<", "&lt;").Replace(">", "&gt;");
}
