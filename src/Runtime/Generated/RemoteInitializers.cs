using System;
using System.Buffers;
using System.Collections.Generic;
using System.ComponentModel;
using MessagePack;
using MessagePack.Formatters;
using ParallelGen.Remote;

namespace ParallelGen.Generated;

/// <summary>
/// The static methods passed as a process executor's <c>initializer</c>, registered by generated module initializers
/// under a stable id: the parent finds the id of the delegate it was given (delegate equality, no reflection), a worker
/// runs the method registered under that id. An initializer with parameters
/// (<see cref="ParallelExecutor.Create{T}(int, Backend, Action{T}, T)"/>) is registered with the formatter of
/// its arguments: the parent writes the arguments once, a worker reads them and runs the method.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class RemoteInitializers
{
    private static readonly List<(string Id, Action Initializer)> s_initializers = [];
    private static readonly List<WithArguments> s_withArguments = [];

    /// <summary>Registers <paramref name="initializer"/> under <paramref name="id"/>.</summary>
    /// <param name="id">The method's stable id.</param>
    /// <param name="initializer">A delegate of the static method.</param>
    public static void Register(string id, Action initializer)
    {
        ArgumentNullException.ThrowIfNull(id);
        ArgumentNullException.ThrowIfNull(initializer);
        lock (s_initializers)
        {
            if (!s_initializers.Exists(e => e.Id == id))
            {
                s_initializers.Add((id, initializer));
            }
        }
    }

    /// <summary>The id of a registered initializer equal to <paramref name="initializer"/> (same static method), or <see langword="null"/>.</summary>
    internal static string? IdOf(Action initializer)
    {
        if (initializer.Target is not null)
        {
            return null;
        }

        lock (s_initializers)
        {
            foreach ((string id, Action registered) in s_initializers)
            {
                if (registered.Equals(initializer))
                {
                    return id;
                }
            }
        }

        return null;
    }

    /// <summary>The initializer registered under <paramref name="id"/>, or <see langword="null"/>.</summary>
    internal static Action? Get(string id)
    {
        lock (s_initializers)
        {
            foreach ((string registeredId, Action registered) in s_initializers)
            {
                if (registeredId == id)
                {
                    return registered;
                }
            }
        }

        return null;
    }
    /// <summary>
    /// Registers the initializer <paramref name="initializer"/>, which takes arguments, under <paramref name="id"/>:
    /// <paramref name="invoke"/> calls it with its arguments packed as <typeparamref name="TArgs"/> (one type, or a
    /// tuple of several), which cross with <paramref name="formatter"/> (the generated one; <see langword="null"/>:
    /// MessagePack's resolver).
    /// </summary>
    /// <typeparam name="TArgs">The packed arguments.</typeparam>
    /// <param name="id">The method's stable id.</param>
    /// <param name="initializer">A delegate of the static method, as the program passes it (found again by equality).</param>
    /// <param name="invoke">Calls the method with unpacked arguments.</param>
    /// <param name="formatter">The arguments' formatter.</param>
    public static void Register<TArgs>(string id, Delegate initializer, Action<TArgs> invoke, IMessagePackFormatter<TArgs>? formatter)
    {
        ArgumentNullException.ThrowIfNull(id);
        ArgumentNullException.ThrowIfNull(initializer);
        ArgumentNullException.ThrowIfNull(invoke);
        lock (s_withArguments)
        {
            if (!s_withArguments.Exists(e => e.Id == id))
            {
                s_withArguments.Add(new WithArguments<TArgs>(id, initializer, invoke, formatter));
            }
        }
    }

    /// <summary>
    /// The id of the registered initializer with arguments equal to <paramref name="initializer"/>, and its arguments
    /// <paramref name="arguments"/> written with its formatter; <see langword="null"/> when it is not registered.
    /// </summary>
    internal static (string Id, byte[] Arguments)? Prepare<TArgs>(Delegate initializer, TArgs arguments)
    {
        if (initializer.Target is not null)
        {
            return null;
        }

        WithArguments? found = null;
        lock (s_withArguments)
        {
            found = s_withArguments.Find(e => e.Initializer.Equals(initializer));
        }

        return found is WithArguments<TArgs> typed ? (typed.Id, typed.Write(arguments)) : null;
    }

    /// <summary>Runs the initializer registered under <paramref name="id"/> with arguments read from <paramref name="arguments"/>; false when none is.</summary>
    internal static bool TryRun(string id, ReadOnlyMemory<byte> arguments)
    {
        WithArguments? found;
        lock (s_withArguments)
        {
            found = s_withArguments.Find(e => e.Id == id);
        }

        if (found is null)
        {
            return false;
        }

        found.Run(arguments);
        return true;
    }

    private abstract class WithArguments(string id, Delegate initializer)
    {
        internal string Id { get; } = id;

        internal Delegate Initializer { get; } = initializer;

        internal abstract void Run(ReadOnlyMemory<byte> arguments);
    }

    private sealed class WithArguments<TArgs>(string id, Delegate initializer, Action<TArgs> invoke, IMessagePackFormatter<TArgs>? formatter)
        : WithArguments(id, initializer)
    {
        private IMessagePackFormatter<TArgs> Formatter =>
            formatter ?? RemoteSerializer.Options.Resolver.GetFormatterWithVerify<TArgs>();

        internal byte[] Write(TArgs arguments)
        {
            var buffer = new ArrayBufferWriter<byte>();
            var writer = new MessagePackWriter(buffer);
            Formatter.Serialize(ref writer, arguments, RemoteSerializer.Options);
            writer.Flush();
            return buffer.WrittenSpan.ToArray();
        }

        internal override void Run(ReadOnlyMemory<byte> arguments)
        {
            var reader = new MessagePackReader(arguments);
            TArgs value = Formatter.Deserialize(ref reader, RemoteSerializer.Options);
            invoke(value);
        }
    }
}
