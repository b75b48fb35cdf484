using System;
using System.Diagnostics;
using System.Globalization;

namespace ParallelGen.Examples;

/// <summary>One stop of the tour.</summary>
internal interface IScenario
{
    /// <summary>Short name for <c>--only</c>.</summary>
    string Name { get; }

    /// <summary>Section heading.</summary>
    string Title { get; }

    void Run(TourSettings settings);
}

/// <summary>Command-line settings shared by the scenarios.</summary>
/// <param name="Quick">Smaller workloads and shorter sleeps (<c>--quick</c>).</param>
/// <param name="ArtifactsDirectory">Where files such as the speed-up plot go.</param>
internal sealed record TourSettings(bool Quick, string ArtifactsDirectory)
{
    /// <summary>How long the "slow function" of the blocking scenarios sleeps per call.</summary>
    public int SleepMilliseconds => Quick ? 100 : 250;
}

/// <summary>Console helpers: headings, timings, invariant number formatting.</summary>
internal static class Tour
{
    public static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static void Heading(int number, string title)
    {
        Console.WriteLine();
        string text = $"{number}. {title}";
        Console.WriteLine(text);
        Console.WriteLine(new string('=', text.Length));
    }

    public static void Sub(string title)
    {
        Console.WriteLine();
        Console.WriteLine($"-- {title}");
    }

    public static void Say(string line) => Console.WriteLine("   " + line);

    public static void Code(string line) => Console.WriteLine("   > " + line);

    /// <summary>Runs <paramref name="action"/> and returns its wall-clock time.</summary>
    public static TimeSpan Time(Action action)
    {
        long start = Stopwatch.GetTimestamp();
        action();
        return Stopwatch.GetElapsedTime(start);
    }

    /// <summary>Runs <paramref name="func"/> and returns its result and wall-clock time.</summary>
    public static (T Result, TimeSpan Elapsed) Time<T>(Func<T> func)
    {
        long start = Stopwatch.GetTimestamp();
        T result = func();
        return (result, Stopwatch.GetElapsedTime(start));
    }

    public static string Seconds(TimeSpan t) => t.TotalSeconds.ToString("0.000", Inv) + " s";

    public static string F(double value, string format) => value.ToString(format, Inv);
}

/// <summary>
/// Progress of a long measurement: on a terminal, a bar redrawn in place; when the output is redirected (a log, CI),
/// a few plain lines instead, so that no control characters end up in the file.
/// </summary>
internal sealed class SweepProgress
{
    private const int BarWidth = 30;
    private readonly string _what;
    private readonly int _total;
    private readonly int _stepsPerPlainLine;
    private readonly bool _terminal = !Console.IsOutputRedirected;
    private readonly long _start = Stopwatch.GetTimestamp();
    private int _done;

    /// <param name="what">What is being measured, shown before the bar.</param>
    /// <param name="total">How many steps make the whole sweep.</param>
    /// <param name="plainLines">How many lines to print over the sweep when the output is redirected.</param>
    public SweepProgress(string what, int total, int plainLines)
    {
        _what = what;
        _total = Math.Max(1, total);
        _stepsPerPlainLine = Math.Max(1, _total / Math.Max(1, plainLines));
    }

    /// <summary>One more step is done.</summary>
    public void Step()
    {
        _done++;
        string elapsed = Tour.F(Stopwatch.GetElapsedTime(_start).TotalSeconds, "0.0") + " s";
        if (_terminal)
        {
            int filled = _done * BarWidth / _total;
            Console.Write($"\r   {_what} [{new string('#', filled)}{new string('.', BarWidth - filled)}] {_done}/{_total}  {elapsed}  ");
            if (_done >= _total)
            {
                // Leave the finished bar's line empty again, so the table starts on a clean line.
                Console.Write("\r" + new string(' ', _what.Length + BarWidth + 40) + "\r");
            }
        }
        else if (_done % _stepsPerPlainLine == 0 || _done == _total)
        {
            Console.WriteLine($"   {_what}: {_done}/{_total} measurements done, {elapsed}");
        }
    }
}
