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

    /// <summary>
    /// The silos of a Microsoft Orleans cluster, on this machine or many: like <see cref="Processes"/> (static methods,
    /// serialized arguments and results, no shared static state) but spread over every silo. Needs the
    /// ParallelGen.Orleans package, which registers it, and a cluster (its <c>LocalCluster</c>, or a connection to
    /// silos joining a Redis membership table); see docs/cluster.md.
    /// </summary>
    Cluster = 2,
}
