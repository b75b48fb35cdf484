namespace ParallelGen.Examples;

/// <summary>8. Processes: the notebook's multiprocessing side. Not available yet in ParallelGen.</summary>
internal sealed class ProcessesScenario : IScenario
{
    public string Name => "processes";

    public string Title => "Processes: coming soon";

    public void Run(TourSettings settings)
    {
        Tour.Say("Python needs processes to run CPU-bound code in parallel because of the GIL; .NET threads already run");
        Tour.Say("in parallel on all cores (scenario 4), so threads are ParallelGen's default backend.");
        Tour.Say("Backend.Processes -- separate worker processes with their own memory, arguments and results");
        Tour.Say("serialized -- is coming (tracked in the 'process backend' issue); this tour does not use it yet.");
        Tour.Say("Processes would matter for code that is not thread-safe or must be isolated (native libraries that");
        Tour.Say("crash, global state), not for speed: threads already give the parallelism.");
    }
}
