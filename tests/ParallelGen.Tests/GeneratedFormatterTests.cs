using System.Buffers;
using System.Reflection;
using System.Text.Json;
using MessagePack;
using MessagePack.Formatters;
using ParallelGen.Generated;
using ParallelGen.Remote;

namespace ParallelGen.Tests;

/// <summary>
/// The formatters the generator writes for remote methods (issue 13), run: every shape PG0006 accepts round-trips
/// through the formatter registered with its method, and through a real worker process.
/// </summary>
public class GeneratedFormatterTests
{
    /// <summary>
    /// Fields included; NaN and infinities allowed; a DateTime compared by its ticks, since MessagePack's DateTime
    /// formatter (which the generated code leaves DateTime to, as before) sends an unspecified kind as UTC.
    /// </summary>
    internal static readonly JsonSerializerOptions Json = new()
    {
        IncludeFields = true,
        NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals,
        Converters = { new TicksConverter() },
    };

    private sealed class TicksConverter : System.Text.Json.Serialization.JsonConverter<DateTime>
    {
        public override DateTime Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => new(reader.GetInt64());

        public override void Write(Utf8JsonWriter writer, DateTime value, JsonSerializerOptions options) => writer.WriteNumberValue(value.Ticks);
    }

    /// <summary>Structural equality through JSON (fields included): records holding arrays do not compare by value.</summary>
    private static void AssertSame<T>(T expected, T actual) =>
        Assert.Equal(JsonSerializer.Serialize(expected, GeneratedFormatterTests.Json), JsonSerializer.Serialize(actual, GeneratedFormatterTests.Json));

    /// <summary>The method id of a generated body, read from the body (the generator decides it).</summary>
    internal static string MethodId(string method)
    {
        Type body = typeof(FormatterTargets).GetNestedTypes(BindingFlags.NonPublic)
            .Single(t => t.Name.StartsWith("__ParallelGen_" + method + "_", StringComparison.Ordinal) && !t.Name.EndsWith("_Formatters", StringComparison.Ordinal));
        return ((IRemoteBody)Activator.CreateInstance(body)!).MethodId;
    }

    private static (IMessagePackFormatter<TItem> Items, IMessagePackFormatter<TResult> Results) Formatters<TItem, TResult>(string method)
    {
        var formatters = RemoteSerializer.FormattersOf<TItem, TResult>(MethodId(method));
        Assert.EndsWith("_Formatters", formatters.Items.GetType().DeclaringType?.Name ?? "(not generated)", StringComparison.Ordinal);
        Assert.EndsWith("_Formatters", formatters.Results.GetType().DeclaringType?.Name ?? "(not generated)", StringComparison.Ordinal);
        return formatters;
    }

    private static T RoundTrip<T>(IMessagePackFormatter<T> formatter, T value, out byte[] bytes)
    {
        var buffer = new ArrayBufferWriter<byte>();
        var writer = new MessagePackWriter(buffer);
        formatter.Serialize(ref writer, value, RemoteSerializer.Options);
        writer.Flush();
        bytes = buffer.WrittenSpan.ToArray();
        var reader = new MessagePackReader(bytes);
        T back = formatter.Deserialize(ref reader, RemoteSerializer.Options);
        Assert.True(reader.End, "the formatter left data unread");
        return back;
    }

    [Fact]
    public void Every_shape_round_trips_through_the_generated_formatter()
    {
        var (items, results) = Formatters<Everything, Everything>(nameof(FormatterTargets.EchoEverything));
        Everything sample = Everything.Sample(3);
        Everything back = RoundTrip(items, sample, out byte[] bytes);
        AssertSame(sample, back);
        AssertSame(sample, RoundTrip(results, sample, out _));
        Assert.Equal(3, back.Chain!.Length);
        Assert.Equal(12.5m, back.Account!.Balance);
        Assert.IsType<List<string>>(back.Words); // interfaces come back as the concrete collection

        // No type or member names on the wire.
        string text = System.Text.Encoding.UTF8.GetString(bytes);
        Assert.DoesNotContain(nameof(Everything), text, StringComparison.Ordinal);
        Assert.DoesNotContain(nameof(Everything.PointList), text, StringComparison.Ordinal);
        Assert.DoesNotContain("ParallelGen", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Null_members_and_defaults_round_trip()
    {
        var (items, _) = Formatters<Everything, Everything>(nameof(FormatterTargets.EchoEverything));
        var empty = new Everything { Text = null, Doubles = null, Legacy = null, Chain = null, Account = null, Polygon = null, NestedBox = null };
        AssertSame(empty, RoundTrip(items, empty, out _));
        Assert.Null(RoundTrip(items, null!, out byte[] nil));
        Assert.Equal([0xc0], nil);
    }

    [Fact]
    public void Blittable_arrays_cross_as_one_binary_block_of_raw_bytes()
    {
        var (items, _) = Formatters<double[], double[]>(nameof(FormatterTargets.EchoDoubles));
        double[] values = [.. Enumerable.Range(0, 1000).Select(i => i * 1.000001)];
        Assert.Equal(values, RoundTrip(items, values, out byte[] bytes));
        Assert.Equal(1000 * sizeof(double) + 3, bytes.Length); // bin16 header (3 bytes) + the doubles
        Assert.Equal(0xc5, bytes[0]);
        Assert.Empty(RoundTrip(items, [], out _));

        var corrupt = new ArrayBufferWriter<byte>();
        var writer = new MessagePackWriter(corrupt);
        writer.Write(new byte[] { 1, 2, 3 });
        writer.Flush();
        Assert.Throws<MessagePackSerializationException>(() =>
        {
            var reader = new MessagePackReader(corrupt.WrittenMemory);
            return RemoteFormat.ReadBlittable<double>(ref reader);
        });
    }

    [Fact]
    public void Several_parameters_cross_as_a_tuple_and_results_as_theirs()
    {
        var (items, results) = Formatters<(int, string?, Tint?), (int, string?, Tint?)>(nameof(FormatterTargets.EchoMany));
        Assert.Equal((1, "a", Tint.Blue), RoundTrip(items, (1, "a", Tint.Blue), out _));
        Assert.Equal((2, null, null), RoundTrip(results, (2, (string?)null, (Tint?)null), out _));
    }

    [Fact]
    public void A_changed_shape_is_an_error_not_garbage()
    {
        // An object as an array of members: a count that does not match is an error.
        var (items, _) = Formatters<Everything, Everything>(nameof(FormatterTargets.EchoEverything));
        var buffer = new ArrayBufferWriter<byte>();
        var writer = new MessagePackWriter(buffer);
        writer.WriteArrayHeader(2);
        writer.Write(1);
        writer.Write(2);
        writer.Flush();
        var error = Assert.Throws<MessagePackSerializationException>(() =>
        {
            var reader = new MessagePackReader(buffer.WrittenMemory);
            return items.Deserialize(ref reader, RemoteSerializer.Options);
        });
        Assert.Contains("values, but the data holds 2", error.Message, StringComparison.Ordinal);

        // A packed object (primitives, enums and strings only): a block too short or too long is an error.
        var (pixels, _) = Formatters<Pixel, Pixel>(nameof(FormatterTargets.EchoPixel));
        foreach (int length in new[] { 3, 64 })
        {
            var block = new ArrayBufferWriter<byte>();
            var blockWriter = new MessagePackWriter(block);
            blockWriter.Write(new byte[length]);
            blockWriter.Flush();
            Assert.Throws<MessagePackSerializationException>(() =>
            {
                var reader = new MessagePackReader(block.WrittenMemory);
                return pixels.Deserialize(ref reader, RemoteSerializer.Options);
            });
        }
    }

    [Fact]
    public void Flat_objects_cross_packed_as_one_binary_block()
    {
        var (pixels, _) = Formatters<Pixel, Pixel>(nameof(FormatterTargets.EchoPixel));
        var pixel = new Pixel { X = -1, Y = int.MaxValue, Tint = Tint.Blue, Note = "nöte 中" };
        AssertSame(pixel, RoundTrip(pixels, pixel, out byte[] bytes));
        Assert.Equal(0xc4, bytes[0]); // bin8: one binary block
        AssertSame(new Pixel(), RoundTrip(pixels, new Pixel(), out _)); // a null string
    }

    [Fact]
    public void Types_left_to_the_resolver_find_the_generated_formatters_of_their_elements()
    {
        // ImmutableArray<Point3> goes to MessagePack's resolver; Point3 inside it uses the generated formatter.
        IMessagePackFormatter<Point3>? point = RemoteSerializer.Options.Resolver.GetFormatter<Point3>();
        Assert.EndsWith("_Formatters", point?.GetType().DeclaringType?.Name ?? "(not generated)", StringComparison.Ordinal);
    }
}

/// <summary>The same shapes through worker processes.</summary>
[Collection(nameof(ProcessCollection))]
public class GeneratedFormatterProcessTests
{
    private static void AssertSame<T>(T expected, T actual) =>
        Assert.Equal(JsonSerializer.Serialize(expected, GeneratedFormatterTests.Json), JsonSerializer.Serialize(actual, GeneratedFormatterTests.Json));

    [Fact]
    public void Every_shape_crosses_to_a_worker_and_back()
    {
        Everything[] values = [Everything.Sample(1), Everything.Sample(2), new Everything()];
        AssertSame(values, FormatterTargets.EchoEverythingParallel(values));

        double[][] arrays = [[.. Enumerable.Range(0, 1000).Select(i => i / 3.0)], [], [double.NaN]];
        AssertSame(arrays, FormatterTargets.EchoDoublesParallel(arrays));

        (int, string?, Tint?)[] many = [(1, "one", Tint.Red), (2, null, null)];
        Assert.Equal(many, FormatterTargets.EchoManyParallel(many));

        Chain?[] chains = [new Chain { Name = "x", Next = new Chain { Name = "y" } }, null];
        AssertSame(chains, FormatterTargets.EchoChainParallel(chains));

        Dictionary<string, List<Polygon>>[] indexes = [new() { ["tri"] = [new Polygon("tri", new Point3(1, 2, 3))] }, []];
        AssertSame(indexes, FormatterTargets.EchoIndexParallel(indexes));

        Assert.Equal([Tint.Blue, Tint.None], FormatterTargets.EchoTintParallel([Tint.Blue, Tint.None]));
        Pixel[] pixels = [new Pixel { X = 1, Y = 2, Tint = Tint.Red, Note = "n" }];
        AssertSame(pixels, FormatterTargets.EchoPixelParallel(pixels));
        Assert.Equal([1.25m, -3m], FormatterTargets.EchoMoneyParallel([1.25m, -3m]));
        Assert.Equal(["count only", "count only"], FormatterTargets.NameParallel(2));
    }
}
