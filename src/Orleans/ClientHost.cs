using System;
using System.Collections.Generic;
using System.Linq;
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
        List<Exception>? errors = null;
        foreach (IHostedService service in started.Reverse())
        {
            try
            {
                await service.StopAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                (errors ??= []).Add(ex);
            }
        }

        if (errors is not null)
        {
            throw new AggregateException("Stopping the cluster client failed.", errors);
        }
    }

    public void Dispose() => services.DisposeAsync().AsTask().GetAwaiter().GetResult();
}
