using System.Threading;
using System.Threading.Tasks;
using ParallelGen.Backends;

namespace ParallelGen.Internal;

/// <summary>A window's call body: runs the item, then tells the window it is done (the consumer may take its result).</summary>
#pragma warning disable IDE0044 // mutable on purpose: a readonly field would make the JIT copy the body per call
internal struct StreamBody<TBody>(TBody inner, StreamWindow window) : IParallelCallBody, IIndexReportingBody
    where TBody : struct, IParallelCallBody
{
    private TBody _inner = inner;

    public readonly bool IsAsync => _inner.IsAsync;

    public readonly bool ReportsItemIndex => _inner is IIndexReportingBody { ReportsItemIndex: true };

    public readonly int IndexOffset => _inner is IIndexReportingBody reporting ? reporting.IndexOffset : 0;

    public void Execute(int index, CancellationToken cancellationToken)
    {
        _inner.Execute(index, cancellationToken);
        window.MarkDone(index);
    }

    public ValueTask ExecuteAsync(int index, CancellationToken cancellationToken)
    {
        ValueTask run = _inner.ExecuteAsync(index, cancellationToken);
        if (run.IsCompletedSuccessfully)
        {
            window.MarkDone(index);
            return default;
        }

        return Await(run, window, index);
    }

    private static async ValueTask Await(ValueTask run, StreamWindow window, int index)
    {
        await run.ConfigureAwait(false);
        window.MarkDone(index);
    }
}
#pragma warning restore IDE0044
