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

        // ParallelGen first: its module initializer sees the mark and starts the worker's warm-up, which then runs
        // while the target assembly loads and registers its methods (their registration would do it otherwise).
        return Enter(
            ["ParallelGen", target],
            "ParallelGen worker",
            $"'{target}' registered no ParallelGen method (its generated registration did not run, or it references a " +
            "ParallelGen that predates ParallelGen.Worker)");
    }

    private static int RunSilo() =>
        Enter(["ParallelGen.Orleans"], "ParallelGen silo", "ParallelGen.Orleans did not take the process over (a version that predates ParallelGen.Worker?)");

    /// <summary>
    /// Marks the process, loads <paramref name="assemblies"/> in order and runs their module initializers, then runs the
    /// loop one of them left in the hand-over slot, outside any module initializer.
    /// </summary>
    private static int Enter(string[] assemblies, string what, string noLoop)
    {
        AppContext.SetData(EntrySlot, EntryMark);
        foreach (string name in assemblies)
        {
            try
            {
                Assembly assembly = Assembly.Load(new AssemblyName(name));
                RuntimeHelpers.RunModuleConstructor(assembly.ManifestModule.ModuleHandle);
            }
            catch (Exception ex)
            {
                Console.Error.WriteLine($"{what} failed to start: could not load '{name}': {ex}");
                return 3;
            }
        }

        if (AppContext.GetData(EntrySlot) is Func<int> loop)
        {
            return loop();
        }

        Console.Error.WriteLine($"{what} failed to start: {noLoop}.");
        return 3;
    }
}
