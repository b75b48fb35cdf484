using System;

namespace ParallelGen;

/// <summary>Reads what ParallelGen attaches to an exception thrown by a parallel call.</summary>
public static class ParallelExceptionExtensions
{
    /// <summary>The key under which the failing item's index is stored in <see cref="Exception.Data"/>.</summary>
    public const string ItemIndexKey = "ParallelGen.ItemIndex";

    /// <summary>
    /// The zero-based index, in the input sequence, of the item whose call threw <paramref name="exception"/>, or
    /// <see langword="null"/> when the exception did not come from a parallel body.
    /// </summary>
    /// <param name="exception">An exception caught around a parallel call.</param>
    /// <returns>The index of the failing item, if known.</returns>
    public static int? GetParallelItemIndex(this Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        return exception.Data[ItemIndexKey] is int index ? index : null;
    }

    internal static void SetParallelItemIndex(Exception exception, int index)
    {
        if (index < 0)
        {
            return; // not an item's failure (a worker that could not start, say)
        }

        try
        {
            exception.Data[ItemIndexKey] = index;
        }
        catch (Exception)
        {
            // Some exception types expose a read-only Data dictionary; the original exception still propagates.
        }
    }
}
