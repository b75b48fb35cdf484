using System;
using System.Reflection;
using System.Runtime.CompilerServices;

namespace ParallelGen.Worker;

/// <summary>
/// The entry of a JIT worker process of ParallelGen's process backend. The parent starts it as
/// <c>dotnet exec --runtimeconfig app.runtimeconfig.json --depsfile app.deps.json ParallelGen.Worker.dll</c>, so it runs
/// with the application's framework and dependencies but the application's <c>Main</c> never runs. It knows nothing of
/// ParallelGen at compile time: it marks the process (<see cref="AppContext.SetData"/>), loads ParallelGen, whose module
/// initializer sees the mark, makes the process a worker, starts its warm-up and leaves the worker's loop in the same
/// slot, then loads the assembly the worker was started for and runs its module initializers (the generated
/// registration), and finally runs the loop — outside any module initializer, so the loop holds no class-constructor
/// lock.
/// </summary>
internal static class Program
{
    // Shared with ParallelGen (WorkerServer): the variables the parent sets and the AppContext slot of the hand-over.
    private const string WorkerVariable = "PARALLELGEN_WORKER";
    private const string AssemblyVariable = "PARALLELGEN_WORKER_ASSEMBLY";
    private const string EntrySlot = "ParallelGen.WorkerEntry";
    private const string EntryMark = "ParallelGen.Worker";

    // A LocalCluster's silo (ParallelGen.Orleans): that package's module initializer takes over, runs the silo (it loads
    // the target assembly itself, after a held silo is released) and exits.
    private const string SiloVariable = "PARALLELGEN_SILO";

    private static int Main()
    {
        if (Environment.GetEnvironmentVariable(SiloVariable) == "1")
        {
            return RunSilo();
        }

        string? target = Environment.GetEnvironmentVariable(AssemblyVariable);
        if (string.IsNullOrEmpty(Environment.GetEnvironmentVariable(WorkerVariable)) || string.IsNullOrEmpty(target))
        {
            Console.Error.WriteLine(
                "ParallelGen.Worker: this program is the entry of ParallelGen's worker processes; Backend.Processes starts it " +
                "with the variables it needs. There is nothing to run it for by hand.");
            return 2;
        }

        AppContext.SetData(EntrySlot, EntryMark);
        try
        {
            // ParallelGen first: its module initializer sees the mark and starts the worker's warm-up, which then runs
            // while the target assembly loads and registers its methods (their registration would do it otherwise).
            Assembly parallelGen = Assembly.Load(new AssemblyName("ParallelGen"));
            RuntimeHelpers.RunModuleConstructor(parallelGen.ManifestModule.ModuleHandle);
            Assembly assembly = Assembly.Load(new AssemblyName(target));
            RuntimeHelpers.RunModuleConstructor(assembly.ManifestModule.ModuleHandle);
        }
        catch (Exception ex)
        {
            Console.Error.WriteLine($"ParallelGen worker failed to start: could not load '{target}': {ex}");
            return 3;
        }

        if (AppContext.GetData(EntrySlot) is Func<int> serve)
        {
            return serve();
        }

        Console.Error.WriteLine(
            $"ParallelGen worker failed to start: '{target}' registered no ParallelGen method (its generated registration did not " +
            "run, or it references a ParallelGen that predates ParallelGen.Worker).");
        return 3;
    }

    private static int RunSilo()
    {
        AppContext.SetData(EntrySlot, EntryMark);
        try
        {
            Assembly orleans = Assembly.Load(new AssemblyName("ParallelGen.Orleans"));
            RuntimeHelpers.RunModuleConstructor(orleans.ManifestModule.ModuleHandle);
        }
        catch (Exception ex)
        {
            Console.Error.WriteLine($"ParallelGen silo failed to start: could not load ParallelGen.Orleans: {ex}");
            return 3;
        }

        if (AppContext.GetData(EntrySlot) is Func<int> silo)
        {
            return silo();
        }

        Console.Error.WriteLine("ParallelGen silo failed to start: ParallelGen.Orleans did not take the process over (a version that predates ParallelGen.Worker?).");
        return 3;
    }
}
