using System.Collections.Concurrent;
using ParallelGen.Tests.Shapes;

namespace ParallelGen.Tests;

public class GeneratedShapeTests
{
    [Fact]
    public void Single_parameter_returns_results_in_input_order()
    {
        int[] input = Enumerable.Range(0, 1000).Reverse().ToArray();
        Assert.Equal(input.Select(x => x * x), Work.SquareParallel(input));
    }

    [Fact]
    public void Global_namespace_type_works() =>
        Assert.Equal([1, 2, 3], GlobalNamespaceWork.IncrementParallel([0, 1, 2]));

    [Fact]
    public void Several_parameters_take_tuples() =>
        Assert.Equal(["1:a", "2:b"], Work.JoinParallel([(1, "a"), (2, "b")]));

    [Fact]
    public void Tuples_can_be_built_with_element_names() =>
        Assert.Equal(["3:c"], Work.JoinParallel([(a: 3, b: "c")]));

    [Fact]
    public void Void_method_runs_every_item()
    {
        var sink = new ConcurrentBag<int>();
        Work.RecordParallel(Enumerable.Range(0, 100).Select(i => (i, sink)));
        Assert.Equal(Enumerable.Range(0, 100), sink.Order());
    }

    [Fact]
    public async Task Void_method_async_version_runs_every_item()
    {
        var sink = new ConcurrentBag<int>();
        await Work.RecordParallelAsync(Enumerable.Range(0, 50).Select(i => (i, sink)));
        Assert.Equal(Enumerable.Range(0, 50), sink.Order());
    }

    [Fact]
    public async Task Task_of_T_method_gets_ParallelAsync_with_the_suffix_moved()
    {
        int[] doubled = await Work.DoubleParallelAsync(Enumerable.Range(0, 20));
        Assert.Equal(Enumerable.Range(0, 20).Select(x => 2 * x), doubled);
    }

    [Fact]
    public async Task ValueTask_of_T_method_is_awaited() =>
        Assert.Equal(["x", "y"], await Work.EchoParallelAsync(["x", "y"]));

    [Fact]
    public async Task Task_method_is_awaited()
    {
        var sink = new ConcurrentBag<int>();
        await Work.TouchParallelAsync(Enumerable.Range(0, 10).Select(i => (i, sink)));
        Assert.Equal(10, sink.Count);
    }

    [Fact]
    public void Parameterless_method_is_called_count_times()
    {
        int before = Work.Tickets;
        int[] tickets = Work.NextTicketParallel(25);
        Assert.Equal(25, Work.Tickets - before);
        Assert.Equal(25, tickets.Distinct().Count());
    }

    [Fact]
    public void Trailing_cancellation_token_receives_the_calls_token() =>
        Assert.All(Work.SeesTokenParallel([1, 2, 3]), Assert.True);

    [Fact]
    public void Nine_parameters_use_a_long_tuple() =>
        Assert.Equal([45], Work.NineParallel([(1, 2, 3, 4, 5, 6, 7, 8, 9)]));

    [Fact]
    public void Nullable_reference_types_flow_through() =>
        Assert.Equal<IEnumerable<string?>>(["A", null], Work.DescribeParallel(["a", null]));

    [Fact]
    public void Keyword_and_reserved_parameter_names_work()
    {
        Assert.Equal([6], Work.KeywordsParallel([(1, "hello")]));
        Assert.Equal([1], Work.ReservedNamesParallel([(3, 2)]));
    }

    [Fact]
    public void Extension_and_params_methods_work()
    {
        Assert.Equal([-1, -2], Work.NegateParallel([1, 2]));
        Assert.Equal([2, 0], Work.LengthParallel([[1, 2], []]));
    }

    [Fact]
    public void Instance_methods_of_any_accessibility_use_the_instance()
    {
        var counter = new Counter(10);
        Assert.Equal([10, 11], counter.AddParallel([0, 1]));
        Assert.Equal([4], counter.TwiceParallel([2]));
        Assert.Equal([-11], counter.HiddenAll([1]));
    }

    [Fact]
    public void Nested_generic_type_works() =>
        Assert.Equal(["a", "b"], Outer.Middle<string>.IdentityParallel(["a", "b"]));

    [Fact]
    public void Structs_and_records_work()
    {
        Assert.Equal([0, 3, 6], new Point { X = 3 }.ScaleParallel([0, 1, 2]));
        Assert.Equal([6], new Rec(5).PlusParallel([1]));
        Assert.Equal([4], new RecStruct(5).MinusParallel([1]));
    }

    [Fact]
    public void Empty_input_gives_empty_result_without_calls()
    {
        Assert.Empty(Work.SquareParallel([]));
        Assert.Empty(Work.NextTicketParallel(0));
    }

    [Fact]
    public void Null_items_throw_ArgumentNullException()
    {
        var ex = Assert.Throws<ArgumentNullException>(() => Work.SquareParallel(null!));
        Assert.Equal("items", ex.ParamName);
        Assert.Throws<ArgumentNullException>(() => { _ = Work.SquareParallelAsync(null!); });
        Assert.Throws<ArgumentNullException>(() => { _ = Work.DoubleParallelAsync(null!); });
    }

    [Fact]
    public void Input_sequence_is_enumerated_once()
    {
        int enumerations = 0;
        IEnumerable<int> Source()
        {
            enumerations++;
            for (int i = 0; i < 10; i++)
            {
                yield return i;
            }
        }

        Assert.Equal(10, Work.SquareParallel(Source()).Length);
        Assert.Equal(1, enumerations);
    }
}
