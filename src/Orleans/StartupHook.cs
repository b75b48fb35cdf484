using System.ComponentModel;

/// <summary>
/// The .NET startup hook of ParallelGen.Orleans (<c>DOTNET_STARTUP_HOOKS=ParallelGen.Orleans</c>): in a process started
/// with <c>PARALLELGEN_SILO=1</c> it runs a silo before the program's <c>Main</c>, which never runs; in any other process
/// it does nothing.
/// </summary>
/// <remarks>The runtime requires this exact name, in the global namespace.</remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
#pragma warning disable CA1050 // the startup hook contract requires the global namespace
internal static class StartupHook
#pragma warning restore CA1050
{
    /// <summary>Called by the runtime before <c>Main</c>.</summary>
    public static void Initialize() => ParallelGen.Orleans.SiloHost.RunFromStartupHook();
}
