namespace ParallelGen;

/// <summary>Where the calls of a parallel method run.</summary>
public enum Backend
{
    /// <summary>Worker threads of the calling process: shared memory, no serialization, lowest overhead.</summary>
    Threads = 0,

    /// <summary>
    /// Separate worker processes (their own memory, arguments and results serialized). Not available in this
    /// version: using it is reported as error PG0005 at compile time and as <see cref="System.NotSupportedException"/>
    /// at run time.
    /// </summary>
    Processes = 1,
}
