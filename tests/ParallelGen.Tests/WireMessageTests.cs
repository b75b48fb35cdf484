using MessagePack;
using MessagePack.Formatters;
using ParallelGen.Backends.Processes;
using ParallelGen.Internal;
using ParallelGen.Remote;

namespace ParallelGen.Tests;

/// <summary>Each process wire message, written and read back through the same pair of methods the parent and the worker use.</summary>
public class WireMessageTests
{
    private static ReadOnlyMemory<byte> Payload(FrameBuffer frame) => frame.Array.AsMemory(5, frame.Count - 5); // after the frame header

    [Fact]
    public void Hello_round_trips()
    {
        var frame = new FrameBuffer();
        WireMessages.WriteHello(frame, "token-1", 4242);
        Assert.Equal(("token-1", 4242), WireMessages.ReadHello(Payload(frame)));
    }

    [Fact]
    public void Call_header_carries_the_trace_parent_to_the_worker()
    {
        const string traceParent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
        var call = new FrameBuffer();
        WireMessages.WriteCall(call, new CallHeader("M:Demo.Length(System.String)", false, true, traceParent), new[] { "a" }, 0, 1, NullableStringFormatter.Instance);
        var reader = new MessagePackReader(Payload(call));
        Assert.Equal(traceParent, WireMessages.ReadCallHeader(ref reader).TraceParent);
    }

    [Fact]
    public void Call_and_result_round_trip_through_a_batch_invoker()
    {
        string[] items = ["zero", "one", "two", "three", "four"];
        var call = new FrameBuffer();
        WireMessages.WriteCall(call, new CallHeader("M:Demo.Length(System.String)", MeasureMemory: true, Spin: false), items, start: 1, count: 3, NullableStringFormatter.Instance);

        // The worker's side: header, then the invoker reads the items and writes the results.
        var reader = new MessagePackReader(Payload(call));
        Assert.Equal(new CallHeader("M:Demo.Length(System.String)", true, false), WireMessages.ReadCallHeader(ref reader));
        var result = new FrameBuffer();
        FrameChannel.BeginFrame(result);
        var writer = new MessagePackWriter(result);
        int index = -1;
        new BatchInvoker<string, int, LengthBody>(default).InvokeBatch(ref reader, ref writer, ref index, CancellationToken.None);
        WireMessages.WriteResultTrailer(ref writer, 123_456);
        writer.Flush();

        var results = new int[5];
        Assert.Equal(123_456, WireMessages.ReadResults(Payload(result), results, start: 1, count: 3, Int32Formatter.Instance));
        Assert.Equal([0, 3, 3, 5, 0], results);
        Assert.Equal(-1L, WireMessages.ReadResults<int>(ResultOf([7, 8], -1), null, 0, 2, Int32Formatter.Instance)); // void methods skip the results
        Assert.Throws<InvalidDataException>(() => WireMessages.ReadResults(ResultOf([7, 8], -1), new int[3], 0, 3, Int32Formatter.Instance));
    }

    [Fact]
    public void Error_round_trips_with_the_original_type_or_a_WorkerException()
    {
        var frame = new FrameBuffer();
        WireMessages.WriteError(frame, 2, Thrown(new InvalidOperationException("broken")));
        (int index, Exception error) = WireMessages.ReadError(Payload(frame), processId: 99);

        Assert.Equal(2, index);
        var rebuilt = Assert.IsType<InvalidOperationException>(error);
        Assert.Equal("broken", rebuilt.Message);
        Assert.Equal(99, rebuilt.Data["ParallelGen.WorkerProcessId"]);
        Assert.Contains(nameof(Thrown), rebuilt.StackTrace);
        Assert.Contains("ParallelGen worker process 99", rebuilt.StackTrace);

        // A parameterless constructor is enough: the message is set afterwards.
        WireMessages.WriteError(frame, -1, new NoMessageConstructorException());
        (index, error) = WireMessages.ReadError(Payload(frame), processId: 99);
        Assert.Equal(-1, index);
        Assert.IsType<NoMessageConstructorException>(error);
        Assert.Equal(new NoMessageConstructorException().Message, error.Message);

        // No constructor that can be called without the type's own data: a WorkerException naming the type.
        WireMessages.WriteError(frame, -1, new CodeOnlyException(7));
        (index, error) = WireMessages.ReadError(Payload(frame), processId: 99);
        Assert.IsType<WorkerException>(error);
        Assert.Contains(nameof(CodeOnlyException), error.Message);
        Assert.Contains("code 7", error.Message);
    }

    [Fact]
    public void Output_round_trips()
    {
        var frame = new FrameBuffer();
        WireMessages.WriteOutput(frame, "hello from a worker ✓");
        Assert.Equal("hello from a worker ✓", WireMessages.ReadOutput(Payload(frame)));
    }

    private static ReadOnlyMemory<byte> ResultOf(int[] values, long workingSet)
    {
        var frame = new FrameBuffer();
        FrameChannel.BeginFrame(frame);
        var writer = new MessagePackWriter(frame);
        writer.WriteArrayHeader(values.Length);
        foreach (int v in values)
        {
            writer.Write(v);
        }

        WireMessages.WriteResultTrailer(ref writer, workingSet);
        writer.Flush();
        return Payload(frame);
    }

    private static Exception Thrown(Exception exception)
    {
        try
        {
            throw exception;
        }
        catch (Exception caught)
        {
            return caught;
        }
    }

    private readonly struct LengthBody : IParallelFunc<string, int>
    {
        public int Invoke(string item, CancellationToken cancellationToken) => item.Length;
    }

    private sealed class NoMessageConstructorException : Exception;

    private sealed class CodeOnlyException(int code) : Exception($"code {code}");
}

/// <summary>The batch sizer and the outcome rules, on their own.</summary>
public class BatchingAndOutcomeTests
{
    [Fact]
    public void Fixed_batch_size_is_kept_whatever_the_timings()
    {
        var sizer = new BatchSizer(fixedSize: 5, workers: 2);
        sizer.Record(5, 0.0001);
        Assert.Equal(5, sizer.Next(remaining: 1000));
    }

    [Fact]
    public void Automatic_batches_grow_while_fast_shrink_when_slow_and_shrink_at_the_end()
    {
        var sizer = new BatchSizer(fixedSize: 0, workers: 2);
        Assert.Equal(1, sizer.Next(remaining: 100_000));

        sizer.Record(1, 0.0001); // far below the ideal 50 ms: grow, at most 16x
        Assert.Equal(16, sizer.Next(remaining: 100_000));

        sizer.Record(16, 2.0); // above the 1 s ceiling: halve
        Assert.Equal(8, sizer.Next(remaining: 100_000));

        Assert.Equal(2, sizer.Next(remaining: 8)); // the end is dealt out in small batches: remaining / (2 × workers)
        Assert.Equal(1, sizer.Next(remaining: 1));
    }

    [Fact]
    public void A_bodys_exception_wins_over_cancellation_and_timeout()
    {
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        var error = new InvalidOperationException("body");

        Exception? outcome = Outcome.GetFailure(error, 3, cts.Token, stopped: true, TimeSpan.FromSeconds(1), completed: 1, total: 10);

        Assert.Same(error, outcome);
        Assert.Equal(3, error.GetParallelItemIndex());
    }

    [Fact]
    public void Caller_cancellation_wins_over_the_timeout_and_the_timeout_over_success()
    {
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        var cancelled = Assert.IsType<OperationCanceledException>(
            Outcome.GetFailure(null, -1, cts.Token, stopped: true, TimeSpan.FromSeconds(1), completed: 1, total: 10));
        Assert.Equal(cts.Token, cancelled.CancellationToken);

        var timeout = Assert.IsType<TimeoutException>(
            Outcome.GetFailure(new OperationCanceledException(), -1, CancellationToken.None, stopped: true, TimeSpan.FromSeconds(1), completed: 4, total: 10));
        Assert.Contains("4 of 10 items had completed", timeout.Message);

        Assert.Null(Outcome.GetFailure(null, -1, CancellationToken.None, stopped: false, TimeSpan.FromSeconds(1), completed: 10, total: 10));
    }

    [Fact]
    public void An_OperationCanceledException_thrown_before_the_stop_is_the_bodys_own()
    {
        var own = new OperationCanceledException("own");
        Assert.Same(own, Outcome.GetFailure(own, 2, CancellationToken.None, stopped: true, TimeSpan.FromSeconds(1), 1, 10, errorBeforeStop: true));
        Assert.Equal(2, own.GetParallelItemIndex());
        Assert.IsType<TimeoutException>(
            Outcome.GetFailure(new OperationCanceledException(), 2, CancellationToken.None, stopped: true, TimeSpan.FromSeconds(1), 1, 10, errorBeforeStop: false));
    }
}
