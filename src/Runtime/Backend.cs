namespace ParallelGen;

/// <summary>Where the calls of a parallel method run.</summary>
public enum Backend
{
    /// <summary>Worker threads of the calling process: shared memory, no serialization, lowest overhead.</summary>
    Threads = 0,

    /// <summary>
    /// A reusable pool of worker processes: each call runs in another process with its own memory (static state is
    /// not shared), arguments and results are serialized, and a crash loses only that worker
    /// (<see cref="WorkerCrashedException"/>). For static methods; see docs/processes.md.
    /// </summary>
    Processes = 1,
}
