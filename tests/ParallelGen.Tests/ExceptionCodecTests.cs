using System.Buffers;
using MessagePack;
using ParallelGen.Remote;

namespace ParallelGen.Tests;

/// <summary>How a worker's exception is rebuilt in the parent (ParallelGen.Remote.ExceptionCodec).</summary>
public class ExceptionCodecTests
{
    [Fact]
    public void A_framework_exception_whose_type_cannot_be_looked_up_keeps_its_type()
    {
        // What a Native AOT parent sees: the assembly-qualified name finds nothing (no reflection data), the full name
        // is a common framework exception, which is created without reflection.
        Exception rebuilt = Read("System.ArgumentOutOfRangeException, Missing.Assembly", "System.ArgumentOutOfRangeException", "bad x");
        var typed = Assert.IsType<ArgumentOutOfRangeException>(rebuilt);
        Assert.Equal("bad x", typed.Message);
        Assert.Equal(4242, typed.Data["ParallelGen.WorkerProcessId"]);
        Assert.Contains("end of stack trace in ParallelGen worker process 4242", typed.StackTrace, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unknown_exception_type_arrives_as_WorkerException()
    {
        Exception rebuilt = Read("Some.UserException, Missing.Assembly", "Some.UserException", "boom");
        var worker = Assert.IsType<WorkerException>(rebuilt);
        Assert.Equal("Some.UserException", worker.RemoteTypeName);
    }

    private static Exception Read(string assemblyQualifiedName, string fullName, string message)
    {
        var buffer = new ArrayBufferWriter<byte>();
        var writer = new MessagePackWriter(buffer);
        writer.Write(assemblyQualifiedName);
        writer.Write(fullName);
        writer.Write(message);
        writer.Write("   at Worker.Method()");
        writer.Write(fullName + ": " + message);
        writer.Flush();
        var reader = new MessagePackReader(buffer.WrittenMemory);
        return ExceptionCodec.Read(ref reader, 4242);
    }
}
