using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;

namespace ParallelGen;

/// <summary>
/// joblib's <c>Parallel(n_jobs=...)</c>: runs described calls in parallel and returns their results in order.
/// (Named <c>ParallelJobs</c> so that it never collides with <see cref="System.Threading.Tasks.Parallel"/>.)
/// </summary>
/// <example>
/// <code>
/// // Python: Parallel(n_jobs=8)(delayed(f)(x) for x in L)
/// int[] results = new ParallelJobs(jobs: 8).Run(L.Select(x => Delayed.Call(F, x)));
/// </code>
/// </example>
public sealed class ParallelJobs
{
    private readonly ParallelizeOptions? _options;
    private readonly ParallelDefaults _defaults;

    /// <summary>Creates a runner.</summary>
    /// <param name="jobs">joblib's <c>n_jobs</c>: see <see cref="ParallelizeAttribute.Jobs"/>.</param>
    /// <param name="batchSize">Items per batch; 0 = automatic.</param>
    /// <param name="verbose">joblib's <c>verbose</c>: see <see cref="ParallelizeOptions.Verbose"/>.</param>
    public ParallelJobs(int jobs = -1, int batchSize = 0, int verbose = 0)
        : this(new ParallelizeOptions { Jobs = jobs, BatchSize = batchSize, Verbose = verbose })
    {
    }

    /// <summary>Creates a runner with full options.</summary>
    /// <param name="options">The options; <see cref="ParallelizeOptions.Jobs"/> defaults to -1 (all CPUs).</param>
    public ParallelJobs(ParallelizeOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        _defaults = new ParallelDefaults();
        Jobs = Internal.RunSettings.Resolve(_defaults, options).Jobs;
    }

    /// <summary>The number of workers this runner uses (after resolving negative values).</summary>
    public int Jobs { get; }

    /// <summary>Makes every call in parallel and returns the results in the calls' order.</summary>
    /// <typeparam name="TResult">The calls' result type.</typeparam>
    /// <param name="calls">Calls described with <see cref="Delayed"/>.</param>
    /// <param name="cancellationToken">Stops the run: no further calls start.</param>
    /// <returns>The results in order.</returns>
    /// <exception cref="NotSupportedException">
    /// The runner's backend is not <see cref="Backend.Threads"/> and a call was not described with a static method
    /// (a lambda or a method that captures state cannot cross to a worker; the compiler reports it as PG0008).
    /// </exception>
    public TResult[] Run<TResult>(IEnumerable<DelayedCall<TResult>> calls, CancellationToken cancellationToken = default)
    {
        if (!RunsRemotely())
        {
            return ParallelRunner.Map<DelayedCall<TResult>, TResult, DelayedBody<TResult>>(calls, default, _defaults, _options, cancellationToken);
        }

        (string, byte[])[] envelopes = Envelopes(calls, out Remote.InterceptedCallBody body);
        return Decode<TResult>(ParallelRunner.Map<(string, byte[]), byte[], Remote.InterceptedCallBody>(envelopes, body, _defaults, _options, cancellationToken));
    }

    /// <summary>Makes every call in parallel on worker threads; the caller gets a task at once.</summary>
    /// <typeparam name="TResult">The calls' result type.</typeparam>
    /// <param name="calls">Calls described with <see cref="Delayed"/>.</param>
    /// <param name="cancellationToken">Stops the run: no further calls start.</param>
    /// <returns>A task with the results in order.</returns>
    /// <exception cref="NotSupportedException">See <see cref="Run{TResult}(IEnumerable{DelayedCall{TResult}}, CancellationToken)"/>.</exception>
    public Task<TResult[]> RunAsync<TResult>(IEnumerable<DelayedCall<TResult>> calls, CancellationToken cancellationToken = default)
    {
        if (!RunsRemotely())
        {
            return ParallelRunner.MapAsync<DelayedCall<TResult>, TResult, DelayedBody<TResult>>(calls, default, _defaults, _options, cancellationToken);
        }

        (string, byte[])[] envelopes = Envelopes(calls, out Remote.InterceptedCallBody body);
        return DecodeAsync<TResult>(ParallelRunner.MapAsync<(string, byte[]), byte[], Remote.InterceptedCallBody>(envelopes, body, _defaults, _options, cancellationToken));
    }

    /// <summary>Whether this runner's calls go outside this process (its backend after the enclosing scope, not nested).</summary>
    private bool RunsRemotely() =>
        !ParallelContext.IsInParallelBody &&
        Internal.RunSettings.Resolve(_defaults, ParallelConfig.Apply(_defaults, _options)).Backend != Backend.Threads;

    /// <summary>
    /// Each call's remote descriptor (method id and arguments, from the generated interceptor of its call site) as an
    /// envelope for <see cref="Remote.InterceptedCallBody"/>.
    /// </summary>
    private static (string, byte[])[] Envelopes<TResult>(IEnumerable<DelayedCall<TResult>> calls, out Remote.InterceptedCallBody body)
    {
        ArgumentNullException.ThrowIfNull(calls);
        DelayedCall<TResult>[] array = calls as DelayedCall<TResult>[] ?? [.. calls];
        var envelopes = new (string, byte[])[array.Length];
        System.Reflection.Assembly? assembly = null;
        for (int i = 0; i < array.Length; i++)
        {
            Remote.RemoteCallDescriptor<TResult> remote = array[i].Remote ?? throw new NotSupportedException(
                $"Call {i} ({array[i]}) cannot run outside this process: it was not described as Delayed.Call(StaticMethod, args) " +
                "with an internal or public static method (a lambda or a method that captures state has nothing a worker can run; " +
                "the compiler reports such call sites as PG0008). Pass a static method, or run the calls on Backend.Threads.");
            if (assembly is null)
            {
                assembly = remote.Assembly;
            }
            else if (assembly != remote.Assembly)
            {
                throw new NotSupportedException(
                    $"Call {i} ({array[i]}) was described in assembly {remote.Assembly.GetName().Name}, call 0 in {assembly.GetName().Name}: " +
                    "the calls of one remote run must come from one assembly (its workers load it).");
            }

            envelopes[i] = (remote.MethodId, remote.WriteBatch());
        }

        body = new Remote.InterceptedCallBody(assembly ?? typeof(ParallelJobs).Assembly);
        return envelopes;
    }

    private static TResult[] Decode<TResult>(byte[][] batches)
    {
        var results = new TResult[batches.Length];
        for (int i = 0; i < batches.Length; i++)
        {
            results[i] = Remote.RemoteCallDescriptor<TResult>.ReadResult(batches[i]);
        }

        return results;
    }

    private static async Task<TResult[]> DecodeAsync<TResult>(Task<byte[][]> batches) => Decode<TResult>(await batches.ConfigureAwait(false));

    /// <summary>
    /// joblib's <c>return_as="generator"</c>: makes the calls in parallel and hands out each result as soon as it and
    /// all before it are done. Nothing runs until the stream is enumerated; the calls are read lazily (at most
    /// <see cref="ParallelizeOptions.PreDispatch"/> ahead), so an endless sequence works; leaving the loop early stops
    /// the run.
    /// </summary>
    /// <typeparam name="TResult">The calls' result type.</typeparam>
    /// <param name="calls">Calls described with <see cref="Delayed"/>.</param>
    /// <param name="cancellationToken">Stops the run: no further calls start.</param>
    /// <returns>The results in order, as they are done (<see langword="foreach"/> or <see langword="await foreach"/>).</returns>
    public ParallelStream<TResult> Stream<TResult>(IEnumerable<DelayedCall<TResult>> calls, CancellationToken cancellationToken = default) =>
        ParallelRunner.MapStream<DelayedCall<TResult>, TResult, DelayedBody<TResult>>(calls, default, _defaults, _options, cancellationToken);

    /// <summary>
    /// joblib's <c>return_as="generator_unordered"</c>: makes the calls in parallel and hands out the results in
    /// completion order, each with its call's index. Lazy like <see cref="Stream{TResult}"/>.
    /// </summary>
    /// <typeparam name="TResult">The calls' result type.</typeparam>
    /// <param name="calls">Calls described with <see cref="Delayed"/>.</param>
    /// <param name="cancellationToken">Stops the run: no further calls start.</param>
    /// <returns>The results with their call's index, in completion order.</returns>
    public ParallelStream<ParallelResult<TResult>> Unordered<TResult>(IEnumerable<DelayedCall<TResult>> calls, CancellationToken cancellationToken = default) =>
        ParallelRunner.MapUnordered<DelayedCall<TResult>, TResult, DelayedBody<TResult>>(calls, default, _defaults, _options, cancellationToken);

    private readonly struct DelayedBody<TResult> : IParallelFunc<DelayedCall<TResult>, TResult>
    {
        public TResult Invoke(DelayedCall<TResult> item, CancellationToken cancellationToken) => item.Invoke();
    }
}
