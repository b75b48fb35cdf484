using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;

namespace ParallelGen.ProcessBenchmarks;

/// <summary>
/// The IPC floor on this machine: a parent and a child process bounce a small message over the child's redirected
/// stdin/stdout pipes (the transport the process backend uses), with no serializer and no framing logic.
/// </summary>
internal static class PipeFloor
{
    internal const string ChildSwitch = "--pingpong-child";
    private const int MessageSize = 16;

    /// <summary>The child: echo fixed-size messages until end-of-file.</summary>
    internal static int RunChild()
    {
        using Stream input = Console.OpenStandardInput();
        using Stream output = Console.OpenStandardOutput();
        var buffer = new byte[MessageSize];
        while (true)
        {
            try
            {
                input.ReadExactly(buffer);
            }
            catch (EndOfStreamException)
            {
                return 0;
            }

            output.Write(buffer);
            output.Flush();
        }
    }

    /// <summary>Per round trip, in microseconds.</summary>
    internal static Sample Measure(int roundTrips)
    {
        ProcessStartInfo info = SelfLauncher.StartInfo(ChildSwitch);
        info.RedirectStandardInput = true;
        info.RedirectStandardOutput = true;
        using Process child = Process.Start(info)!;
        Stream toChild = child.StandardInput.BaseStream;
        Stream fromChild = child.StandardOutput.BaseStream;
        var message = new byte[MessageSize];
        var reply = new byte[MessageSize];

        for (int i = 0; i < 2000; i++)
        {
            toChild.Write(message);
            toChild.Flush();
            fromChild.ReadExactly(reply);
        }

        var times = new List<double>(roundTrips);
        for (int i = 0; i < roundTrips; i++)
        {
            long start = Stopwatch.GetTimestamp();
            toChild.Write(message);
            toChild.Flush();
            fromChild.ReadExactly(reply);
            times.Add(Stopwatch.GetElapsedTime(start).TotalMicroseconds);
        }

        child.StandardInput.Close();
        child.WaitForExit();
        return new Sample(times);
    }
}

/// <summary>Starts this harness again with other arguments (under dotnet or as the apphost).</summary>
internal static class SelfLauncher
{
    internal static ProcessStartInfo StartInfo(params string[] arguments)
    {
        string processPath = Environment.ProcessPath!;
        var info = new ProcessStartInfo(processPath) { UseShellExecute = false };
        if (Path.GetFileNameWithoutExtension(processPath).Equals("dotnet", StringComparison.OrdinalIgnoreCase))
        {
            info.ArgumentList.Add("exec");
            info.ArgumentList.Add(typeof(SelfLauncher).Assembly.Location);
        }

        foreach (string a in arguments)
        {
            info.ArgumentList.Add(a);
        }

        return info;
    }
}
