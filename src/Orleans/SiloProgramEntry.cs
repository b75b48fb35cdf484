using System;
using System.Runtime.CompilerServices;
using ParallelGen.Backends.Processes;

namespace ParallelGen.Orleans;

/// <summary>
/// ParallelGen.Orleans' module initializer: in a silo of a <see cref="LocalCluster"/> started as the worker program
/// (<c>ParallelGen.Worker.dll</c> with <c>PARALLELGEN_SILO=1</c>, no startup hook), which loads this assembly first, it
/// leaves the silo's run in the program's hand-over slot; the program runs it outside any module initializer. In any
/// other process it reads one <see cref="AppContext"/> slot and returns.
/// </summary>
internal static class SiloProgramEntry
{
#pragma warning disable CA2255 // a library's module initializer: the silo's start from the worker program is what it is for
    [ModuleInitializer]
#pragma warning restore CA2255
    internal static void OnLoaded()
    {
        // The worker program's hand-over slot (src/Worker/Program.cs), the one ParallelGen's worker entry uses.
        if (string.Equals(AppContext.GetData(WorkerServer.EntrySlot) as string, WorkerServer.EntryMark, StringComparison.Ordinal)
            && Environment.GetEnvironmentVariable(SiloHost.SiloVariable) == "1")
        {
            AppContext.SetData(WorkerServer.EntrySlot, (Func<int>)SiloHost.RunFromWorkerProgram);
        }
    }
}
