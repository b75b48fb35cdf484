// Regression corpus: PLINQ queries.
using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;

namespace Corpus.Plinq;

public sealed record Document(string Path, string Text);

public static class Queries
{
    public static double MeanLength(IEnumerable<Document> documents) =>
        documents.AsParallel().Select(d => d.Text.Length).DefaultIfEmpty().Average();

    public static string[] LongestWords(IEnumerable<Document> documents, int count) =>
        documents.AsParallel()
            .SelectMany(d => d.Text.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Distinct(StringComparer.OrdinalIgnoreCase)
            .OrderByDescending(w => w.Length)
            .ThenBy(w => w, StringComparer.Ordinal)
            .Take(count)
            .ToArray();

    public static ILookup<char, string> ByInitial(IEnumerable<string> words) =>
        words.AsParallel().Where(w => w.Length > 0).ToLookup(w => char.ToLowerInvariant(w[0]));

    public static long CountMatches(IEnumerable<Document> documents, string needle, CancellationToken cancellationToken) =>
        documents.AsParallel()
            .WithCancellation(cancellationToken)
            .WithDegreeOfParallelism(4)
            .Sum(d => (long)CountOccurrences(d.Text, needle));

    private static int CountOccurrences(string text, string needle)
    {
        int count = 0;
        for (int i = text.IndexOf(needle, StringComparison.Ordinal); i >= 0; i = text.IndexOf(needle, i + 1, StringComparison.Ordinal))
        {
            count++;
        }

        return count;
    }

    /// <summary>Real bugs: side effects in PLINQ delegates.</summary>
    public static List<string> Paths(IEnumerable<Document> documents, out int empty)
    {
        var paths = new List<string>();
        int emptyCount = 0;
        documents.AsParallel().ForAll(d =>
        {
            if (d.Text.Length == 0)
            {
                emptyCount++;   // expect: PG0003
            }

            paths.Add(d.Path);   // expect: PG0004
        });
        empty = emptyCount;
        return paths;
    }

    private static int s_seen;

    public static int[] Lengths(IEnumerable<Document> documents) =>
        documents.AsParallel().Select(d => { s_seen++; return d.Text.Length; }).ToArray();   // expect: PG0003
}
