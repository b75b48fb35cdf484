using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using ParallelGen.Generator.Model;
using ParallelGen.Shared;

namespace ParallelGen.Generator.Parsing;

/// <summary>Turns a <c>[Parallelize]</c> method symbol into a <see cref="MethodToGenerate"/>, or null when invalid.</summary>
internal static class MethodParser
{
    private static readonly SymbolDisplayFormat s_typeFormat = SymbolDisplayFormat.FullyQualifiedFormat
        .AddMiscellaneousOptions(SymbolDisplayMiscellaneousOptions.IncludeNullableReferenceTypeModifier);

    /// <summary>Names a tuple element may not have (members of ValueTuple).</summary>
    private static readonly HashSet<string> s_reservedTupleNames =
        ["CompareTo", "Deconstruct", "Equals", "GetHashCode", "GetType", "Rest", "ToString"];

    /// <remarks>
    /// No catch-all: the generator never throws because the parser checks what it reads (a method it cannot handle is
    /// left to the compiler and PG0005), and RobustnessTests.Generator_never_throws would see a parser bug as CS8785.
    /// A half-typed signature ('(int) x', '...', '??' where a type belongs, a missing name) is already a compile error
    /// the user is looking at; code generated from what the parser recovered would only add errors.
    /// </remarks>
    public static MethodToGenerate? Parse(GeneratorAttributeSyntaxContext context, CancellationToken cancellationToken) =>
        context.TargetSymbol is IMethodSymbol method && context.Attributes.Length > 0 && !HasSyntaxErrors(context.TargetNode)
            && Parse(method, context.Attributes[0], cancellationToken) is { } parsed
            ? parsed with { BackendNameShadowed = IsBackendNameShadowed(context.SemanticModel.Compilation) }
            : null;

    internal static MethodToGenerate? Parse(IMethodSymbol method, AttributeData attribute, CancellationToken cancellationToken)
    {
        if (ParallelizeTargetRules.Validate(method, attribute, cancellationToken).Count > 0)
        {
            return null;
        }

        // Anything the compiler could not bind (missing types, half-typed code, 'List<>') produces no output until it
        // compiles.
        if (!IsWellFormed(method.ReturnType, method) || method.Parameters.Any(p => !IsWellFormed(p.Type, method)))
        {
            return null;
        }

        INamedTypeSymbol containing = method.ContainingType;
        ParallelizeArguments.Read(attribute, out int jobs, out BackendKind backend, out int batchSize);

        bool passesToken = TargetShape.TakesTrailingToken(method);
        var parameters = TargetShape.ItemParameters(method);

        var itemParameters = parameters
            .Select(p => new ParameterInfo(EscapeIdentifier(p.Name), p.Type.ToDisplayString(s_typeFormat)))
            .ToArray();
        bool tupleNamesAllowed = parameters
            .Select((p, i) => IsAllowedTupleName(p.Name, i))
            .All(ok => ok);

        (ReturnKind returnKind, string resultType, bool valueTask) = ClassifyReturn(method);

        string documentationId = method.GetDocumentationCommentId() ?? method.Name;
        if (IsLaterDuplicate(method, documentationId))
        {
            // Two declarations with one signature are already an error (CS0111); generating for both would add two
            // files with one hint name. The first declaration gets the output, without collecting all methods.
            return null;
        }

        string hash = StableHash(documentationId);

        return new MethodToGenerate(
            Namespace: containing.ContainingNamespace is { IsGlobalNamespace: false } ns ? ns.ToDisplayString() : null,
            ContainingTypes: new EquatableArray<ContainingTypeInfo>(ContainingTypes(containing)),
            ContainingTypeFullName: containing.ToDisplayString(s_typeFormat),
            MethodName: EscapeIdentifier(method.Name),
            GeneratedName: GeneratedMemberNames.BaseName(method, out _),
            Accessibility: AccessibilityText(method.DeclaredAccessibility),
            IsStatic: method.IsStatic,
            ItemParameters: new EquatableArray<ParameterInfo>(itemParameters),
            TupleNamesAllowed: tupleNamesAllowed,
            PassesCancellationToken: passesToken,
            ReturnKind: returnKind,
            ResultType: resultType,
            ReturnsValueTask: valueTask,
            Jobs: jobs,
            Backend: backend,
            BatchSize: batchSize,
            Pinned: ReadPinned(attribute),
            DocumentationId: documentationId,
            DisplayName: method.ToDisplayString(SymbolDisplayFormat.CSharpShortErrorMessageFormat),
            HintName: HintName(containing, method.Name, hash),
            BodyTypeName: $"__ParallelGen_{method.Name}_{hash}",
            Obsolete: ObsoleteText(method),
            Formats: backend.IsRemote ? WireFormatParser.Parse(method, cancellationToken) : null);
    }

    /// <summary>
    /// Whether the method's signature, or the declaration of a type or namespace around it, has syntax errors. The body
    /// is not looked at: generated code only repeats the signature and the names around it.
    /// </summary>
    private static bool HasSyntaxErrors(SyntaxNode node)
    {
        if (node is Microsoft.CodeAnalysis.CSharp.Syntax.MethodDeclarationSyntax method &&
            (method.ReturnType.ContainsDiagnostics || method.ParameterList.ContainsDiagnostics || method.Identifier.IsMissing ||
             method.Identifier.ContainsDiagnostics || method.TypeParameterList?.ContainsDiagnostics == true ||
             method.ExplicitInterfaceSpecifier is not null || method.Modifiers.Any(m => m.ContainsDiagnostics)))
        {
            return true;
        }

        for (SyntaxNode? parent = node.Parent; parent is not null; parent = parent.Parent)
        {
            switch (parent)
            {
                case Microsoft.CodeAnalysis.CSharp.Syntax.TypeDeclarationSyntax type
                    when type.Identifier.IsMissing || type.Identifier.ContainsDiagnostics || type.TypeParameterList?.ContainsDiagnostics == true ||
                         type.Modifiers.Any(m => m.ContainsDiagnostics) || type.Keyword.IsMissing:
                    return true;
                case Microsoft.CodeAnalysis.CSharp.Syntax.BaseNamespaceDeclarationSyntax ns when ns.Name.ContainsDiagnostics:
                    return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Whether <paramref name="type"/> and every type inside it (type arguments, array elements) bound without error,
    /// and every type parameter it mentions is one of the method's containing types (not the placeholder of an unbound
    /// generic type such as <c>List&lt;&gt;</c>).
    /// </summary>
    private static bool IsWellFormed(ITypeSymbol type, IMethodSymbol method) =>
        !TypeTree.Any(type, t => t switch
        {
            { TypeKind: TypeKind.Error } => true,
            ITypeParameterSymbol parameter => !IsInScope(parameter, method.ContainingType),
            INamedTypeSymbol { IsUnboundGenericType: true } => true,
            _ => false,
        });

    private static bool IsInScope(ITypeParameterSymbol parameter, INamedTypeSymbol? containing)
    {
        for (INamedTypeSymbol? t = containing; t is not null; t = t.ContainingType)
        {
            if (SymbolEqualityComparer.Default.Equals(parameter.DeclaringType, t.OriginalDefinition))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Whether the compilation declares a namespace ParallelGen.Backend, which hides the Backend enum from
    /// 'global::ParallelGen.Backend'. (Read in the per-method step: in an IDE, adding such a namespace in another file
    /// takes effect in a method's generated code when its own file next changes; a build always sees it.)
    /// </summary>
    private static bool IsBackendNameShadowed(Compilation compilation)
    {
        foreach (INamespaceSymbol parallelGen in compilation.GlobalNamespace.GetNamespaceMembers())
        {
            if (parallelGen.Name == "ParallelGen")
            {
                return parallelGen.GetNamespaceMembers().Any(ns => ns.Name == "Backend");
            }
        }

        return false;
    }

    /// <summary>
    /// The [Obsolete] attribute of the method, or else of the nearest type around it, as source text for the generated
    /// code, or null. (Generated code inside an obsolete type may name it anyway; repeating the type's attribute keeps the
    /// generated methods as obsolete as the method they call.)
    /// </summary>
    private static string? ObsoleteText(IMethodSymbol method)
    {
        for (ISymbol? symbol = method; symbol is not null && symbol is not INamespaceSymbol; symbol = symbol.ContainingSymbol)
        {
            if (ObsoleteText(symbol) is { } text)
            {
                return text;
            }
        }

        return null;
    }

    private static string? ObsoleteText(ISymbol symbol)
    {
        foreach (AttributeData attribute in symbol.GetAttributes())
        {
            if (attribute.AttributeClass is not { Name: "ObsoleteAttribute", ContainingNamespace: { Name: "System", ContainingNamespace.IsGlobalNamespace: true } })
            {
                continue;
            }

            string? message = attribute.ConstructorArguments.Length > 0 ? attribute.ConstructorArguments[0].Value as string : null;
            bool error = attribute.ConstructorArguments.Length > 1 && attribute.ConstructorArguments[1].Value is true;
            var text = new StringBuilder("[global::System.Obsolete(");
            if (message is not null || error)
            {
                text.Append(message is null ? "null" : SymbolDisplay.FormatLiteral(message, quote: true));
            }

            if (error)
            {
                text.Append(", true");
            }

            foreach (KeyValuePair<string, TypedConstant> named in attribute.NamedArguments)
            {
                if (named.Key is "DiagnosticId" or "UrlFormat" && named.Value.Value is string value)
                {
                    text.Append(text[text.Length - 1] == '(' ? "" : ", ").Append(named.Key).Append(" = ").Append(SymbolDisplay.FormatLiteral(value, quote: true));
                }
            }

            return text.Append(")]").ToString();
        }

        return null;
    }

    /// <summary>The attribute's <c>Pinned</c> flags (a ParallelSetting value), 0 when absent.</summary>
    private static int ReadPinned(AttributeData attribute)
    {
        foreach (KeyValuePair<string, TypedConstant> argument in attribute.NamedArguments)
        {
            if (argument.Key == "Pinned" && argument.Value.Kind != TypedConstantKind.Error && argument.Value.Value is int pinned)
            {
                return pinned;
            }
        }

        return 0;
    }

    private static (ReturnKind Kind, string ResultType, bool ValueTask) ClassifyReturn(IMethodSymbol method)
    {
        if (method.ReturnsVoid)
        {
            return (ReturnKind.Void, "", false);
        }

        if (TargetShape.IsAwaitable(method.ReturnType, out INamedTypeSymbol named))
        {
            bool valueTask = named.Name == "ValueTask";
            if (named.TypeArguments.Length == 0)
            {
                return (ReturnKind.Awaitable, "", valueTask);
            }

            return (ReturnKind.AwaitableValue, named.TypeArguments[0].ToDisplayString(s_typeFormat), valueTask);
        }

        return (ReturnKind.Value, method.ReturnType.ToDisplayString(s_typeFormat), false);
    }

    private static ContainingTypeInfo[] ContainingTypes(INamedTypeSymbol type)
    {
        var chain = new List<ContainingTypeInfo>();
        for (INamedTypeSymbol? t = type; t is not null; t = t.ContainingType)
        {
            string keyword = t switch
            {
                { IsRecord: true, TypeKind: TypeKind.Struct } => "record struct",
                { IsRecord: true } => "record",
                { TypeKind: TypeKind.Struct, IsRefLikeType: true } => "ref struct",
                { TypeKind: TypeKind.Struct } => "struct",
                _ => "class",
            };
            string name = EscapeIdentifier(t.Name);
            if (t.TypeParameters.Length > 0)
            {
                name += "<" + string.Join(", ", t.TypeParameters.Select(p => EscapeIdentifier(p.Name))) + ">";
            }

            chain.Add(new ContainingTypeInfo(keyword, name));
        }

        chain.Reverse();
        return chain.ToArray();
    }

    private static bool IsAllowedTupleName(string name, int position)
    {
        if (s_reservedTupleNames.Contains(name))
        {
            return false;
        }

        // ItemN is only allowed at position N.
        if (name.StartsWith("Item", StringComparison.Ordinal) && int.TryParse(name.Substring(4), out int n))
        {
            return n == position + 1;
        }

        return true;
    }

    internal static string EscapeIdentifier(string name) =>
        SyntaxFacts.GetKeywordKind(name) != SyntaxKind.None ? "@" + name : name;

    private static string AccessibilityText(Accessibility accessibility) => accessibility switch
    {
        Accessibility.Public => "public",
        Accessibility.Internal => "internal",
        Accessibility.Protected => "protected",
        Accessibility.ProtectedOrInternal => "protected internal",
        Accessibility.ProtectedAndInternal => "private protected",
        _ => "private",
    };

    private static bool IsLaterDuplicate(IMethodSymbol method, string documentationId)
    {
        foreach (ISymbol member in method.ContainingType.GetMembers(method.Name))
        {
            if (SymbolEqualityComparer.Default.Equals(member, method))
            {
                return false;
            }

            if (member is IMethodSymbol && member.GetDocumentationCommentId() == documentationId)
            {
                return true;
            }
        }

        return false;
    }

    private static string HintName(INamedTypeSymbol type, string methodName, string hash)
    {
        var builder = new StringBuilder();
        string full = type.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat.WithGlobalNamespaceStyle(SymbolDisplayGlobalNamespaceStyle.Omitted))
            + "." + methodName;
        foreach (char c in full)
        {
            builder.Append(char.IsLetterOrDigit(c) || c is '.' or '_' ? c : '_');
        }

        return builder.Append('.').Append(hash).Append(".g.cs").ToString();
    }

    /// <summary>FNV-1a of the documentation id: stable across runs and machines, unlike string.GetHashCode.</summary>
    internal static string StableHash(string text)
    {
        uint hash = 2166136261;
        foreach (char c in text)
        {
            hash = unchecked((hash ^ c) * 16777619);
        }

        return hash.ToString("X8", System.Globalization.CultureInfo.InvariantCulture);
    }
}
