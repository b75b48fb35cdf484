using ParallelGen.Generator.Model;

namespace ParallelGen.Generator.Emit;

// The stream members (joblib's return_as="generator" and "generator_unordered"): NameParallelStream and
// NameParallelUnordered, one method each with optional options, next to the array-returning methods.
internal static partial class SourceEmitter
{
    private static void EmitStreams(
        CodeWriter w, MethodToGenerate m, string modifiers, string itemType, string itemsParameter, string itemsArgument, string body, string defaults)
    {
        bool isAsync = m.ReturnKind is ReturnKind.Awaitable or ReturnKind.AwaitableValue;
        bool hasResult = m.ReturnKind is ReturnKind.Value or ReturnKind.AwaitableValue;
        string prefix = isAsync ? "Await" : "";
        foreach (bool ordered in new[] { true, false })
        {
            string element = hasResult
                ? ordered ? m.ResultType : $"global::ParallelGen.ParallelResult<{m.ResultType}>"
                : "long";
            string call = hasResult
                ? $"global::ParallelGen.ParallelRunner.Map{prefix}{(ordered ? "Stream" : "Unordered")}<{itemType}, {m.ResultType}, {m.BodyTypeName}>({itemsArgument}, {body}, {defaults}, options, cancellationToken)"
                : $"global::ParallelGen.ParallelRunner.ForEach{prefix}Stream<{itemType}, {m.BodyTypeName}>({itemsArgument}, {body}, {(ordered ? "true" : "false")}, {defaults}, options, cancellationToken)";

            EmitStreamDocs(w, m, ordered, hasResult);
            w.Line(GeneratedCode);
            EmitObsolete(w, m);
            w.Line($"{modifiers} global::ParallelGen.ParallelStream<{element}> {m.GeneratedName}{(ordered ? "Stream" : "Unordered")}({itemsParameter}, {Options}? options = null, {Token} cancellationToken = default)");
            w.Indent();
            w.Line("=> " + call + ";");
            w.Outdent();
            w.Line();
        }
    }

    private static void EmitStreamDocs(CodeWriter w, MethodToGenerate m, bool ordered, bool hasResult)
    {
        string cref = $"<see cref=\"{m.DocumentationId}\"/>";
        bool countOnly = m.ItemParameters.Count == 0;
        string what = countOnly ? "<paramref name=\"count\"/> times" : "once for every item";
        string where = m.Backend.IsRemote
            ? JobsText(m.Jobs, offCaller: true) + (m.Backend == Shared.BackendKind.Processes ? ", in worker processes (Backend.Processes)" : $", outside this process ({m.Backend.DisplayName})")
            : JobsText(m.Jobs, offCaller: true);
        string hands = (ordered, hasResult) switch
        {
            (true, true) => "and hands out each result as soon as it and all before it are done (joblib's <c>return_as=\"generator\"</c>)",
            (false, true) => "and hands out the results in completion order, each with its item's index (joblib's <c>return_as=\"generator_unordered\"</c>)",
            (true, false) => "and hands out the index of each item as soon as it and all before it are done",
            _ => "and hands out the index of each item as it finishes (completion order)",
        };

        w.Line("/// <summary>");
        w.Line($"/// Calls {cref} {what}, {where}, {hands}.");
        w.Line("/// </summary>");
        w.Line("/// <remarks>");
        w.Line("/// Nothing runs until the stream is enumerated (<see langword=\"foreach\"/> or <see langword=\"await foreach\"/>, once).");
        w.Line("/// The items are read as the workers need them, at most <see cref=\"global::ParallelGen.ParallelizeOptions.PreDispatch\"/>");
        w.Line("/// ahead, so the input may be endless. Leaving the loop early stops the calls: no further calls start and the running");
        w.Line("/// ones are cancelled. If a call throws, the stream ends with its exception (original type, item index in");
        w.Line("/// <see cref=\"global::ParallelGen.ParallelExceptionExtensions.GetParallelItemIndex(global::System.Exception)\"/>)");
        w.Line("/// after the results before it.");
        w.Line("/// </remarks>");
        if (countOnly)
        {
            w.Line("/// <param name=\"count\">How many calls to make.</param>");
        }
        else
        {
            w.Line("/// <param name=\"items\">The inputs, one call per item, read lazily.</param>");
        }

        w.Line("/// <param name=\"options\">");
        w.Line("/// Per-call overrides of the <c>[Parallelize]</c> values and the pre-dispatch size; <see langword=\"null\"/> keeps the");
        w.Line("/// attribute's values.");
        w.Line("/// </param>");
        w.Line("/// <param name=\"cancellationToken\">Stops the calls; the stream then throws <see cref=\"global::System.OperationCanceledException\"/>.</param>");
        string returns = (ordered, hasResult) switch
        {
            (true, true) => "The results, in input order, as they are done.",
            (false, true) => "The results with their input index, in completion order.",
            (true, false) => "The indices of the finished items, in input order.",
            _ => "The indices of the finished items, in completion order.",
        };
        w.Line($"/// <returns>{returns}</returns>");
        if (!countOnly)
        {
            w.Line("/// <exception cref=\"global::System.ArgumentNullException\"><paramref name=\"items\"/> is <see langword=\"null\"/>.</exception>");
        }
    }
}
