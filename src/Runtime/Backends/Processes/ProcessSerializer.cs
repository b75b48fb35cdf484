using MessagePack;
using MessagePack.Resolvers;

namespace ParallelGen.Backends.Processes;

/// <summary>
/// How arguments and results cross between processes: MessagePack with the contractless resolver, so plain records,
/// classes and structs with public members, arrays, lists, dictionaries, tuples, enums and primitives need no
/// attributes. Types are never named in the data (no typeless/polymorphic resolver), and the untrusted-data security
/// settings bound the depth and hash-flooding of what is read. See docs/processes.md for the measured comparison.
/// </summary>
internal static class ProcessSerializer
{
    internal static readonly MessagePackSerializerOptions Options = MessagePackSerializerOptions.Standard
        .WithResolver(ContractlessStandardResolver.Instance)
        .WithSecurity(MessagePackSecurity.UntrustedData);
}
