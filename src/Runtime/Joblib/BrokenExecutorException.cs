using System;

namespace ParallelGen;

/// <summary>
/// A <see cref="ParallelExecutor"/> whose worker initializer threw (CPython's <c>BrokenThreadPool</c>): its queued
/// calls fail and it accepts no more. <see cref="Exception.InnerException"/> is the initializer's exception.
/// </summary>
public sealed class BrokenExecutorException : InvalidOperationException
{
    /// <summary>Creates the exception.</summary>
    public BrokenExecutorException()
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">The message.</param>
    public BrokenExecutorException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The initializer's exception.</param>
    public BrokenExecutorException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}
