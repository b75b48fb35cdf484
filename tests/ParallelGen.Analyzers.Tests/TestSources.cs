namespace ParallelGen.Analyzers.Tests;

internal static class TestSources
{
    /// <summary>The usings test sources start with (ImplicitUsings does not apply to them).</summary>
    public const string Usings = """
        using System;
        using System.Collections.Generic;
        using System.Linq;
        using System.Threading;
        using System.Threading.Tasks;
        using ParallelGen;

        """;

    /// <summary><see cref="Usings"/> with the using the collection fix adds, where it adds it.</summary>
    public const string UsingsWithConcurrent = """
        using System;
        using System.Collections.Concurrent;
        using System.Collections.Generic;
        using System.Linq;
        using System.Threading;
        using System.Threading.Tasks;
        using ParallelGen;

        """;
}
