using ParallelGen;

namespace ProcessLibrary;

/// <summary>Process-backend methods declared in a class library.</summary>
public static partial class LibraryWork
{
    /// <summary>Says which process and which assembly ran the call.</summary>
    [Parallelize(Jobs = 2, Backend = Backend.Processes)]
    public static string Describe(int x) =>
        $"{x}:{Environment.ProcessId}:{typeof(LibraryWork).Assembly.GetName().Name}:{ProcessBackend.IsWorkerProcess}";
}
