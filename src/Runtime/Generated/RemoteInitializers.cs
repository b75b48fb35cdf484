using System;
using System.Collections.Generic;
using System.ComponentModel;

namespace ParallelGen.Generated;

/// <summary>
/// The static methods passed as a process executor's <c>initializer</c>, registered by generated module initializers
/// under a stable id: the parent finds the id of the delegate it was given (delegate equality, no reflection), a worker
/// runs the method registered under that id.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class RemoteInitializers
{
    private static readonly List<(string Id, Action Initializer)> s_initializers = [];

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
}
