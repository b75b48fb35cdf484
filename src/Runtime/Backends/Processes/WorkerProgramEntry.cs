using System.Runtime.CompilerServices;

namespace ParallelGen.Backends.Processes;

/// <summary>
/// ParallelGen's module initializer: in a JIT worker started as the worker program (<c>ParallelGen.Worker.dll</c>),
/// which loads ParallelGen before the target assembly, the process becomes a worker here — its warm-up (MessagePack's
/// options, the call path's first compilation) then runs beside the loading and registration of the target assembly
/// instead of after them. In any other process it reads one <see cref="System.AppContext"/> slot and returns.
/// </summary>
internal static class WorkerProgramEntry
{
#pragma warning disable CA2255 // a library's module initializer: the worker program's early start is what it is for
    [ModuleInitializer]
#pragma warning restore CA2255
    internal static void OnLoaded() => WorkerServer.EnterIfWorkerProgram();
}
