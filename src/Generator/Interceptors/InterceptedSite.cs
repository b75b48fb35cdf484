using ParallelGen.Generator.Model;
using ParallelGen.Shared;

namespace ParallelGen.Generator.Interceptors;

/// <summary>One intercepted call site (values only, equatable: caches).</summary>
/// <param name="Kind">Which API the site calls.</param>
/// <param name="LocationVersion">The interceptable location's encoding version.</param>
/// <param name="LocationData">The interceptable location's data.</param>
/// <param name="LocationDisplay">File(line,column) of the call, for a comment.</param>
/// <param name="TargetType">The static method's type, global::-qualified.</param>
/// <param name="TargetName">The static method's name, escaped.</param>
/// <param name="TargetDocumentationId">The static method's documentation comment id.</param>
/// <param name="ArgumentTypes">The call's argument types (the API's T1…Tn).</param>
/// <param name="ResultType">The call's result type (the API's TResult).</param>
/// <param name="Formats">The generated formatters' type graph of the arguments and the result (null: PG0006 rejects one).</param>
internal sealed record InterceptedSite(
    InterceptedCallKind Kind,
    int LocationVersion,
    string LocationData,
    string LocationDisplay,
    string TargetType,
    string TargetName,
    string TargetDocumentationId,
    EquatableArray<string> ArgumentTypes,
    string ResultType,
    WireFormats? Formats = null)
{
    /// <summary>The remote identity of the generated body: the method and the exact types it is called with.</summary>
    public string BodyKey => TargetDocumentationId + "|" + string.Join(",", ArgumentTypes) + "|" + ResultType;
}
