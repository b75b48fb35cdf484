using System.Collections.Generic;
using Microsoft.CodeAnalysis;

namespace ParallelGen.Shared;

/// <summary>What a <c>[Parallelize]</c> attribute asks for: its Jobs, Backend and BatchSize, and the range Jobs may take.</summary>
internal static class ParallelizeArguments
{
    /// <summary>Reads the attribute's named arguments (defaults where absent or erroneous).</summary>
    public static void Read(AttributeData attribute, out int jobs, out BackendKind backend, out int batchSize)
    {
        jobs = -1;
        backend = BackendKind.Threads;
        batchSize = 0;
        foreach (KeyValuePair<string, TypedConstant> argument in attribute.NamedArguments)
        {
            if (argument.Value.Kind == TypedConstantKind.Error || argument.Value.Value is null)
            {
                continue;
            }

            switch (argument.Key)
            {
                case "Jobs" when argument.Value.Value is int j:
                    jobs = j;
                    break;
                case "Backend" when argument.Value.Value is int b:
                    backend = BackendKind.FromValue(b);
                    break;
                case "BatchSize" when argument.Value.Value is int s:
                    batchSize = s;
                    break;
            }
        }
    }

    /// <summary>The most negative Jobs accepted: "CPUs + 1 + Jobs" is below one on every machine for smaller values.</summary>
    public const int MinJobs = -1024;
}
