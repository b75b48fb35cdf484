namespace ParallelGen.Generator;

/// <summary>Names of the incremental pipeline's steps, for caching tests.</summary>
internal static class TrackingNames
{
    public const string Methods = nameof(Methods);

    public const string InterceptedCalls = nameof(InterceptedCalls);
}
