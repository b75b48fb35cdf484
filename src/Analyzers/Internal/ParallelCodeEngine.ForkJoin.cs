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

/// <summary>Parallel.Invoke as a fork-join: which actions may share state (see <see cref="ParallelCodeEngine"/>).</summary>
internal static partial class ParallelCodeEngine
{
    /// <summary>One distinct delegate of a Parallel.Invoke call (see <see cref="Session.AnalyzeForkJoin"/>).</summary>
    private sealed class ForkAction
    {
        public ForkAction(object identity) => Identity = identity;

        public object Identity { get; }

        /// <summary>The arguments (or array elements) that pass this delegate; more than one means it runs concurrently with itself.</summary>
        public List<IOperation> Occurrences { get; } = new();

        public List<ParallelBody> Bodies { get; } = new();

        /// <summary>The delegate runs several times at once (it is stored into an array in a loop, or repeated).</summary>
        public bool Repeats { get; set; }

        /// <summary>The storage the delegate's functions (and the methods they call, one level deep) read or write.</summary>
        public ImmutableArray<AccessPath>.Builder Touched { get; } = ImmutableArray.CreateBuilder<AccessPath>();

        /// <summary>Diagnostics reported only if another action touches their shared state.</summary>
        public List<(Diagnostic Diagnostic, ImmutableArray<AccessPath> Paths)> Pending { get; } = new();

        public bool TouchesAny(ImmutableArray<AccessPath> paths)
        {
            foreach (AccessPath path in paths)
            {
                foreach (AccessPath touched in Touched)
                {
                    if (path.Overlaps(touched))
                    {
                        return true;
                    }
                }
            }

            return false;
        }
    }

    private sealed partial class Session
    {
        /// <summary>
        /// <c>Parallel.Invoke</c> runs each action once and waits for all of them, so shared state that only one
        /// action touches is not shared between threads: <c>Parallel.Invoke(() => left = Sum(a, lo, mid), () => right
        /// = Sum(a, mid, hi));</c> is a fork-join. A finding about shared state in an action is reported only when
        /// another action reads or writes overlapping storage (<see cref="Finding.SharedPaths"/>), or when the
        /// same delegate (a lambda local, a method group on the same receiver) is passed more than once, or one lambda
        /// fills many elements of a delegate array (<c>actions[i] = () =&gt; ...</c> in a loop): then it runs
        /// concurrently with itself, like a repeated body.
        /// </summary>
        private void AnalyzeForkJoin(IInvocationOperation invocation, List<ParallelBody> bodies, Reporter report, CancellationToken cancellationToken)
        {
            // Group the functions by the delegate they are: one group per distinct delegate, with the arguments
            // (occurrences) that pass it. Several functions in one group are alternatives (a local assigned in branches).
            var groups = new List<ForkAction>();
            foreach (ParallelBody body in bodies)
            {
                object identity = DelegateIdentity(body);
                IOperation occurrence = (IOperation?)body.ViaLocal ?? body.Function;
                ForkAction? group = groups.Find(g => g.Identity.Equals(identity));
                if (group is null)
                {
                    group = new ForkAction(identity);
                    groups.Add(group);
                }

                if (!group.Occurrences.Contains(occurrence))
                {
                    group.Occurrences.Add(occurrence);
                }

                if (!group.Bodies.Exists(b => b.Function == body.Function))
                {
                    group.Bodies.Add(body);
                }

                // An element of a delegate array stored in a loop: one function, many delegates.
                group.Repeats |= body.Repeats;
            }

            foreach (ForkAction group in groups)
            {
                bool repeated = group.Repeats || group.Occurrences.Count > 1;
                foreach (ParallelBody body in group.Bodies)
                {
                    AddTouched(body, group.Touched, cancellationToken);
                    if (body.ViaLocal is { } viaLocal &&
                        (ParallelApis.FindParallelUses(viaLocal.Local, LocalAssignments.FindDeclaringBody(viaLocal, viaLocal.Local), _known, out bool repeats).Count > 1 || repeats))
                    {
                        // A delegate local also passed to other parallel calls: analyzed as for any other call.
                        AnalyzeBody(body, invocation, report, cancellationToken);
                        continue;
                    }

                    Reporter sink = repeated ? report : (diagnostic, paths) => group.Pending.Add((diagnostic, paths));
                    switch (body.Function)
                    {
                        case IAnonymousFunctionOperation lambda:
                            WalkBody(lambda.Body, lambda.Symbol, repeated, sink, cancellationToken);
                            break;
                        case IMethodReferenceOperation reference when _known.GetParallelizeAttribute(reference.Method.OriginalDefinition) is null:
                            // Reported where it is passed: each time for a local, the method group itself otherwise.
                            foreach (IOperation occurrence in body.ViaLocal is null ? [reference] : group.Occurrences)
                            {
                                ReportMethodGroup(reference, occurrence, repeated, sink, cancellationToken);
                            }

                            break;
                    }
                }
            }

            foreach (ForkAction group in groups)
            {
                foreach ((Diagnostic diagnostic, ImmutableArray<AccessPath> paths) in group.Pending)
                {
                    if (paths.IsDefaultOrEmpty || groups.Exists(other => other != group && other.TouchesAny(paths)))
                    {
                        report(diagnostic, paths);
                    }
                }
            }
        }

        /// <summary>
        /// Which delegate a Parallel.Invoke argument is: the local it is stored in, the method group's method (and
        /// receiver variable), or the lambda itself.
        /// </summary>
        private static object DelegateIdentity(ParallelBody body)
        {
            if (body.ViaLocal is { } viaLocal)
            {
                return viaLocal.Local;
            }

            if (body.Function is IMethodReferenceOperation reference)
            {
                ISymbol method = reference.Method.OriginalDefinition;
                if (reference.Instance is null or IInstanceReferenceOperation)
                {
                    return method;
                }

                ImmutableArray<AccessPath> receiver = SharedState.Paths(reference.Instance, reference.Method);
                return receiver.Length == 1 ? (method, receiver[0]) : reference;
            }

            return body.Function;
        }
    }
}
