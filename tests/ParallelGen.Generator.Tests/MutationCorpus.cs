using System.Text;

namespace ParallelGen.Generator.Tests;

/// <summary>
/// A deterministic corpus of hostile inputs for the generator and analyzers: realistic ParallelGen programs (seeds with
/// slots for the container, the attribute, the modifiers, the signature and the body), each slot filled from a list of
/// valid and odd choices, then 0–3 text mutations (token deletion, duplication, swaps, truncation, inserted junk).
/// The same seed gives the same inputs on every machine.
/// </summary>
internal static class MutationCorpus
{
    private static readonly string[] s_seeds =
    [
        """
        using System;
        using System.Collections.Generic;
        using System.Threading;
        using System.Threading.Tasks;
        using ParallelGen;
        namespace {NS}
        {
            {TYPEATTR}{ACCESS} {CONTAINER} Work{TYPEPARAMS}
            {
                static int s_counter;
                {ATTR}
                {MODS} {RET} {NAME}({PARAMS}){BODY}

                public static int Helper(int x) => x + s_counter;
            }
            {EXTRA}
        }
        """,
        """
        using System.Collections.Generic;
        using ParallelGen;

        public record Sample(int Id, double[] Values);

        public static partial class Pipeline
        {
            {ATTR}
            {MODS} {RET} {NAME}({PARAMS}){BODY}

            public static double Run(List<Sample> samples)
            {
                var random = new System.Random(42);
                double total = 0;
                System.Threading.Tasks.Parallel.For(0, samples.Count, i => { total += random.NextDouble(); });
                return total;
            }
        }
        {EXTRA}
        """,
        """
        using System;
        using System.Collections.Generic;
        using System.Linq;
        using ParallelGen;

        public partial {CONTAINER} Outer{TYPEPARAMS}
        {
            public partial class Inner
            {
                private readonly List<int> _seen = new();
                {ATTR}
                {MODS} {RET} {NAME}({PARAMS}){BODY}
            }
        }
        {EXTRA}
        """,
    ];

    private static readonly string[] s_namespaces = ["Demo", "Demo.Work", "ParallelGen.Backend", "global", "System", "A.B.C", "@class"];

    private static readonly string[] s_typeAttributes = ["", "", "", "[Obsolete] ", "[Serializable] ", "[Obsolete(\"old\", true)] "];

    private static readonly string[] s_access = ["public", "public", "internal", "", "private", "file"];

    private static readonly string[] s_containers =
    [
        "static partial class", "static partial class", "partial class", "partial struct", "partial record", "partial record struct",
        "ref partial struct", "readonly partial struct", "sealed partial class", "abstract partial class", "partial interface",
        "class", "static class", "partial", "unsafe partial class", "readonly ref partial struct",
    ];

    private static readonly string[] s_typeParameters = ["", "", "", "<T>", "<T> where T : struct", "<TKey, TValue>", "<>"];

    private static readonly string[] s_attributes =
    [
        "[Parallelize]", "[Parallelize]", "[Parallelize(Jobs = 4)]", "[Parallelize(Jobs = -2, BatchSize = 16)]",
        "[Parallelize(Backend = Backend.Processes)]", "[Parallelize(Backend = Backend.Processes, Jobs = 2)]",
        "[Parallelize(Jobs = 0)]", "[Parallelize(Jobs = int.MinValue)]", "[Parallelize(Jobs = int.MaxValue)]",
        "[Parallelize(BatchSize = int.MinValue)]", "[Parallelize(Backend = (Backend)(-1))]", "[Parallelize(Backend = (Backend)42)]",
        "[Parallelize(Jobs = \"many\")]", "[Parallelize(Jobs = 1 / 0)]", "[Parallelize(Jobs = )]", "[Parallelize(Nope = 1)]",
        "[Parallelize, Parallelize]", "[Parallelize][Obsolete(\"use New\", true)]", "[Obsolete(\"use New\")][Parallelize]",
        "[method: Parallelize]", "[return: Parallelize]", "[ParallelGen.Parallelize(Jobs = 1)]", "[Parallelize(Jobs = 2)",
        "[Parallelize(Jobs = 3, Jobs = 4)]", "[Parallelize(Backend = Backend.Processes, BatchSize = -1)]",
    ];

    private static readonly string[] s_modifiers =
    [
        "public static", "public static", "internal static", "public", "private static", "public static async",
        "public async", "public static extern", "public abstract", "public static unsafe", "protected static",
        "public static partial", "public static new", "public virtual", "public static readonly", "static public",
    ];

    private static readonly (string Return, string Parameters, string Body)[] s_validSignatures =
    [
        ("int", "int x", " => x * x;"),
        ("double", "double value, System.Threading.CancellationToken cancellationToken", " => value;"),
        ("void", "string s, int n", " { }"),
        ("System.Threading.Tasks.Task<int>", "int x, System.Threading.CancellationToken ct", " => System.Threading.Tasks.Task.FromResult(x);"),
        ("System.Threading.Tasks.ValueTask", "", " => default;"),
        ("(int, string)", "int x", " => (x, \"\");"),
        ("System.Collections.Generic.List<int>", "int[] values", " => new System.Collections.Generic.List<int>(values);"),
        ("int", "(int a, int b) pair", " => pair.a + pair.b;"),
        ("string?", "int @class, string @int", " => @int;"),
        ("int", "int x", " { var r = new System.Random(); return r.Next(x); }"),
        ("int", "int Item2, int Item1", " => Item1 + Item2;"),
        ("long", "int x, long y, string z, double w", " => x + y;"),
        ("int?", "int? x", " => x;"),
        ("System.Collections.Generic.Dictionary<string, int[]>", "string key", " => new() { [key] = new[] { 1 } };"),
        ("int", "int x", " { int[] a = [1, 2, x]; return a.Length; }"),
        ("int", "int x", " => " + new string('(', 40) + "x" + new string(')', 40) + ";"),
    ];

    private static readonly string[] s_returns =
    [
        "int", "int", "double", "void", "string?", "Task<int>", "ValueTask", "Task", "ValueTask<string>", "int[]",
        "List<int>", "(int, string)", "(int A, string B)", "dynamic", "object", "Span<int>", "ref int", "int*",
        "IEnumerable<int>", "Task<dynamic>", "(int)", "??", "", "List<>", "Missing", "T", "Node<List<int>>",
        "Dictionary<string, List<(int, double)>>", "System.IO.Stream", "Func<int>", "Task<Task<int>>", "int?",
    ];

    private static readonly string[] s_names = ["Square", "Score", "FetchAsync", "@class", "Process", "Square", "M", "Dispose", "ToString", "WorkParallel"];

    private static readonly string[] s_parameters =
    [
        "int x", "int x", "int x, CancellationToken ct", "string s, int n", "", "double value, CancellationToken cancellationToken",
        "dynamic d", "List<dynamic> items", "int x, __arglist", "ref int x", "out int x", "in int x", "Span<int> span",
        "int* p", "(int) t", "int x, ...", "?? x", "int x,", "List<> xs", "Missing m", "T item", "Node<List<int>> node",
        "Envelope<string> e", "CancellationToken ct, int x", "int item, int Item1", "int Rest, int ToString",
        "params int[] values", "int x = 5", "System.IO.Stream stream", "Func<int, int> f", "object o", "(int a, int b) pair",
        "int @class, string @int", "Sample s", "int[][] jagged", "Dictionary<string, Node<int>> map", "int x, int x",
        "scoped ReadOnlySpan<char> s", "int x = \"s\"", "this int x", "ref readonly int x", "nint n", "delegate*<int, int> fp",
    ];

    private static readonly string[] s_bodies =
    [
        " => x * x;", " => default;", " { return default; }", " { s_counter++; return default; }", ";", " { }",
        " { var r = new Random(); return default; }", " { lock (this) { } return default; }", " => throw null!;",
        " { await Task.Yield(); return default; }", " { return Helper(1); }", " => ((((((((((1))))))))));",
        " { int[] a = [1, 2, 3]; return default; }", " { field = 1; return default; }", " { Parallel.For(0, 10, i => s_counter += i); return default; }",
        " { ", " => ", " { return x; } }", " { var list = new List<int>(); Parallel.ForEach(new[] { 1 }, i => list.Add(i)); return default; }",
    ];

    private static readonly string[] s_extras =
    [
        "", "", "",
        "public class Node<T> { public T Value { get; set; } = default!; public Node<List<T>>? Next { get; set; } }",
        "public class Envelope<T> { public T Item { get; set; } = default!; public Envelope<Envelope<T>>? Inner { get; set; } }",
        "public record Sample(int Id, double[] Values);",
        "public static class Ext { extension(int x) { [Parallelize] public int Twice() => x * 2; } }",
        "public static partial class Ext2 { [method: Parallelize] extension(int x) { public int Twice() => x * 2; } }",
        "public partial class Dup { [Parallelize] public static int M(int x) => x; [Parallelize] public static int M(int x) => x; }",
        "public ref partial struct RefBox { [Parallelize] public static int Sq(int x) => x * x; }",
        "public partial interface IWork { [Parallelize] static int M(int x) => x; }",
        "namespace ParallelGen.Backend { public static class Helper { } }",
        "public partial class Gen<T> where T : class { [Parallelize] public int M(T item) => 0; }",
        "public static partial class Deep { [Parallelize] public static int M(int x) => " + new string('(', 60) + "x" + new string(')', 60) + "; }",
    ];

    private static readonly string[] s_junk =
    [
        "[", "]", "{", "}", "(", ")", ";", ",", "<", ">", "?", "??", "...", "=>", "#if X", "#endif", "\"", "'", "/*", "*/", "@",
        "partial", "static", "ref", "unsafe", "[Parallelize]", "dynamic", "__arglist", "global::", "::", "file", "required",
        "extension(int x)", "#nullable disable", "#pragma warning disable", "\\u0041",
    ];

    /// <summary>The <paramref name="index"/>th input of the corpus with seed <paramref name="seed"/>.</summary>
    public static string Create(int seed, int index)
    {
        var random = new Random(unchecked((seed * 1_000_003) + index));
        string template = Pick(random, s_seeds);

        // Each slot takes one of its first (plain) choices most of the time, so that a fair share of the inputs are
        // valid programs; the signature is then one consistent (return, parameters, body) triple.
        bool plainSignature = random.Next(100) < 55;
        (string ret, string parameters, string body) = plainSignature
            ? Pick(random, s_validSignatures)
            : (Pick(random, s_returns), Pick(random, s_parameters), Pick(random, s_bodies));
        string source = template
            .Replace("{NS}", Slot(random, s_namespaces, 2))
            .Replace("{TYPEATTR}", Slot(random, s_typeAttributes, 3))
            .Replace("{ACCESS}", Slot(random, s_access, 3))
            .Replace("{CONTAINER}", Slot(random, s_containers, 3))
            .Replace("{TYPEPARAMS}", Slot(random, s_typeParameters, 3))
            .Replace("{ATTR}", Slot(random, s_attributes, 6))
            .Replace("{MODS}", Slot(random, s_modifiers, 3))
            .Replace("{RET}", ret)
            .Replace("{NAME}", Slot(random, s_names, 3))
            .Replace("{PARAMS}", parameters)
            .Replace("{BODY}", body)
            .Replace("{EXTRA}", Pick(random, s_extras));

        // Most inputs stay as the slots made them; the rest get 1–3 text mutations.
        int mutations = random.Next(100) < 65 ? 0 : random.Next(1, 4);
        for (int i = 0; i < mutations; i++)
        {
            source = Mutate(random, source);
        }

        return source;
    }

    private static string Mutate(Random random, string source)
    {
        if (source.Length == 0)
        {
            return Pick(random, s_junk);
        }

        List<(int Start, int Length)> tokens = Tokens(source);
        (int start, int length) = tokens.Count > 0 ? tokens[random.Next(tokens.Count)] : (0, 0);
        switch (random.Next(7))
        {
            case 0: // delete a token
                return source.Remove(start, length);
            case 1: // duplicate a token
                return source.Insert(start, source.Substring(start, length) + " ");
            case 2: // truncate the file (an unfinished edit)
                return source.Substring(0, random.Next(source.Length));
            case 3: // insert junk
                return source.Insert(start, " " + Pick(random, s_junk) + " ");
            case 4: // swap two tokens
                (int start2, int length2) = tokens[random.Next(tokens.Count)];
                if (start2 < start)
                {
                    (start, length, start2, length2) = (start2, length2, start, length);
                }

                if (start2 < start + length)
                {
                    return source;
                }

                string first = source.Substring(start, length);
                string second = source.Substring(start2, length2);
                return source.Substring(0, start) + second + source.Substring(start + length, start2 - start - length) + first + source.Substring(start2 + length2);
            case 5: // delete a line
                int lineStart = source.LastIndexOf('\n', Math.Max(0, start - 1)) + 1;
                int lineEnd = source.IndexOf('\n', start);
                return lineEnd < 0 ? source.Substring(0, lineStart) : source.Remove(lineStart, lineEnd - lineStart);
            default: // replace a token by another one of the file
                (int otherStart, int otherLength) = tokens[random.Next(tokens.Count)];
                return source.Substring(0, start) + source.Substring(otherStart, otherLength) + source.Substring(start + length);
        }
    }

    /// <summary>Rough tokens: runs of identifier characters, and single punctuation characters.</summary>
    private static List<(int Start, int Length)> Tokens(string source)
    {
        var tokens = new List<(int, int)>();
        int i = 0;
        while (i < source.Length)
        {
            char c = source[i];
            if (char.IsWhiteSpace(c))
            {
                i++;
                continue;
            }

            int start = i;
            if (char.IsLetterOrDigit(c) || c is '_' or '@')
            {
                while (i < source.Length && (char.IsLetterOrDigit(source[i]) || source[i] is '_' or '@'))
                {
                    i++;
                }
            }
            else
            {
                i++;
            }

            tokens.Add((start, i - start));
        }

        return tokens;
    }

    private static T Pick<T>(Random random, T[] choices) => choices[random.Next(choices.Length)];

    /// <summary>One of the first <paramref name="plain"/> choices with probability 0.75, otherwise any choice.</summary>
    private static string Slot(Random random, string[] choices, int plain) =>
        random.Next(100) < 75 ? choices[random.Next(plain)] : choices[random.Next(choices.Length)];

    /// <summary>A short, single-line rendering of an input for failure messages.</summary>
    public static string Describe(string source)
    {
        var builder = new StringBuilder(source.Length);
        foreach (char c in source)
        {
            builder.Append(c is '\r' or '\n' ? ' ' : c);
        }

        return builder.ToString();
    }
}
