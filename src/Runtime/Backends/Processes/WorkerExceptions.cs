using System;
using System.Collections.Generic;

namespace ParallelGen;

/// <summary>
/// A worker process of <see cref="Backend.Processes"/> died while it held items: it crashed
/// (<c>Environment.FailFast</c>, a stack overflow, a native fault), ran out of memory, or was killed. The pool replaces
/// the worker; <see cref="ParallelizeOptions.Retries"/> re-runs lost items on a fresh worker.
/// </summary>
public sealed class WorkerCrashedException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">The message.</param>
    public WorkerCrashedException(string message)
        : base(message)
    {
        ItemIndices = [];
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public WorkerCrashedException(string message, Exception innerException)
        : base(message, innerException)
    {
        ItemIndices = [];
    }

    /// <summary>Creates the exception.</summary>
    public WorkerCrashedException()
        : this("A ParallelGen worker process died.")
    {
    }

    internal WorkerCrashedException(string message, IReadOnlyList<int> itemIndices, int processId, int? exitCode, string? signal, string standardErrorTail)
        : base(message)
    {
        ItemIndices = itemIndices;
        ProcessId = processId;
        ExitCode = exitCode;
        Signal = signal;
        StandardErrorTail = standardErrorTail;
    }

    /// <summary>The indices, in the input, of the items the worker held when it died.</summary>
    public IReadOnlyList<int> ItemIndices { get; }

    /// <summary>The dead worker's process id.</summary>
    public int ProcessId { get; }

    /// <summary>The worker's exit code, if it could be read.</summary>
    public int? ExitCode { get; }

    /// <summary>The signal that ended the worker (for example <c>SIGKILL</c>), on Unix, when there was one.</summary>
    public string? Signal { get; }

    /// <summary>The last lines the worker wrote to its standard error (a crash message, for instance).</summary>
    public string StandardErrorTail { get; } = "";
}

/// <summary>
/// An exception thrown in a worker process whose type could not be re-created in the caller's process. The original
/// type name, message and the worker's stack trace are kept.
/// </summary>
public sealed class WorkerException : Exception
{
    /// <summary>Creates the exception.</summary>
    public WorkerException()
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">The message.</param>
    public WorkerException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public WorkerException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    internal WorkerException(string remoteTypeName, string message, string remoteDescription)
        : base($"{remoteTypeName}: {message}")
    {
        RemoteTypeName = remoteTypeName;
        RemoteDescription = remoteDescription;
    }

    /// <summary>The full name of the exception type thrown in the worker.</summary>
    public string RemoteTypeName { get; } = "";

    /// <summary>The worker's <c>ToString()</c> of the exception, with inner exceptions and its stack trace.</summary>
    public string RemoteDescription { get; } = "";
}

/// <summary>A worker process could not be started, or did not become a ParallelGen worker.</summary>
public sealed class WorkerStartException : Exception
{
    /// <summary>Creates the exception.</summary>
    public WorkerStartException()
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">The message.</param>
    public WorkerStartException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public WorkerStartException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
