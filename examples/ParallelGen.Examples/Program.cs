using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;

namespace ParallelGen.Examples;

/// <summary>
/// The ParallelGen examples tour: the scenarios of the "parallel Python" teaching notebook, in C#.
/// <code>
/// dotnet run --project examples/ParallelGen.Examples -c Release                 # the whole tour
/// dotnet run --project examples/ParallelGen.Examples -c Release -- --quick      # smaller workloads
/// dotnet run --project examples/ParallelGen.Examples -c Release -- --only pi    # one scenario (name or number)
/// dotnet run --project examples/ParallelGen.Examples -c Release -- --list       # scenario names
/// </code>
/// </summary>
internal static class Program
{
    private static readonly IScenario[] s_scenarios =
    [
        new FunctionCallsScenario(),
        new FuturesScenario(),
        new JoblibScenario(),
        new MonteCarloPiScenario(),
        new SharedMemoryScenario(),
        new ErrorsAndCancellationScenario(),
        new NestingScenario(),
        new ProcessesScenario(),
    ];

    private static int Main(string[] args)
    {
        bool quick = false;
        var only = new List<string>();
        string artifacts = Path.Combine("artifacts", "examples");
        for (int i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--quick":
                    quick = true;
                    break;
                case "--only" when i + 1 < args.Length:
                    only.AddRange(args[++i].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
                    break;
                case "--artifacts" when i + 1 < args.Length:
                    artifacts = args[++i];
                    break;
                case "--list":
                    for (int n = 0; n < s_scenarios.Length; n++)
                    {
                        Console.WriteLine($"{n + 1}  {s_scenarios[n].Name,-10} {s_scenarios[n].Title}");
                    }

                    return 0;
                case "-h" or "--help":
                    PrintUsage();
                    return 0;
                default:
                    Console.Error.WriteLine($"Unknown argument '{args[i]}'.");
                    PrintUsage();
                    return 2;
            }
        }

        var selected = new List<(int Number, IScenario Scenario)>();
        for (int n = 0; n < s_scenarios.Length; n++)
        {
            IScenario s = s_scenarios[n];
            if (only.Count == 0 || only.Any(o => o.Equals(s.Name, StringComparison.OrdinalIgnoreCase) || o == (n + 1).ToString(Tour.Inv)))
            {
                selected.Add((n + 1, s));
            }
        }

        if (selected.Count == 0)
        {
            Console.Error.WriteLine($"No scenario matches '{string.Join(", ", only)}'; try --list.");
            return 2;
        }

        var settings = new TourSettings(quick, artifacts);
        Console.WriteLine("ParallelGen examples tour");
        Console.WriteLine($"machine: {Environment.ProcessorCount} logical CPUs, {Environment.OSVersion}, .NET {Environment.Version}{(quick ? "  (--quick)" : "")}");

        long start = Stopwatch.GetTimestamp();
        foreach ((int number, IScenario scenario) in selected)
        {
            Tour.Heading(number, scenario.Title);
            TimeSpan t = Tour.Time(() => scenario.Run(settings));
            Console.WriteLine($"   [{scenario.Name}: {Tour.Seconds(t)}]");
        }

        Console.WriteLine();
        Console.WriteLine($"Tour finished in {Tour.Seconds(Stopwatch.GetElapsedTime(start))}.");
        return 0;
    }

    private static void PrintUsage()
    {
        Console.WriteLine("usage: ParallelGen.Examples [--quick] [--only <name|number>[,...]] [--artifacts <dir>] [--list]");
        Console.WriteLine("scenarios: " + string.Join(", ", s_scenarios.Select(s => s.Name)));
    }
}
