using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace ParallelGen.Analyzers.Internal;

/// <summary>
/// Finds "parallel code" and walks it for a rule: <c>[Parallelize]</c> method bodies, delegates passed to parallel APIs
/// (<see cref="ParallelApis"/>; inline or through a local they were stored in), and, one level deep, same-assembly
/// methods called from those bodies, whose findings are reported at the call site.
/// </summary>
internal static partial class ParallelCodeEngine
{
    /// <summary>The property set on a diagnostic reported at a call site for a problem inside the called method.</summary>
    public const string CalleeProperty = "Callee";

    /// <summary>
    /// Registers the rule's actions; call from <see cref="DiagnosticAnalyzer.Initialize"/> (after enabling concurrent
    /// execution and configuring generated code analysis). <paramref name="onCompilationStart"/> lets a rule register
    /// actions of its own with the same <see cref="KnownSymbols"/>.
    /// </summary>
    public static void Register(AnalysisContext context, IParallelRule rule, Action<CompilationStartAnalysisContext, KnownSymbols>? onCompilationStart = null)
    {
        context.RegisterCompilationStartAction(start =>
        {
            KnownSymbols known = KnownSymbols.Create(start.Compilation);
            var session = new Session(rule, known);
            if (known.ParallelizeAttribute is not null)
            {
                start.RegisterOperationBlockAction(session.AnalyzeBlock);
            }

            if (rule.AnalyzesParallelApiCalls)
            {
                start.RegisterOperationAction(session.AnalyzeInvocation, OperationKind.Invocation);
            }

            onCompilationStart?.Invoke(start, known);
        });
    }

    /// <summary>"Type.Method()" or "LocalFunction()", as messages name a called method.</summary>
    public static string DisplayCallee(IMethodSymbol method) =>
        method.MethodKind == MethodKind.LocalFunction || method.ContainingType is null
            ? method.Name + "()"
            : method.ContainingType.Name + "." + method.Name + "()";

    /// <summary>Receives a diagnostic and where its shared state lives (see <see cref="Finding.SharedPaths"/>).</summary>
    private delegate void Reporter(Diagnostic diagnostic, ImmutableArray<AccessPath> sharedPaths);

    private sealed partial class Session
    {
        private readonly IParallelRule _rule;
        private readonly KnownSymbols _known;
        private readonly ConcurrentDictionary<IMethodSymbol, ImmutableArray<Finding>> _callees = new(SymbolEqualityComparer.Default);
        private readonly ConcurrentDictionary<IMethodSymbol, ImmutableArray<AccessPath>> _calleeTouched = new(SymbolEqualityComparer.Default);
        private readonly ConcurrentDictionary<SyntaxTree, bool> _generated = new();

        public Session(IParallelRule rule, KnownSymbols known)
        {
            _rule = rule;
            _known = known;
        }

        public void AnalyzeBlock(OperationBlockAnalysisContext context)
        {
            if (context.OwningSymbol is not IMethodSymbol { MethodKind: MethodKind.Ordinary } method ||
                _known.GetParallelizeAttribute(method) is not { } attribute ||
                !_rule.AppliesTo(method, attribute))
            {
                return;
            }

            foreach (IOperation block in context.OperationBlocks)
            {
                if (block.Kind is OperationKind.MethodBody or OperationKind.Block)
                {
                    // The generated methods run the body once per item.
                    WalkBody(block, method, repeats: true, (diagnostic, _) => context.ReportDiagnostic(diagnostic), context.CancellationToken);
                }
            }
        }

        public void AnalyzeInvocation(OperationAnalysisContext context)
        {
            var invocation = (IInvocationOperation)context.Operation;
            if (!ParallelApis.CollectParallelBodies(invocation, _known, bodies: null))
            {
                return;
            }

            var bodies = new List<ParallelBody>();
            ParallelApis.CollectParallelBodies(invocation, _known, bodies);
            Action<Diagnostic> reportDiagnostic = context.ReportDiagnostic;
            Reporter report = (diagnostic, _) => reportDiagnostic(diagnostic);
            if (ParallelApis.IsForkJoin(invocation, _known))
            {
                AnalyzeForkJoin(invocation, bodies, report, context.CancellationToken);
                return;
            }

            foreach (ParallelBody body in bodies)
            {
                AnalyzeBody(body, invocation, report, context.CancellationToken);
            }
        }

        /// <summary>Walks one delegate a parallel API call runs, reporting what the rule finds in it.</summary>
        private void AnalyzeBody(ParallelBody body, IInvocationOperation invocation, Reporter report, CancellationToken cancellationToken)
        {
            switch (body.Function)
            {
                case IAnonymousFunctionOperation lambda when body.ViaLocal is null:
                    WalkBody(lambda.Body, lambda.Symbol, body.Repeats, report, cancellationToken);
                    break;
                case IAnonymousFunctionOperation lambda:
                    // A lambda stored in a local may be passed to several parallel calls: the first one walks it,
                    // as repeated if any of them repeats it.
                    ILocalSymbol local = body.ViaLocal.Local;
                    IOperation scope = LocalAssignments.FindDeclaringBody(body.ViaLocal, local);
                    List<IInvocationOperation> uses = ParallelApis.FindParallelUses(local, scope, _known, out bool repeats);
                    if (uses.Count > 0 && uses[0].Syntax == invocation.Syntax)
                    {
                        WalkBody(lambda.Body, lambda.Symbol, repeats, report, cancellationToken);
                    }

                    break;
                case IMethodReferenceOperation reference when _known.GetParallelizeAttribute(reference.Method.OriginalDefinition) is null:
                    // A method group is one delegate (one receiver) for all iterations: its 'this' is shared.
                    // (A [Parallelize] method's problems are reported in its own body.) Through a local, the
                    // problems are reported where the local is passed to the parallel API.
                    IOperation place = (IOperation?)body.ViaLocal ?? reference;
                    ReportMethodGroup(reference, place, body.Repeats, report, cancellationToken);
                    break;
            }
        }

        private void ReportMethodGroup(IMethodReferenceOperation reference, IOperation place, bool repeats, Reporter report, CancellationToken cancellationToken)
        {
            ImmutableArray<Finding> findings = GetCalleeFindings(reference.Method, reference.SemanticModel, cancellationToken);
            if (!findings.IsEmpty)
            {
                ImmutableArray<AccessPath> receiverPaths = reference.Instance is null or IInstanceReferenceOperation
                    ? default
                    : SharedState.Paths(reference.Instance, reference.Method);
                ReportCallee(findings, reference.Method, place.Syntax, receiverShared: true, receiverPaths, repeats, report);
            }
        }

        /// <summary>What one Parallel.Invoke action touches: the variables its body uses, and those its calls use.</summary>
        private void AddTouched(ParallelBody body, ImmutableArray<AccessPath>.Builder touched, CancellationToken cancellationToken)
        {
            switch (body.Function)
            {
                case IAnonymousFunctionOperation lambda:
                    SharedState.AddTouched(lambda.Body, lambda.Symbol, touched);
                    foreach (IOperation operation in lambda.Body.Descendants())
                    {
                        IMethodSymbol? called = operation switch
                        {
                            IInvocationOperation call => call.TargetMethod,
                            IMethodReferenceOperation reference => reference.Method,
                            _ => null,
                        };
                        if (called is not null && IsAnalyzableCallee(called, lambda.Symbol))
                        {
                            touched.AddRange(GetCalleeTouched(called, operation.SemanticModel, cancellationToken));
                        }
                    }

                    break;
                case IMethodReferenceOperation reference:
                    touched.AddRange(GetCalleeTouched(reference.Method, reference.SemanticModel, cancellationToken));
                    if (reference.Instance is { } instance and not IInstanceReferenceOperation)
                    {
                        touched.AddRange(SharedState.Paths(instance, reference.Method));
                    }

                    break;
            }
        }

        /// <summary>The variables a same-assembly method uses that are not its own (fields, statics, captured locals).</summary>
        private ImmutableArray<AccessPath> GetCalleeTouched(IMethodSymbol method, SemanticModel? callerModel, CancellationToken cancellationToken)
        {
            method = method.PartialImplementationPart ?? method.OriginalDefinition;
            if (_calleeTouched.TryGetValue(method, out ImmutableArray<AccessPath> cached))
            {
                return cached;
            }

            var touched = ImmutableArray.CreateBuilder<AccessPath>();
            foreach (SyntaxReference reference in method.DeclaringSyntaxReferences)
            {
                if (GetBodyOperation(reference, callerModel, cancellationToken) is { } body)
                {
                    SharedState.AddTouched(body, method, touched);
                }
            }

            return _calleeTouched.GetOrAdd(method, touched.ToImmutable());
        }

        /// <summary>The operation tree of a method declaration (null for generated code or no body).</summary>
        private IOperation? GetBodyOperation(SyntaxReference reference, SemanticModel? callerModel, CancellationToken cancellationToken)
        {
            if (IsGenerated(reference.SyntaxTree, cancellationToken))
            {
                return null; // generated code is not analyzed, directly or through its callers
            }

            SyntaxNode declaration = reference.GetSyntax(cancellationToken);
            if (declaration is not (MethodDeclarationSyntax or LocalFunctionStatementSyntax))
            {
                return null; // only bodies the compiler binds as method bodies (issue 15: odd declarations can crash the binder)
            }

            SemanticModel model = callerModel is not null && callerModel.SyntaxTree == declaration.SyntaxTree
                ? callerModel
#pragma warning disable RS1030 // The callee may be declared in another file; the analyzer driver caches semantic models per tree.
                : _known.Compilation.GetSemanticModel(declaration.SyntaxTree);
#pragma warning restore RS1030
            return TryGetOperation(model, declaration, cancellationToken);
        }

        private void WalkBody(IOperation body, ISymbol root, bool repeats, Reporter report, CancellationToken cancellationToken)
        {
            var findings = new List<Finding>();
            var walker = new Walker(this, root, repeats, findings, report, cancellationToken);
            walker.Walk(body, inLock: false);
            foreach (Finding finding in findings)
            {
                if (repeats || !finding.RepeatedBodiesOnly)
                {
                    report(CreateDiagnostic(finding, finding.Location, callee: null), finding.SharedPaths);
                }
            }
        }

        /// <summary>
        /// Reports a called method's <paramref name="findings"/> (see <see cref="GetCalleeFindings"/>) at the call site.
        /// <paramref name="receiverPaths"/> are where the call's receiver lives (default for <c>this</c>, a static call or
        /// an unknown receiver): the shared state of a finding through <c>this</c> in the callee is part of that object.
        /// </summary>
        private void ReportCallee(ImmutableArray<Finding> findings, IMethodSymbol method, SyntaxNode callSite, bool receiverShared, ImmutableArray<AccessPath> receiverPaths, bool repeats, Reporter report)
        {
            if (findings.IsEmpty)
            {
                return;
            }

            string callee = DisplayCallee(method);
            Location? location = null;
            foreach (Finding finding in findings)
            {
                if ((!finding.ViaThis || receiverShared) && (!finding.RepeatedBodiesOnly || repeats))
                {
                    ImmutableArray<AccessPath> paths = finding.ViaThis && !receiverPaths.IsDefaultOrEmpty ? receiverPaths : finding.SharedPaths;
                    report(CreateDiagnostic(finding, location ??= callSite.GetLocation(), callee), paths);
                }
            }
        }

        private Diagnostic CreateDiagnostic(Finding finding, Location location, string? callee)
        {
            object?[] arguments = new object?[finding.Arguments.Length + 1];
            Array.Copy(finding.Arguments, arguments, finding.Arguments.Length);
            arguments[arguments.Length - 1] = _rule.DescribePlace(finding.Descriptor, callee);
            ImmutableDictionary<string, string?> properties = callee is null
                ? finding.Properties
                : ImmutableDictionary<string, string?>.Empty.Add(CalleeProperty, callee);
            return Diagnostic.Create(finding.Descriptor, location, properties, arguments);
        }

        private ImmutableArray<Finding> GetCalleeFindings(IMethodSymbol method, SemanticModel? callerModel, CancellationToken cancellationToken)
        {
            method = method.PartialImplementationPart ?? method.OriginalDefinition;
            if (_callees.TryGetValue(method, out ImmutableArray<Finding> cached))
            {
                return cached;
            }

            var findings = new List<Finding>();
            foreach (SyntaxReference reference in method.DeclaringSyntaxReferences)
            {
                if (GetBodyOperation(reference, callerModel, cancellationToken) is { } body)
                {
                    var walker = new Walker(this, method, repeats: true, findings, report: null, cancellationToken);
                    walker.Walk(body, inLock: false);
                }
            }

            return _callees.GetOrAdd(method, findings.ToImmutableArray());
        }

        /// <summary>
        /// The callee's body as operations, or null if the compiler cannot bind it. This binds a body outside the
        /// analyzer driver's own order (another method, possibly in another file); issue 15 saw Roslyn's binder throw
        /// on some erroneous code while analyzers queried the semantic model. A callee that cannot be bound is simply
        /// not followed, rather than failing the whole analyzer (AD0001) for the file being edited.
        /// </summary>
        private static IOperation? TryGetOperation(SemanticModel model, SyntaxNode declaration, CancellationToken cancellationToken)
        {
            try
            {
                return model.GetOperation(declaration, cancellationToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                return null;
            }
        }

        private bool IsGenerated(SyntaxTree tree, CancellationToken cancellationToken) =>
            _generated.GetOrAdd(tree, t =>
            {
                string path = t.FilePath ?? string.Empty;
                if (path.EndsWith(".g.cs", StringComparison.OrdinalIgnoreCase) ||
                    path.EndsWith(".generated.cs", StringComparison.OrdinalIgnoreCase) ||
                    path.EndsWith(".designer.cs", StringComparison.OrdinalIgnoreCase))
                {
                    return true;
                }

                foreach (SyntaxTrivia trivia in t.GetRoot(cancellationToken).GetLeadingTrivia())
                {
                    string text = trivia.ToString();
                    if (text.IndexOf("<auto-generated", StringComparison.OrdinalIgnoreCase) >= 0 ||
                        text.IndexOf("<autogenerated", StringComparison.OrdinalIgnoreCase) >= 0)
                    {
                        return true;
                    }
                }

                return false;
            });

        private bool IsAnalyzableCallee(IMethodSymbol method, ISymbol root)
        {
            // Cheap tests first: most calls in parallel bodies are to other assemblies, and DeclaringSyntaxReferences
            // builds a new array on every call.
            if (method.MethodKind is not (MethodKind.Ordinary or MethodKind.LocalFunction) ||
                method.IsAbstract || method.IsExtern ||
                !_known.IsInThisAssembly(method) ||
                SymbolEqualityComparer.Default.Equals(method.OriginalDefinition, root) ||
                method.DeclaringSyntaxReferences.IsEmpty && method.PartialImplementationPart is null)
            {
                return false;
            }

            if (method.MethodKind == MethodKind.LocalFunction)
            {
                // A local function declared inside the body is part of the body's walk already.
                return !SharedState.IsDeclaredWithin(method, root);
            }

            // A [Parallelize] method is parallel code of its own: its problems are reported in its body.
            return _known.GetParallelizeAttribute(method.OriginalDefinition) is null;
        }
    }
}
