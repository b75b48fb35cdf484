using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace ParallelGen.Analyzers.Internal;

/// <summary>
/// Decides whether an expression (a <c>Random</c> seed) has the same value in every iteration of a parallel body:
/// it reads only constants, static fields and auto-properties, fields of <c>this</c>, and locals and parameters
/// captured from an ordinary enclosing method that is not <c>[Parallelize]</c>, none of them written in the body.
/// Anything else (the body's own locals and parameters, calls, framework properties such as
/// <c>Environment.TickCount</c>, array elements, ...) may vary and makes the answer "no".
/// </summary>
internal static class SeedInvariance
{
    private const int MaxDepth = 16;

    /// <summary>Whether <paramref name="expression"/> has the same value for every iteration of the body.</summary>
    /// <param name="expression">The expression, inside a parallel body whose symbol is <c>context.Root</c>.</param>
    /// <param name="context">Where the expression is.</param>
    /// <param name="viaThis">Set when the value is read through <c>this</c> (the same only if the receiver is shared).</param>
    public static bool IsInvariant(IOperation expression, in BodyContext context, out bool viaThis)
    {
        viaThis = false;
        IOperation? body = null;
        return IsInvariant(expression, context, expression, ref body, ref viaThis, depth: 0);
    }

    private static bool IsInvariant(IOperation? operation, in BodyContext context, IOperation origin, ref IOperation? body, ref bool viaThis, int depth)
    {
        if (operation is null || depth > MaxDepth)
        {
            return false;
        }

        if (operation.ConstantValue.HasValue)
        {
            return true;
        }

        depth++;
        switch (operation)
        {
            case IConversionOperation { OperatorMethod: null } conversion:
                return IsInvariant(conversion.Operand, context, origin, ref body, ref viaThis, depth);

            case IUnaryOperation { OperatorMethod: null } unary:
                return IsInvariant(unary.Operand, context, origin, ref body, ref viaThis, depth);

            case IBinaryOperation { OperatorMethod: null } binary:
                return IsInvariant(binary.LeftOperand, context, origin, ref body, ref viaThis, depth) &&
                       IsInvariant(binary.RightOperand, context, origin, ref body, ref viaThis, depth);

            case IConditionalOperation { IsRef: false, WhenFalse: { } whenFalse } conditional:
                return IsInvariant(conditional.Condition, context, origin, ref body, ref viaThis, depth) &&
                       IsInvariant(conditional.WhenTrue, context, origin, ref body, ref viaThis, depth) &&
                       IsInvariant(whenFalse, context, origin, ref body, ref viaThis, depth);

            case ILocalReferenceOperation local:
                return !local.Local.IsRef && IsCapturedFromSequentialMethod(local.Local, context) &&
                       !IsWrittenInBody(local.Local, context, origin, ref body);

            case IParameterReferenceOperation parameter:
                return parameter.Parameter.RefKind == RefKind.None && IsCapturedFromSequentialMethod(parameter.Parameter, context) &&
                       !IsWrittenInBody(parameter.Parameter, context, origin, ref body);

            case IFieldReferenceOperation field:
                if (field.Field.IsStatic
                        ? SharedState.IsThreadStatic(field.Field, context.Known)
                        : !IsInvariantReceiver(field.Instance, context, origin, ref body, ref viaThis, depth))
                {
                    return false;
                }

                return !IsWrittenInBody(field.Field, context, origin, ref body);

            case IPropertyReferenceOperation { Property: { IsIndexer: false } property } propertyReference:
                // Only auto-properties of this assembly: a computed or framework property (Environment.TickCount,
                // DateTime.Now) may return a different value on every read.
                if (!context.Known.IsInThisAssembly(property) || !SharedState.IsAutoProperty(property) ||
                    (!property.IsStatic && !IsInvariantReceiver(propertyReference.Instance, context, origin, ref body, ref viaThis, depth)))
                {
                    return false;
                }

                return !IsWrittenInBody(property, context, origin, ref body);

            default:
                // Calls (Guid.NewGuid(), HashCode.Combine(...)), array elements, object creations, ...: unknown.
                return false;
        }
    }

    private static bool IsInvariantReceiver(IOperation? instance, in BodyContext context, IOperation origin, ref IOperation? body, ref bool viaThis, int depth)
    {
        if (instance is IInstanceReferenceOperation { ReferenceKind: InstanceReferenceKind.ContainingTypeInstance })
        {
            viaThis = true;
            return true;
        }

        return IsInvariant(instance, context, origin, ref body, ref viaThis, depth);
    }

    /// <summary>
    /// A local or parameter that a lambda passed to a parallel API captures from the ordinary method around it (not
    /// from another lambda or a local function, which may run once per item, nor from a [Parallelize] method, whose
    /// parameters and locals differ per call). In a method called from parallel code nothing is captured this way.
    /// </summary>
    private static bool IsCapturedFromSequentialMethod(ISymbol variable, in BodyContext context) =>
        context.Root is IMethodSymbol { MethodKind: MethodKind.AnonymousFunction } &&
        !SharedState.IsDeclaredWithin(variable, context.Root) &&
        variable.ContainingSymbol is IMethodSymbol { MethodKind: not (MethodKind.AnonymousFunction or MethodKind.LocalFunction) } declaringMethod &&
        context.Known.GetParallelizeAttribute(declaringMethod) is null;

    private static bool IsWrittenInBody(ISymbol symbol, in BodyContext context, IOperation origin, ref IOperation? body)
    {
        body ??= LocalAssignments.FindBody(origin, context.Root);
        return LocalAssignments.IsWrittenWithin(symbol, body);
    }
}
