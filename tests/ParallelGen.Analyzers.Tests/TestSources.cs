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
}
