using System.ComponentModel;

/// <summary>
/// The .NET startup hook ParallelGen sets (DOTNET_STARTUP_HOOKS=ParallelGen) for its worker processes only. It runs
/// before the program's <c>Main</c> and turns the process into a worker; in any other process it does nothing.
/// </summary>
/// <remarks>The runtime requires this exact name, in the global namespace.</remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
#pragma warning disable CA1050 // the startup hook contract requires the global namespace
internal static class StartupHook
#pragma warning restore CA1050
{
    /// <summary>Called by the runtime before <c>Main</c>.</summary>
    public static void Initialize() => ParallelGen.Backends.Processes.WorkerServer.RunFromStartupHook();
}
