using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;
using ParallelGen.Generator.Model;
using ParallelGen.Generator.Parsing;
using ParallelGen.Shared;

namespace ParallelGen.Generator.Interceptors;

/// <summary>Finds the call sites <see cref="InterceptorsGenerator"/> rewrites.</summary>
internal static class InterceptorsParser
{
    private static readonly SymbolDisplayFormat s_typeFormat = SymbolDisplayFormat.FullyQualifiedFormat
        .AddMiscellaneousOptions(SymbolDisplayMiscellaneousOptions.IncludeNullableReferenceTypeModifier);

    /// <summary>Whether the project lists ParallelGen.Generated in InterceptorsNamespaces (or the preview property).</summary>
    public static bool OptedIn(ParseOptions options)
    {
        if (options is not CSharpParseOptions csharp || csharp.LanguageVersion < LanguageVersion.CSharp12)
        {
            return false;
        }

        foreach (string key in new[] { "InterceptorsNamespaces", "InterceptorsPreviewNamespaces" })
        {
            if (csharp.Features.TryGetValue(key, out string? value) && value is not null)
            {
                foreach (string ns in value.Split(';'))
                {
                    if (ns.Trim() == InterceptorsGenerator.Namespace)
                    {
                        return true;
                    }
                }
            }
        }

        return false;
    }

    /// <summary>A cheap syntactic filter: a call named Call, Submit or Map with at least two arguments.</summary>
    public static bool IsCandidate(SyntaxNode node)
    {
        // new ParallelExecutor(…, initializer: F): F is registered for worker processes.
        switch (node)
        {
            case ObjectCreationExpressionSyntax { ArgumentList.Arguments.Count: >= 1 } creation:
                return (creation.Type is QualifiedNameSyntax qualified ? qualified.Right : creation.Type as SimpleNameSyntax)?.Identifier.ValueText == "ParallelExecutor";
            case ImplicitObjectCreationExpressionSyntax { ArgumentList.Arguments: var arguments }:
                foreach (ArgumentSyntax argument in arguments)
                {
                    if (argument.NameColon?.Name.Identifier.ValueText == "initializer")
                    {
                        return true;
                    }
                }

                return arguments.Count >= 3;
        }

        if (node is not InvocationExpressionSyntax { ArgumentList.Arguments.Count: >= 1 } invocation)
        {
            return false;
        }

        SimpleNameSyntax? name = invocation.Expression switch
        {
            MemberAccessExpressionSyntax member => member.Name,
            SimpleNameSyntax simple => simple,
            _ => null,
        };
        return name?.Identifier.ValueText switch
        {
            "Call" or "Submit" or "Map" => true,
            // ParallelExecutor.Create(…, initializer: F, initargs: …), not every Create in the program.
            "Create" => invocation.Expression is MemberAccessExpressionSyntax { Expression: var target } && RightmostName(target) == "ParallelExecutor"
                || invocation.ArgumentList.Arguments.Any(a => a.NameColon?.Name.Identifier.ValueText is "initializer" or "initargs"),
            _ => false,
        };
    }

    private static string? RightmostName(ExpressionSyntax expression) => expression switch
    {
        SimpleNameSyntax simple => simple.Identifier.ValueText,
        MemberAccessExpressionSyntax member => member.Name.Identifier.ValueText,
        QualifiedNameSyntax qualified => qualified.Right.Identifier.ValueText,
        AliasQualifiedNameSyntax alias => alias.Name.Identifier.ValueText,
        _ => null,
    };

    /// <summary>The site, or <see langword="null"/> when the call is not one to rewrite (PG0008 reports those that matter).</summary>
    public static InterceptedSite? Parse(SyntaxNode node, SemanticModel model, CancellationToken cancellationToken) =>
        node is InvocationExpressionSyntax invocation ? Parse(invocation, model, cancellationToken) : ParseInitializer(node, model, cancellationToken);

    /// <summary>A static, parameterless, void <c>initializer</c> of <c>new ParallelExecutor(…)</c>, to register for workers.</summary>
    private static InterceptedSite? ParseInitializer(SyntaxNode creation, SemanticModel model, CancellationToken cancellationToken)
    {
        if (model.GetOperation(creation, cancellationToken) is not IObjectCreationOperation { Constructor: { } constructor } operation ||
            constructor.ContainingType is not { Name: "ParallelExecutor", ContainingType: null } type ||
            type.ContainingNamespace is not { Name: "ParallelGen", ContainingNamespace.IsGlobalNamespace: true })
        {
            return null;
        }

        foreach (IArgumentOperation argument in operation.Arguments)
        {
            if (argument.Parameter?.Name == "initializer" && argument.ArgumentKind == ArgumentKind.Explicit &&
                InterceptedCallRules.WhyNotRemote(argument, model.Compilation, out IMethodSymbol? target) is null &&
                target is { ReturnsVoid: true, Parameters.Length: 0, ContainingType: not null })
            {
                string name = SyntaxFacts.GetKeywordKind(target.Name) != SyntaxKind.None ? "@" + target.Name : target.Name;
                return new InterceptedSite(
                    InterceptedCallKind.Initializer, 0, "", FileAndPosition(creation.GetLocation().GetLineSpan().ToString()),
                    target.ContainingType.ToDisplayString(s_typeFormat), name,
                    target.GetDocumentationCommentId() ?? target.ToDisplayString(), new EquatableArray<string>([]), "void");
            }
        }

        return null;
    }

    /// <summary>
    /// The static void <c>initializer</c> with parameters of <c>ParallelExecutor.Create(…, initializer: F, initargs: …)</c>,
    /// to register for workers with the generated formatter of its arguments (one type, or a tuple of several).
    /// </summary>
    private static InterceptedSite? ParseInitializerWithArguments(IInvocationOperation operation, SemanticModel model, CancellationToken cancellationToken)
    {
        if (operation.TargetMethod.ContainingType is not { Name: "ParallelExecutor", ContainingType: null } type ||
            type.ContainingNamespace is not { Name: "ParallelGen", ContainingNamespace.IsGlobalNamespace: true } ||
            !operation.TargetMethod.IsStatic)
        {
            return null;
        }

        foreach (IArgumentOperation argument in operation.Arguments)
        {
            if (argument.Parameter?.Name == "initializer" &&
                InterceptedCallRules.WhyNotRemote(argument, model.Compilation, out IMethodSymbol? target) is null &&
                target is { ReturnsVoid: true, Parameters.Length: >= 1, ContainingType: not null })
            {
                var types = new List<string>();
                var symbols = new List<ITypeSymbol>();
                foreach (IParameterSymbol parameter in target.Parameters)
                {
                    if (parameter.RefKind != RefKind.None || !IsNameable(parameter.Type, model.Compilation))
                    {
                        return null;
                    }

                    types.Add(parameter.Type.ToDisplayString(s_typeFormat));
                    symbols.Add(parameter.Type);
                }

                string name = SyntaxFacts.GetKeywordKind(target.Name) != SyntaxKind.None ? "@" + target.Name : target.Name;
                return new InterceptedSite(
                    InterceptedCallKind.InitializerWithArguments, 0, "", FileAndPosition(operation.Syntax.GetLocation().GetLineSpan().ToString()),
                    target.ContainingType.ToDisplayString(s_typeFormat), name,
                    target.GetDocumentationCommentId() ?? target.ToDisplayString(), new EquatableArray<string>(types.ToArray()), "void",
                    WireFormatParser.Parse(symbols.ToImmutableArray(), null, cancellationToken));
            }
        }

        return null;
    }

    private static InterceptedSite? Parse(InvocationExpressionSyntax invocation, SemanticModel model, CancellationToken cancellationToken)
    {
        if (model.GetOperation(invocation, cancellationToken) is not IInvocationOperation operation)
        {
            return null;
        }

        IMethodSymbol called = operation.TargetMethod;
        if (called.Name == "Create")
        {
            return ParseInitializerWithArguments(operation, model, cancellationToken);
        }

        InterceptedCallKind kind = InterceptedCallRules.Classify(called);
        if (kind == InterceptedCallKind.None)
        {
            return null;
        }

        IArgumentOperation? function = null;
        foreach (IArgumentOperation argument in operation.Arguments)
        {
            if (argument.Parameter?.Ordinal == 0)
            {
                function = argument;
            }
        }

        if (function is null || InterceptedCallRules.WhyNotRemote(function, model.Compilation, out IMethodSymbol? target) is not null || target is null)
        {
            return null;
        }

        // The interceptor repeats the call's types; each must be nameable here.
        var types = new List<string>();
        foreach (ITypeSymbol type in called.TypeArguments)
        {
            if (!IsNameable(type, model.Compilation))
            {
                return null;
            }

            types.Add(type.ToDisplayString(s_typeFormat));
        }

        if (target.ContainingType is null || model.GetInterceptableLocation(invocation, cancellationToken) is not { } location)
        {
            return null;
        }

        string name = SyntaxFacts.GetKeywordKind(target.Name) != SyntaxKind.None ? "@" + target.Name : target.Name;
        return new InterceptedSite(
            kind,
            location.Version,
            location.Data,
            FileAndPosition(location.GetDisplayLocation()),
            target.ContainingType.ToDisplayString(s_typeFormat),
            name,
            target.GetDocumentationCommentId() ?? target.ToDisplayString(),
            new EquatableArray<string>(types.GetRange(0, types.Count - 1).ToArray()),
            types[types.Count - 1],
            WireFormatParser.Parse(called.TypeArguments.RemoveAt(called.TypeArguments.Length - 1), called.TypeArguments[called.TypeArguments.Length - 1], cancellationToken));
    }

    /// <summary>The display location without its folders (generated code does not depend on where the project is).</summary>
    private static string FileAndPosition(string display)
    {
        int paren = display.LastIndexOf('(');
        int slash = paren < 0 ? -1 : display.LastIndexOfAny(['/', '\\'], paren);
        return slash < 0 ? display : display.Substring(slash + 1);
    }

    /// <summary>Whether generated code in this assembly can write <paramref name="type"/> as a type argument.</summary>
    private static bool IsNameable(ITypeSymbol type, Compilation compilation)
    {
        var stack = new Stack<ITypeSymbol>();
        stack.Push(type);
        while (stack.Count > 0)
        {
            ITypeSymbol t = stack.Pop();
            switch (t)
            {
                case IErrorTypeSymbol or ITypeParameterSymbol or IPointerTypeSymbol or IFunctionPointerTypeSymbol or IDynamicTypeSymbol:
                    return false;
                case IArrayTypeSymbol array:
                    stack.Push(array.ElementType);
                    break;
                case INamedTypeSymbol named:
                    if (named.IsAnonymousType || named.IsRefLikeType || named.IsFileLocal || !compilation.IsSymbolAccessibleWithin(named.OriginalDefinition, compilation.Assembly))
                    {
                        return false;
                    }

                    foreach (ITypeSymbol argument in named.TypeArguments)
                    {
                        stack.Push(argument);
                    }

                    for (INamedTypeSymbol? outer = named.ContainingType; outer is not null; outer = outer.ContainingType)
                    {
                        foreach (ITypeSymbol argument in outer.TypeArguments)
                        {
                            stack.Push(argument);
                        }
                    }

                    break;
                default:
                    return false;
            }
        }

        return true;
    }
}
