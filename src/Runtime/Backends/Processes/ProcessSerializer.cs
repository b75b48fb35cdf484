using System.Threading;
using System.Threading.Tasks;
using MessagePack;
using MessagePack.Formatters;
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
    internal static readonly MessagePackSerializerOptions Options =
        new MessagePackSerializerOptions(ProcessResolver.Instance).WithSecurity(MessagePackSecurity.UntrustedData);

    /// <summary>
    /// Resolves the formatters of a call's types in the background (while a worker starts, say), once per pair of
    /// types: later calls find them resolved.
    /// </summary>
    internal static void Prewarm<TItem, TResult>()
    {
        if (Interlocked.Exchange(ref Prewarmed<TItem, TResult>.Started, 1) == 0)
        {
            _ = Task.Run(static () =>
            {
                _ = ProcessResolver.Instance.GetFormatter<TItem>();
                _ = ProcessResolver.Instance.GetFormatter<TResult>();
            });
        }
    }

    private static class Prewarmed<TItem, TResult>
    {
        internal static int Started;
    }

    /// <summary>
    /// The built-in formatters first, the contractless resolver only for other types: the same formatters as
    /// <see cref="ContractlessStandardResolver"/>, but a call with only primitive types never pays for setting up
    /// MessagePack's dynamic code generation (tens of milliseconds of a worker's cold start).
    /// </summary>
    private sealed class ProcessResolver : IFormatterResolver
    {
        internal static readonly ProcessResolver Instance = new();

        public IMessagePackFormatter<T>? GetFormatter<T>() => Cache<T>.Formatter;

        private static class Cache<T>
        {
            internal static readonly IMessagePackFormatter<T>? Formatter =
                BuiltinResolver.Instance.GetFormatter<T>() ?? Contractless();

            private static IMessagePackFormatter<T>? Contractless() =>
                ContractlessStandardResolver.Instance.GetFormatter<T>();
        }
    }
}
