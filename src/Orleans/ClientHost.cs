using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace ParallelGen.Orleans;

/// <summary>
/// An Orleans client's services without the generic host around them: <c>Host.CreateApplicationBuilder</c> sets up
/// configuration, environment, lifetime and host services the client does not use, which a fresh program compiles and
/// loads on the start's path (measured in docs/benchmarks/cluster.md). Starting runs the client's hosted services (the
/// cluster client's connection) in order; stopping runs them in reverse.
/// </summary>
internal sealed class ClientHost(ServiceProvider services) : IHost
{
    private IHostedService[] _started = [];

    public IServiceProvider Services => services;

    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        IHostedService[] hosted = [.. services.GetServices<IHostedService>()];
        var started = new List<IHostedService>(hosted.Length);
        try
        {
            foreach (IHostedService service in hosted)
            {
                if (service is IHostedLifecycleService lifecycle)
                {
                    await lifecycle.StartingAsync(cancellationToken).ConfigureAwait(false);
                }

                started.Add(service);
                await service.StartAsync(cancellationToken).ConfigureAwait(false);
                if (service is IHostedLifecycleService lifecycleStarted)
                {
                    await lifecycleStarted.StartedAsync(cancellationToken).ConfigureAwait(false);
                }
            }
        }
        finally
        {
            _started = [.. started];
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken = default)
    {
        IHostedService[] started = Interlocked.Exchange(ref _started, []);
        Array.Reverse(started);
        List<Exception>? errors = null;

        // As the generic host does: Stopping for every lifecycle service, then Stop, then Stopped, each in reverse order
        // of starting; a failing step does not keep the others from running.
        foreach (IHostedService service in started)
        {
            if (service is IHostedLifecycleService lifecycle)
            {
                await Step(lifecycle.StoppingAsync).ConfigureAwait(false);
            }
        }

        foreach (IHostedService service in started)
        {
            await Step(service.StopAsync).ConfigureAwait(false);
        }

        foreach (IHostedService service in started)
        {
            if (service is IHostedLifecycleService lifecycle)
            {
                await Step(lifecycle.StoppedAsync).ConfigureAwait(false);
            }
        }

        if (errors is not null)
        {
            throw new AggregateException("Stopping the cluster client failed.", errors);
        }

        async Task Step(Func<CancellationToken, Task> step)
        {
            try
            {
                await step(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                (errors ??= []).Add(ex);
            }
        }
    }

    public void Dispose() => services.DisposeAsync().AsTask().GetAwaiter().GetResult();
}
