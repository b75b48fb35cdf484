using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using ParallelGen;

namespace ParallelGen.ProcessBenchmarks;

/// <summary>What the harness measured of ParallelGen's process backend (microseconds).</summary>
internal sealed class ProcessResults
{
    internal Sample? PipeFloor { get; set; }

    internal Sample? OneItemCall { get; set; }

    internal Sample? PerItemBatch1Jobs1 { get; set; }

    /// <summary>ParallelExecutor(1, Backend.Processes).Submit(StaticWork.Echo, i).Result(): the intercepted call path.</summary>
    internal Sample? ExecutorSubmit { get; set; }

    /// <summary>The same with the generated Remote.EchoParallel (Submit(parallelMethod, i)).</summary>
    internal Sample? ExecutorSubmitGenerated { get; set; }

    internal Sample? PerItemBatch1Jobs2Tasks1000 { get; set; }

    internal Sample? PerItemAutoJobs2Tasks1000 { get; set; }

    internal SortedDictionary<int, Sample> PerItemAuto { get; } = [];

    internal Sample? ColdWarmParent { get; set; }

    internal Sample? ColdFreshParent { get; set; }

    internal double FirstCallInThisProcess { get; set; } = double.NaN;
}

internal static class ProcessBench
{
    internal const string ColdOnceSwitch = "--cold-once";
    internal const string NoopSwitch = "--noop";
    internal const string NoopMessagePackSwitch = "--noop-msgpack";

    private static Sample SubmitLatency(int calls, Func<int, Future<int>> submit)
    {
        for (int i = 0; i < 300; i++)
        {
            Check(submit(i).Result() == i, "wrong echo");
        }

        var perCall = new List<double>(calls);
        for (int i = 0; i < calls; i++)
        {
            long s = Stopwatch.GetTimestamp();
            int echoed = submit(i).Result();
            perCall.Add(Stopwatch.GetElapsedTime(s).TotalMicroseconds);
            Check(echoed == i, "wrong echo");
        }

        return new Sample(perCall);
    }

    internal static ProcessResults Run(Options o)
    {
        var r = new ProcessResults();

        // 1. First call of this process: parent-side JIT + worker start.
        long t = Stopwatch.GetTimestamp();
        int[] first = Remote.EchoParallel([41]);
        r.FirstCallInThisProcess = Stopwatch.GetElapsedTime(t).TotalMicroseconds;
        Check(first.Length == 1 && first[0] == 41, "Echo returned the wrong value");
        Check(ProcessBackend.StartedWorkerCount >= 1 && !ProcessBackend.WorkerProcessIds.Contains(Environment.ProcessId),
            "Jobs = 1 with Backend.Processes did not use a worker process");
        Console.WriteLine($"  first call in this process (parent JIT + 1 worker start): {Fmt.Us(r.FirstCallInThisProcess)}");

        // 2. IPC floor: raw 16-byte ping-pong over a child's stdin/stdout.
        r.PipeFloor = PipeFloor.Measure(o.Scale(20_000));
        Console.WriteLine($"  raw pipe ping-pong (C#, stdin/stdout of a child): {r.PipeFloor}");

        // 3. One call with one item, Jobs = 1, BatchSize = 1: the whole call path.
        var one = new int[1];
        var echoOptions = new ParallelizeOptions { Jobs = 1, BatchSize = 1 };
        for (int i = 0; i < 500; i++)
        {
            one[0] = i;
            Remote.EchoParallel(one, echoOptions);
        }

        int calls = o.Scale(3000);
        var perCall = new List<double>(calls);
        for (int i = 0; i < calls; i++)
        {
            one[0] = i;
            long s = Stopwatch.GetTimestamp();
            int[] res = Remote.EchoParallel(one, echoOptions);
            perCall.Add(Stopwatch.GetElapsedTime(s).TotalMicroseconds);
            if (res[0] != i)
            {
                throw new InvalidOperationException("wrong echo");
            }
        }

        r.OneItemCall = new Sample(perCall);
        Console.WriteLine($"  one-item call, Jobs=1, BatchSize=1 (whole call path): {r.OneItemCall}");

        // 3b. concurrent.futures' shape: one executor on processes, Submit(f, x).Result() one after another (Python's
        // ProcessPoolExecutor(max_workers=1).submit(echo, i).result()).
        using (var executor = new ParallelExecutor(maxWorkers: 1, Backend.Processes))
        {
            r.ExecutorSubmit = SubmitLatency(calls, i => executor.Submit(StaticWork.Echo, i));
            Console.WriteLine($"  executor Submit(StaticWork.Echo, i).Result(), 1 worker (intercepted static method): {r.ExecutorSubmit}");
            r.ExecutorSubmitGenerated = SubmitLatency(calls, i => executor.Submit(Remote.EchoParallel, i));
            Console.WriteLine($"  executor Submit(Remote.EchoParallel, i).Result(), 1 worker (generated method): {r.ExecutorSubmitGenerated}");
        }

        // 4. Pure per-item round trip: N items in one call, Jobs = 1, BatchSize = 1.
        r.PerItemBatch1Jobs1 = PerItem(o.Scale(2000), o.Repeats(9), new ParallelizeOptions { Jobs = 1, BatchSize = 1 });
        Console.WriteLine($"  per item, {o.Scale(2000)} items in one call, Jobs=1, BatchSize=1: {r.PerItemBatch1Jobs1}");

        // 5. The Python comparison's shapes: 1000 trivial tasks, 2 workers, batch 1 and auto.
        r.PerItemBatch1Jobs2Tasks1000 = PerItem(1000, o.Repeats(9), new ParallelizeOptions { Jobs = 2, BatchSize = 1 }, trivial: true);
        Console.WriteLine($"  per task, 1000 tasks, Jobs=2, BatchSize=1: {r.PerItemBatch1Jobs2Tasks1000}");
        r.PerItemAutoJobs2Tasks1000 = PerItem(1000, o.Repeats(9), new ParallelizeOptions { Jobs = 2, BatchSize = 0 }, trivial: true);
        Console.WriteLine($"  per task, 1000 tasks, Jobs=2, auto batching: {r.PerItemAutoJobs2Tasks1000}");

        // 6. Trivial tasks with auto batching, warm pool.
        foreach (int n in o.Long ? new[] { 100_000, 1_000_000, 10_000_000 } : new[] { 100_000, 1_000_000 })
        {
            Sample s = PerItem(n, n >= 1_000_000 ? o.Repeats(3) : o.Repeats(5), new ParallelizeOptions { Jobs = 2, BatchSize = 0 }, trivial: true);
            r.PerItemAuto[n] = s;
            Console.WriteLine($"  per task, {n:N0} tasks, Jobs=2, auto batching: {s}");
        }

        // 7. Cold start to first result with a warm parent: kill the pool, time one one-item call.
        var cold = new List<double>();
        for (int i = 0; i < o.Repeats(10); i++)
        {
            ProcessBackend.Shutdown();
            long s = Stopwatch.GetTimestamp();
            Remote.EchoParallel([i], echoOptions);
            cold.Add(Stopwatch.GetElapsedTime(s).TotalMicroseconds);
        }

        r.ColdWarmParent = new Sample(cold);
        Console.WriteLine($"  cold start (Shutdown, then one item; parent already warm): {r.ColdWarmParent}");

        ColdBreakdown(o);

        // 8. Cold start in a fresh parent process (what a program's first call pays, parent-side JIT included).
        var fresh = new List<double>();
        for (int i = 0; i < o.Repeats(8); i++)
        {
            string line = RunSelf(ColdOnceSwitch);
            fresh.Add(double.Parse(line, CultureInfo.InvariantCulture));
        }

        r.ColdFreshParent = new Sample(fresh);
        Console.WriteLine($"  cold start, first call of a fresh program (parent JIT included): {r.ColdFreshParent}");

        ProcessBackend.Shutdown();
        return r;
    }

    /// <summary>Splits cold start: a bare runtime start, MessagePack's set-up, and the worker's clock.</summary>
    private static void ColdBreakdown(Options o)
    {
        var noop = new List<double>();
        var noopHook = new List<double>();
        for (int i = 0; i < o.Repeats(5); i++)
        {
            long s = Stopwatch.GetTimestamp();
            RunSelf(NoopSwitch);
            noop.Add(Stopwatch.GetElapsedTime(s).TotalMicroseconds);

            s = Stopwatch.GetTimestamp();
            RunSelf([NoopSwitch], ("DOTNET_STARTUP_HOOKS", "ParallelGen"));
            noopHook.Add(Stopwatch.GetElapsedTime(s).TotalMicroseconds);
        }

        Console.WriteLine($"    breakdown: start+exit of this program doing nothing (dotnet exec, runtime start): {new Sample(noop)}");
        Console.WriteLine($"    breakdown: the same with DOTNET_STARTUP_HOOKS=ParallelGen (hook resolved, not a worker): {new Sample(noopHook)}");

        var there = new List<double>();
        var back = new List<double>();
        var total = new List<double>();
        for (int i = 0; i < o.Repeats(5); i++)
        {
            ProcessBackend.Shutdown();
            long t0 = Stopwatch.GetTimestamp();
            long itemRan = Remote.StampParallel([t0])[0];
            long t2 = Stopwatch.GetTimestamp();
            total.Add(Stopwatch.GetElapsedTime(t0, t2).TotalMicroseconds);
            there.Add(Stopwatch.GetElapsedTime(t0, itemRan).TotalMicroseconds);
            back.Add(Stopwatch.GetElapsedTime(itemRan, t2).TotalMicroseconds);
        }

        Console.WriteLine($"    breakdown (cold call of a probe, one monotonic clock): total {Fmt.Us(new Sample(total).Median)} = " +
            $"call start → item runs in the worker {Fmt.Us(new Sample(there).Median)} + item done → result in the parent {Fmt.Us(new Sample(back).Median)}");

        foreach (string resolver in new[] { "contractless", "builtin", "contractless-record", "generated-record" })
        {
            var first = new List<double>();
            for (int i = 0; i < o.Repeats(5); i++)
            {
                first.Add(double.Parse(RunSelf(NoopMessagePackSwitch, resolver), CultureInfo.InvariantCulture));
            }

            string what = resolver switch
            {
                "builtin" => "MessagePack builtin formatters only (no MessagePackSerializer/StandardResolver) + first int/int[] round trip",
                "contractless-record" => "MessagePack contractless (the backend before issue 13) + first small-record round trip",
                "generated-record" => "the generated formatter with the backend's options (no contractless resolver) + first small-record round trip",
                _ => "MessagePack contractless options + first int/int[] round trip",
            };
            Console.WriteLine($"    breakdown: fresh process, {what}: {new Sample(first)}");
        }

        double inWorker = Remote.WorkingSetCostParallel([2000])[0];
        Console.WriteLine($"    per-batch cost inside a worker: one Environment.WorkingSet read takes {Fmt.Us(inWorker)} (the worker reads it only when WorkerMemoryLimit is set)");

        ProcessStartInfo info = SelfLauncher.StartInfo(PipeFloor.ChildSwitch);
        info.RedirectStandardInput = true;
        using (Process child = Process.Start(info)!)
        {
            int n = 20_000;
            int exited = 0;
            long h = Stopwatch.GetTimestamp();
            for (int i = 0; i < n; i++)
            {
                exited += child.HasExited ? 1 : 0;
            }

            Console.WriteLine($"    per-batch cost in the parent: Process.HasExited on a live child takes {Fmt.Us(Stopwatch.GetElapsedTime(h).TotalMicroseconds / n)} (Lease and Return check it){(exited > 0 ? "!" : "")}");
            child.StandardInput.Close();
            child.WaitForExit();
        }
    }

    private static Sample PerItem(int n, int repeats, ParallelizeOptions options, bool trivial = false)
    {
        int[] items = Enumerable.Range(0, n).ToArray();
        Invoke(items, options, trivial); // warm the pool and the batch sizer's code paths
        var perItem = new List<double>(repeats);
        for (int i = 0; i < repeats; i++)
        {
            long s = Stopwatch.GetTimestamp();
            int[] results = Invoke(items, options, trivial);
            perItem.Add(Stopwatch.GetElapsedTime(s).TotalMicroseconds / n);
            Check(results.Length == n && results[n - 1] == (trivial ? n : n - 1), "wrong results");
        }

        return new Sample(perItem);
    }

    private static int[] Invoke(int[] items, ParallelizeOptions options, bool trivial) =>
        trivial ? Remote.TrivialParallel(items, options) : Remote.EchoParallel(items, options);

    /// <summary>In a fresh harness process: the first call's time in microseconds.</summary>
    internal static int ColdOnce()
    {
        long s = Stopwatch.GetTimestamp();
        int[] r = Remote.EchoParallel([1]);
        double us = Stopwatch.GetElapsedTime(s).TotalMicroseconds;
        Console.WriteLine(us.ToString("R", CultureInfo.InvariantCulture));
        return r[0] == 1 ? 0 : 1;
    }

    /// <summary>In a fresh harness process: MessagePack's set-up as the backend uses it (or with the builtin resolver only).</summary>
    internal static int NoopMessagePack(string resolver)
    {
        long s = Stopwatch.GetTimestamp();
        int x;
        if (resolver is "contractless-record" or "generated-record")
        {
            var record = new SmallRecord(42, "forty-two", 3.14159, true);
            var buffer = new System.Buffers.ArrayBufferWriter<byte>();
            if (resolver == "generated-record")
            {
                // What a worker does: the method's formatter from the registry (its id, no reflection), the backend's options.
                var (formatter, _) = ParallelGen.Remote.RemoteSerializer.FormattersOf<SmallRecord, SmallRecord>(
                    "M:ParallelGen.ProcessBenchmarks.Remote.EchoSmall(ParallelGen.ProcessBenchmarks.SmallRecord)");
                var writer = new MessagePack.MessagePackWriter(buffer);
                formatter.Serialize(ref writer, record, ParallelGen.Remote.RemoteSerializer.Options);
                writer.Flush();
                var reader = new MessagePack.MessagePackReader(buffer.WrittenMemory);
                x = formatter.Deserialize(ref reader, ParallelGen.Remote.RemoteSerializer.Options).Id + 1;
                Check(formatter.GetType().DeclaringType?.Name.EndsWith("_Formatters", StringComparison.Ordinal) == true, "not the generated formatter");
            }
            else
            {
                var contractless = new MessagePackContractless();
                contractless.Serialize(buffer, record);
                x = contractless.Deserialize<SmallRecord>(buffer.WrittenMemory).Id + 1;
            }
        }
        else if (resolver == "builtin")
        {
            // No MessagePackSerializer, no StandardResolver: the builtin formatters through a writer and a reader.
            var options = new MessagePack.MessagePackSerializerOptions(MessagePack.Resolvers.BuiltinResolver.Instance);
            var buffer = new System.Buffers.ArrayBufferWriter<byte>();
            var writer = new MessagePack.MessagePackWriter(buffer);
            MessagePack.IFormatterResolver r = options.Resolver;
            r.GetFormatter<int>()!.Serialize(ref writer, 42, options);
            r.GetFormatter<int[]>()!.Serialize(ref writer, [1, 2, 3], options);
            writer.Flush();
            var reader = new MessagePack.MessagePackReader(buffer.WrittenMemory);
            x = r.GetFormatter<int>()!.Deserialize(ref reader, options) + r.GetFormatter<int[]>()!.Deserialize(ref reader, options)[0];
        }
        else
        {
            var options = MessagePack.MessagePackSerializerOptions.Standard
                .WithResolver(MessagePack.Resolvers.ContractlessStandardResolver.Instance)
                .WithSecurity(MessagePack.MessagePackSecurity.UntrustedData);
            byte[] a = MessagePack.MessagePackSerializer.Serialize(42, options);
            byte[] b = MessagePack.MessagePackSerializer.Serialize(new[] { 1, 2, 3 }, options);
            x = MessagePack.MessagePackSerializer.Deserialize<int>(a, options) + MessagePack.MessagePackSerializer.Deserialize<int[]>(b, options)[0];
        }

        double us = Stopwatch.GetElapsedTime(s).TotalMicroseconds;
        Console.WriteLine(us.ToString("R", CultureInfo.InvariantCulture));
        return x == 43 ? 0 : 1;
    }

    internal static string RunSelf(params string[] arguments) => RunSelf(arguments, []);

    internal static string RunSelf(string[] arguments, params (string Name, string Value)[] environment)
    {
        ProcessStartInfo info = SelfLauncher.StartInfo(arguments);
        info.RedirectStandardOutput = true;
        foreach ((string name, string value) in environment)
        {
            info.Environment[name] = value;
        }

        using Process p = Process.Start(info)!;
        string output = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        Check(p.ExitCode == 0, $"'{string.Join(' ', arguments)}' exited with {p.ExitCode}");
        return output.Trim();
    }

    private static void Check(bool condition, string message)
    {
        if (!condition)
        {
            throw new InvalidOperationException(message);
        }
    }
}
