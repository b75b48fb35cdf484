using System;
using System.Collections.Generic;
using System.CommandLine;
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
        new ObservabilityScenario(),
        new ClusterScenario(),
    ];

    private static int Main(string[] args)
    {
        var quick = new Option<bool>("--quick") { Description = "Smaller workloads and shorter sleeps (about 5 s instead of 10-15 s)." };
        var only = new Option<string[]>("--only")
        {
            Description = "Run only these scenarios, by name or number; several with commas (--only pi or --only 1,6).",
            HelpName = "name|number[,...]",
            AllowMultipleArgumentsPerToken = true,
        };
        only.CompletionSources.Add(s_scenarios.Select(s => s.Name).ToArray());
        only.Validators.Add(result =>
        {
            foreach (string name in Names(result.GetValueOrDefault<string[]>()))
            {
                if (Find(name) is null)
                {
                    result.AddError($"No scenario matches '{name}'; try --list.");
                }
            }
        });
        var artifacts = new Option<string>("--artifacts")
        {
            Description = "Where the plots go (speedup.png and speedup.svg).",
            HelpName = "dir",
            DefaultValueFactory = _ => Path.Combine("artifacts", "examples"),
        };
        var list = new Option<bool>("--list") { Description = "List the scenarios and exit." };

        var root = new RootCommand("The ParallelGen examples tour: the scenarios of the \"parallel Python\" teaching notebook, in C#.")
        {
            quick, only, artifacts, list,
        };
        root.SetAction(parsed => Run(
            parsed.GetValue(quick),
            Names(parsed.GetValue(only)),
            parsed.GetValue(artifacts) ?? Path.Combine("artifacts", "examples"),
            parsed.GetValue(list)));
        return root.Parse(args).Invoke();
    }

    private static IEnumerable<string> Names(string[]? values) =>
        (values ?? []).SelectMany(v => v.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));

    private static IScenario? Find(string nameOrNumber)
    {
        for (int n = 0; n < s_scenarios.Length; n++)
        {
            if (nameOrNumber.Equals(s_scenarios[n].Name, StringComparison.OrdinalIgnoreCase) || nameOrNumber == (n + 1).ToString(Tour.Inv))
            {
                return s_scenarios[n];
            }
        }

        return null;
    }

    private static int Run(bool quick, IEnumerable<string> onlyNames, string artifacts, bool list)
    {
        if (list)
        {
            for (int n = 0; n < s_scenarios.Length; n++)
            {
                Console.WriteLine($"{n + 1}  {s_scenarios[n].Name,-10} {s_scenarios[n].Title}");
            }

            return 0;
        }

        var only = onlyNames.ToList();
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
}
