using System;
using System.Runtime.CompilerServices;

namespace ParallelGen.Orleans;

/// <summary>
/// ParallelGen.Orleans' module initializer: in a silo of a <see cref="LocalCluster"/> started as the worker program
/// (<c>ParallelGen.Worker.dll</c> with <c>PARALLELGEN_SILO=1</c>, no startup hook), which loads this assembly first, it
/// leaves the silo's run in the program's hand-over slot; the program runs it outside any module initializer. In any
/// other process it reads one <see cref="AppContext"/> slot and returns.
/// </summary>
internal static class SiloProgramEntry
{
    // The worker program's hand-over (src/Worker/Program.cs; ParallelGen's WorkerServer uses the same slot).
    private const string EntrySlot = "ParallelGen.WorkerEntry";
    private const string EntryMark = "ParallelGen.Worker";

#pragma warning disable CA2255 // a library's module initializer: the silo's start from the worker program is what it is for
    [ModuleInitializer]
#pragma warning restore CA2255
    internal static void OnLoaded()
    {
        if (string.Equals(AppContext.GetData(EntrySlot) as string, EntryMark, StringComparison.Ordinal)
            && Environment.GetEnvironmentVariable(SiloHost.SiloVariable) == "1")
        {
            AppContext.SetData(EntrySlot, (Func<int>)SiloHost.RunFromWorkerProgram);
        }
    }
}
