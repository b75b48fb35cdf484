using System;
using System.Linq;
using System.Threading;

namespace ParallelGen.Examples;

/// <summary>3. joblib: <c>Parallel(n_jobs=4, verbose=10)(delayed(f)(x) for x in xs)</c>.</summary>
internal sealed class JoblibScenario : IScenario
{
    public string Name => "joblib";

    public string Title => "joblib: ParallelJobs + Delayed.Call";

    public void Run(TourSettings settings)
    {
        s_sleep = settings.SleepMilliseconds / 2;

        Tour.Say("Python: Parallel(n_jobs=4, verbose=10)(delayed(slow_sqrt)(x) for x in range(10))");
        Tour.Code("double[] roots = new ParallelJobs(jobs: 4, verbose: 10).Run(xs.Select(x => Delayed.Call(SlowSqrt, x)));");
        Tour.Say("verbose lines go to stderr, like joblib's:");
        Console.Out.Flush();

        double[] xs = Enumerable.Range(0, 10).Select(i => (double)i).ToArray();
        var (roots, elapsed) = Tour.Time(() => new ParallelJobs(jobs: 4, verbose: 10).Run(xs.Select(x => Delayed.Call(SlowSqrt, x))));
        Console.Error.Flush();
        Tour.Say($"roots = [{string.Join(", ", roots.Select(r => Tour.F(r, "0.00")))}] in {Tour.Seconds(elapsed)}");

        Tour.Sub("a DelayedCall is just a description of a call");
        DelayedCall<double> call = Delayed.Call(SlowSqrt, 16.0);
        Tour.Say($"Delayed.Call(SlowSqrt, 16.0) -> {call}; call.Invoke() = {call.Invoke()}");
    }

    private static int s_sleep = 50;

    private static double SlowSqrt(double x)
    {
        Thread.Sleep(s_sleep);
        return Math.Sqrt(x);
    }
}
