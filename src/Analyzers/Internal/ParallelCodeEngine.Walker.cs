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

/// <summary>The walk of one parallel body for a rule (see <see cref="ParallelCodeEngine"/>).</summary>
internal static partial class ParallelCodeEngine
{
    private sealed partial class Session
    {
        /// <summary>Walks one body, passing each operation to the rule, tracking locks and nested parallel bodies.</summary>
        private sealed class Walker
        {
            private readonly Session _session;
            private readonly ISymbol _root;
            private readonly bool _repeats;
            private readonly List<Finding> _findings;
            private readonly Reporter? _report;
            private readonly CancellationToken _cancellationToken;
            private HashSet<IOperation>? _skip;
            private List<ParallelBody>? _scratch;

            public Walker(Session session, ISymbol root, bool repeats, List<Finding> findings, Reporter? report, CancellationToken cancellationToken)
            {
                _session = session;
                _root = root;
                _repeats = repeats;
                _findings = findings;
                _report = report;
                _cancellationToken = cancellationToken;
            }

            /// <summary>
            /// Walks the operation tree in pre-order with an explicit stack, not recursion: an expression can nest
            /// thousands of operations deep (a long chain of '+'), which would overflow the compiler's stack.
            /// </summary>
            public void Walk(IOperation root, bool inLock)
            {
                var pending = new Stack<(IOperation Operation, bool InLock)>();
                var children = new List<(IOperation Operation, bool InLock)>();
                pending.Push((root, inLock));
                while (pending.Count > 0)
                {
                    (IOperation operation, bool locked) = pending.Pop();
                    children.Clear();
                    Visit(operation, locked, children);
                    for (int i = children.Count - 1; i >= 0; i--)
                    {
                        pending.Push(children[i]);
                    }
                }
            }

            /// <summary>Passes one operation to the rule and lists the children to walk next, in order, with their lock state.</summary>
            private void Visit(IOperation operation, bool inLock, List<(IOperation Operation, bool InLock)> children)
            {
                _cancellationToken.ThrowIfCancellationRequested();
                if (_skip is not null && _skip.Contains(operation))
                {
                    return;
                }

                // Dispatch on the kind (a field read) rather than on interface type tests: this runs for every
                // operation of every parallel body.
                OperationKind kind = operation.Kind;
                if (kind == OperationKind.AnonymousFunction && _session._rule.SkipsNestedParallelBodies && IsStoredForParallelApi((IAnonymousFunctionOperation)operation))
                {
                    // Action<int> body = i => ...; Parallel.For(0, n, body); is analyzed as a parallel body of its own.
                    return;
                }

                var context = new BodyContext(_root, inLock, _session._known);
                _session._rule.AnalyzeOperation(operation, context, _findings);

                switch (kind)
                {
                    case OperationKind.Invocation:
                        VisitInvocation((IInvocationOperation)operation, context);
                        break;

                    case OperationKind.Lock:
                        var lockOperation = (ILockOperation)operation;
                        children.Add((lockOperation.LockedValue, inLock));
                        children.Add((lockOperation.Body, true));
                        return;

                    case OperationKind.Using when operation is IUsingOperation { Resources: var resources } usingOperation && IsLockScope(resources):
                        // using (gate.EnterScope()) { ... } with System.Threading.Lock
                        children.Add((resources, inLock));
                        children.Add((usingOperation.Body, true));
                        return;

                    case OperationKind.Try when !inLock && operation is ITryOperation { Finally: { } release } tryOperation && ReleasesALock(release):
                        // Monitor.Enter(gate); try { ... } finally { Monitor.Exit(gate); } and the same shape with
                        // SemaphoreSlim, Mutex, SpinLock, ReaderWriterLockSlim or Lock: the try block is synchronized.
                        children.Add((tryOperation.Body, true));
                        foreach (ICatchClauseOperation clause in tryOperation.Catches)
                        {
                            children.Add((clause, true));
                        }

                        children.Add((release, true));
                        return;

                    case OperationKind.Block when !inLock:
                        // using var scope = gate.EnterScope(); locks the rest of the block.
                        bool locked = false;
                        foreach (IOperation statement in ((IBlockOperation)operation).Operations)
                        {
                            children.Add((statement, locked));
                            locked |= statement.Kind == OperationKind.UsingDeclaration && IsLockScope(((IUsingDeclarationOperation)statement).DeclarationGroup);
                        }

                        return;
                }

                foreach (IOperation child in operation.ChildOperations)
                {
                    children.Add((child, inLock));
                }
            }

            /// <summary>A finally block that releases a lock: Monitor.Exit, SemaphoreSlim.Release, Mutex.ReleaseMutex, ...</summary>
            private static bool ReleasesALock(IOperation finallyBlock)
            {
                foreach (IOperation node in finallyBlock.DescendantsAndSelf())
                {
                    if (node is IInvocationOperation { TargetMethod: { ContainingType: { ContainingNamespace: { Name: "Threading", ContainingNamespace.Name: "System" } } type } method }
                        && (type.Name, method.Name) is
                            ("Monitor", "Exit") or ("Lock", "Exit") or ("SpinLock", "Exit") or
                            ("SemaphoreSlim", "Release") or ("Semaphore", "Release") or ("Mutex", "ReleaseMutex") or
                            ("ReaderWriterLockSlim", "ExitWriteLock" or "ExitReadLock" or "ExitUpgradeableReadLock") or
                            ("ReaderWriterLock", "ReleaseWriterLock" or "ReleaseReaderLock" or "ReleaseLock"))
                    {
                        return true;
                    }
                }

                return false;
            }

            private static bool IsLockScope(IOperation resource)
            {
                foreach (IOperation node in resource.DescendantsAndSelf())
                {
                    if (node is IInvocationOperation { TargetMethod: { Name: "EnterScope", ContainingType: { Name: "Lock", ContainingNamespace: { Name: "Threading", ContainingNamespace.Name: "System" } } } })
                    {
                        return true;
                    }
                }

                return false;
            }

            private void VisitInvocation(IInvocationOperation invocation, in BodyContext context)
            {
                _scratch ??= new List<ParallelBody>();
                _scratch.Clear();
                if (ParallelApis.CollectParallelBodies(invocation, _session._known, _scratch))
                {
                    if (_session._rule.SkipsNestedParallelBodies)
                    {
                        _skip ??= new HashSet<IOperation>();
                        foreach (ParallelBody body in _scratch)
                        {
                            _skip.Add(body.Function);
                        }
                    }

                    return;
                }

                // Only bodies reached directly (not those of called methods) look one level deeper.
                if (_report is null || context.InLock || !_session.IsAnalyzableCallee(invocation.TargetMethod, _root))
                {
                    return;
                }

                // Most called methods have no findings: the receiver is classified only for those that do.
                ImmutableArray<Finding> findings = _session.GetCalleeFindings(invocation.TargetMethod, invocation.SemanticModel, _cancellationToken);
                if (findings.IsEmpty)
                {
                    return;
                }

                bool receiverShared = invocation.Instance is null || context.Classify(invocation.Instance, out _, asReceiver: true) != Sharing.NotShared;
                ImmutableArray<AccessPath> receiverPaths = invocation.Instance is null or IInstanceReferenceOperation
                    ? default
                    : SharedState.Paths(invocation.Instance, _root);
                _session.ReportCallee(findings, invocation.TargetMethod, invocation.Syntax, receiverShared, receiverPaths, _repeats, _report);
            }

            /// <summary>
            /// A lambda assigned to a delegate local that a parallel API call receives (and that is followed, see
            /// <see cref="ParallelApis.TryResolveDelegateLocal"/>).
            /// </summary>
            private bool IsStoredForParallelApi(IAnonymousFunctionOperation lambda)
            {
                IOperation value = lambda;
                while (value.Parent is IConversionOperation or IDelegateCreationOperation)
                {
                    value = value.Parent;
                }

                ILocalSymbol? local = value.Parent switch
                {
                    IVariableInitializerOperation { Parent: IVariableDeclaratorOperation declarator } => declarator.Symbol,
                    ISimpleAssignmentOperation { Target: ILocalReferenceOperation target } assignment when assignment.Value == value => target.Local,
                    _ => null,
                };
                if (local?.Type?.TypeKind != TypeKind.Delegate)
                {
                    return false;
                }

                IOperation scope = LocalAssignments.FindDeclaringBody(lambda, local);
                return ParallelApis.FindParallelUses(local, scope, _session._known, out _).Count > 0 &&
                       ParallelApis.TryResolveDelegateLocal(local, scope, new List<IOperation>());
            }
        }
    }
}
