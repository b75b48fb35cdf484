using System;

namespace ParallelGen;

/// <summary>
/// joblib's <c>delayed</c>: describes a function call without making it, so that <see cref="ParallelJobs"/> can make
/// many such calls in parallel.
/// </summary>
/// <example>
/// <code>
/// double[] roots = new ParallelJobs(jobs: 8).Run(
///     Enumerable.Range(0, 10).Select(i => Delayed.Call(Math.Sqrt, (double)i)));
/// </code>
/// </example>
public static class Delayed
{
    /// <summary>Describes the call <c>function()</c>.</summary>
    /// <typeparam name="TResult">The function's result type.</typeparam>
    /// <param name="function">The function to call later.</param>
    /// <returns>The described call.</returns>
    public static DelayedCall<TResult> Call<TResult>(Func<TResult> function)
    {
        ArgumentNullException.ThrowIfNull(function);
        return new DelayedCall<TResult>(function, function, []);
    }

    /// <summary>Describes the call <c>function(arg1)</c>.</summary>
    /// <typeparam name="T1">The argument type.</typeparam>
    /// <typeparam name="TResult">The function's result type.</typeparam>
    /// <param name="function">The function to call later.</param>
    /// <param name="arg1">Its argument.</param>
    /// <returns>The described call.</returns>
    public static DelayedCall<TResult> Call<T1, TResult>(Func<T1, TResult> function, T1 arg1)
    {
        ArgumentNullException.ThrowIfNull(function);
        return new DelayedCall<TResult>(() => function(arg1), function, [arg1]);
    }

    /// <summary>Describes the call <c>function(arg1, arg2)</c>.</summary>
    /// <typeparam name="T1">The first argument type.</typeparam>
    /// <typeparam name="T2">The second argument type.</typeparam>
    /// <typeparam name="TResult">The function's result type.</typeparam>
    /// <param name="function">The function to call later.</param>
    /// <param name="arg1">Its first argument.</param>
    /// <param name="arg2">Its second argument.</param>
    /// <returns>The described call.</returns>
    public static DelayedCall<TResult> Call<T1, T2, TResult>(Func<T1, T2, TResult> function, T1 arg1, T2 arg2)
    {
        ArgumentNullException.ThrowIfNull(function);
        return new DelayedCall<TResult>(() => function(arg1, arg2), function, [arg1, arg2]);
    }

    /// <summary>Describes the call <c>function(arg1, arg2, arg3)</c>.</summary>
    /// <typeparam name="T1">The first argument type.</typeparam>
    /// <typeparam name="T2">The second argument type.</typeparam>
    /// <typeparam name="T3">The third argument type.</typeparam>
    /// <typeparam name="TResult">The function's result type.</typeparam>
    /// <param name="function">The function to call later.</param>
    /// <param name="arg1">Its first argument.</param>
    /// <param name="arg2">Its second argument.</param>
    /// <param name="arg3">Its third argument.</param>
    /// <returns>The described call.</returns>
    public static DelayedCall<TResult> Call<T1, T2, T3, TResult>(Func<T1, T2, T3, TResult> function, T1 arg1, T2 arg2, T3 arg3)
    {
        ArgumentNullException.ThrowIfNull(function);
        return new DelayedCall<TResult>(() => function(arg1, arg2, arg3), function, [arg1, arg2, arg3]);
    }
}

/// <summary>A function call described by <see cref="Delayed"/>, made later by <see cref="ParallelJobs"/>.</summary>
/// <typeparam name="TResult">The call's result type.</typeparam>
public readonly struct DelayedCall<TResult>
{
    private readonly Func<TResult>? _invoke;

    internal DelayedCall(Func<TResult> invoke, Delegate function, object?[] arguments, Remote.RemoteCallDescriptor<TResult>? remote = null)
    {
        _invoke = invoke;
        Function = function;
        Arguments = arguments;
        Remote = remote;
    }

    /// <summary>
    /// The method id and typed arguments a worker outside this process runs the call with; set by the generated
    /// interceptor of a <c>Delayed.Call(StaticMethod, …)</c> call site, <see langword="null"/> for any other call.
    /// </summary>
    internal Remote.RemoteCallDescriptor<TResult>? Remote { get; }

    /// <summary>This call with its remote descriptor.</summary>
    internal DelayedCall<TResult> WithRemote(Remote.RemoteCallDescriptor<TResult> remote) => new(_invoke!, Function, Arguments, remote);

    /// <summary>The function that will be called.</summary>
    public Delegate Function { get; }

    /// <summary>The arguments it will be called with.</summary>
    public object?[] Arguments { get; }

    /// <summary>Makes the call now, on the current thread.</summary>
    /// <returns>The function's result.</returns>
    public TResult Invoke() =>
        _invoke is null
            ? throw new InvalidOperationException("This DelayedCall is default; create calls with Delayed.Call(...).")
            : _invoke();

    /// <inheritdoc/>
    public override string ToString() =>
        $"{Function?.Method.Name ?? "<none>"}({string.Join(", ", Arguments ?? [])})";
}
