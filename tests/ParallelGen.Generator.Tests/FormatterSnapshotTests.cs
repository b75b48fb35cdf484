namespace ParallelGen.Generator.Tests;

/// <summary>
/// The MessagePack formatters generated for a remote method's types (issue 13), compared with committed snapshots
/// (see <see cref="SnapshotTests"/>): the generated code must also compile warning-free with the method.
/// </summary>
public class FormatterSnapshotTests
{
    [Fact]
    public void Formatters_for_every_shape() => SnapshotTests.Verify("""
        using ParallelGen;
        using System;
        using System.Collections.Generic;
        using System.Collections.Immutable;
        namespace Demo;

        public enum Color : byte { Red, Green }

        public sealed record Point(int X, double Y);

        public struct Cell
        {
            public int Row;
            public string? Label { get; set; }
        }

        public sealed class Node
        {
            public string Name { get; init; } = "";
            public Node? Next { get; set; }
            public required int Weight { get; init; }
            public int Twice => Weight * 2;
        }

        public record Derived(string Tag, Point Where) : Base(Tag.Length);

        public record Base(int Size);

        public static partial class Shapes
        {
            [Parallelize(Backend = Backend.Processes)]
            public static (Point, Color?) Everything(
                Point point, Cell cell, Node? node, Derived derived, double[] samples, string[] names, int[][] jagged,
                List<Point> points, Dictionary<string, List<int>> index, HashSet<long> ids, IReadOnlyList<Color> colors,
                IEnumerable<string> words, (int A, string B) pair, Tuple<int, string> legacy, KeyValuePair<string, int> entry,
                decimal money, DateTime when, ImmutableArray<Point> frozen, int? maybe) => (point, null);
        }
        """, expectedFiles: 2); // the method, and the assembly's worker entry

    [Fact]
    public void Formatters_for_a_void_method_and_a_count_only_method() => SnapshotTests.Verify("""
        using ParallelGen;
        using System.Threading.Tasks;
        namespace Demo;
        public static partial class Small
        {
            [Parallelize(Backend = Backend.Processes)]
            public static Task StoreAsync(byte[] blob) => Task.CompletedTask;

            [Parallelize(Backend = Backend.Processes)]
            public static string Name() => "";
        }
        """, expectedFiles: 3); // the two methods, and the assembly's worker entry
}
