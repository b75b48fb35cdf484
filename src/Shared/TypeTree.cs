using System;
using System.Collections.Generic;
using Microsoft.CodeAnalysis;

namespace ParallelGen.Shared;

/// <summary>
/// Walks a type and every type inside it — array elements, pointer targets, type arguments and the types that contain
/// a nested type — with an explicit stack, because hostile input can nest types deeply enough to overflow a recursive
/// walk (which would kill the compiler host).
/// </summary>
internal static class TypeTree
{
    /// <summary>Whether <paramref name="match"/> holds for <paramref name="root"/> or any type inside it.</summary>
    public static bool Any(ITypeSymbol root, Func<ITypeSymbol, bool> match)
    {
        var pending = new Stack<ITypeSymbol>();
        pending.Push(root);
        while (pending.Count > 0)
        {
            ITypeSymbol current = pending.Pop();
            if (match(current))
            {
                return true;
            }

            switch (current)
            {
                case IArrayTypeSymbol array:
                    pending.Push(array.ElementType);
                    break;
                case IPointerTypeSymbol pointer:
                    pending.Push(pointer.PointedAtType);
                    break;
                case INamedTypeSymbol named:
                    foreach (ITypeSymbol argument in named.TypeArguments)
                    {
                        pending.Push(argument);
                    }

                    if (named.ContainingType is { } outer)
                    {
                        pending.Push(outer);
                    }

                    break;
            }
        }

        return false;
    }
}
