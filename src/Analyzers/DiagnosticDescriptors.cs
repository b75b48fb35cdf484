using Microsoft.CodeAnalysis;

namespace ParallelGen.Analyzers;

/// <summary>
/// Every diagnostic ParallelGen reports. Ids are stable; each has a page under docs/rules, linked from its help link
/// (built from the <c>ParallelGenRepositoryUrl</c> MSBuild property) and shipped inside the package (docs/rules/).
/// </summary>
public static class DiagnosticDescriptors
{
    /// <summary>The rule pages' address: <c>$(ParallelGenRepositoryUrl)/blob/main/docs/rules/</c>.</summary>
    internal const string HelpLinkBase = RepositoryInfo.Url + "/blob/main/docs/rules/";

    /// <summary>Ends every description: where the rule page is without a network.</summary>
    private const string OfflinePage = " Rule page: docs/rules/{0}.md, also inside the ParallelGen package (docs/rules/ in its NuGet cache folder).";

    private const string ConcurrencyCategory = "Concurrency";
    private const string UsageCategory = "Usage";
    private const string ProcessesCategory = "Processes";

    /// <summary>PG0001: a shared <c>System.Random</c> used in parallel code.</summary>
    public static readonly DiagnosticDescriptor SharedRandom = new(
        id: "PG0001",
        title: "Shared Random used in parallel code",
        messageFormat: "'{0}'{1} is a Random shared by all parallel iterations; System.Random is not thread-safe and corrupts its state under concurrent use. Use Random.Shared or create a Random per call.",
        category: ConcurrencyCategory,
        defaultSeverity: DiagnosticSeverity.Warning,
        isEnabledByDefault: true,
        description: "System.Random instances are not thread-safe. When several parallel iterations call the same instance, its internal state is corrupted and it can start returning only zeros." + Offline("PG0001"),
        helpLinkUri: HelpLinkBase + "PG0001.md");

    /// <summary>PG0002: a <c>Random</c> created in parallel code with a seed that is the same for every task.</summary>
    public static readonly DiagnosticDescriptor ConstantSeedRandom = new(
        id: "PG0002",
        title: "Random with a constant seed created in parallel code",
        messageFormat: "This Random is created with the seed {0}{1}, which is the same for every task, so every task draws the same sequence. Derive the seed from the item or its index.",
        category: ConcurrencyCategory,
        defaultSeverity: DiagnosticSeverity.Warning,
        isEnabledByDefault: true,
        description: "Each parallel task that creates new Random(42), or new Random(seed) with a seed captured from the sequential code around the loop, draws exactly the same numbers, so a Monte-Carlo estimate gains nothing from more tasks." + Offline("PG0002"),
        helpLinkUri: HelpLinkBase + "PG0002.md");

    /// <summary>PG0003: an unsynchronized write to shared state in parallel code.</summary>
    public static readonly DiagnosticDescriptor RacyWrite = new(
        id: "PG0003",
        title: "Unsynchronized write to shared state in parallel code",
        messageFormat: "'{0}'{1} is shared by all parallel iterations and written without synchronization; concurrent updates are lost. Use Interlocked, a lock, or return values and reduce them.",
        category: ConcurrencyCategory,
        defaultSeverity: DiagnosticSeverity.Warning,
        isEnabledByDefault: true,
        description: "Read-modify-write operations such as x++ or x += y on a static field, a captured local or a field of a shared object are not atomic: parallel iterations overwrite each other's updates." + Offline("PG0003"),
        helpLinkUri: HelpLinkBase + "PG0003.md");

    /// <summary>PG0004: a non-thread-safe collection mutated in parallel code.</summary>
    public static readonly DiagnosticDescriptor SharedCollectionMutation = new(
        id: "PG0004",
        title: "Non-thread-safe collection mutated in parallel code",
        messageFormat: "'{0}'{4} is a {1} shared by all parallel iterations and mutated by '{2}', which is not thread-safe. Use {3}, or return values and collect them.",
        category: ConcurrencyCategory,
        defaultSeverity: DiagnosticSeverity.Warning,
        isEnabledByDefault: true,
        description: "List<T>, Dictionary<TKey, TValue>, HashSet<T>, Queue<T> and Stack<T> corrupt their internal state when mutated concurrently: items are lost, duplicated, or the collection throws later." + Offline("PG0004"),
        helpLinkUri: HelpLinkBase + "PG0004.md");

    /// <summary>PG0005: a <c>[Parallelize]</c> method the generator cannot handle.</summary>
    public static readonly DiagnosticDescriptor InvalidParallelizeTarget = new(
        id: "PG0005",
        title: "Invalid [Parallelize] target",
        messageFormat: "[Parallelize] cannot be applied to '{0}': {1}",
        category: UsageCategory,
        defaultSeverity: DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        description: "The ParallelGen generator adds NameParallel/NameParallelAsync methods to the type that declares a [Parallelize] method. It generates nothing for a method it cannot handle, and this error says what to change." + Offline("PG0005"),
        helpLinkUri: HelpLinkBase + "PG0005.md");

    /// <summary>PG0006: a process-backend parameter or return type that cannot be serialized.</summary>
    public static readonly DiagnosticDescriptor NotSerializable = new(
        id: "PG0006",
        title: "Type cannot cross a process boundary",
        messageFormat: "{0} of type '{1}' cannot be sent to a worker process: {2}",
        category: ProcessesCategory,
        defaultSeverity: DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        description: "With Backend.Processes, arguments and results are serialized between processes. Delegates, pointers, streams, tasks, handles and other live objects cannot be copied." + Offline("PG0006"),
        helpLinkUri: HelpLinkBase + "PG0006.md");

    /// <summary>PG0007: process-backend body uses mutable static state.</summary>
    public static readonly DiagnosticDescriptor ProcessStaticState = new(
        id: "PG0007",
        title: "Mutable static state in a process-backend body",
        messageFormat: "'{0}'{2} is mutable static state; each worker process has its own copy, so {1}",
        category: ProcessesCategory,
        defaultSeverity: DiagnosticSeverity.Warning,
        isEnabledByDefault: true,
        description: "With Backend.Processes every worker is a separate process with its own statics: writes made by one call are invisible to the caller and to other workers, and reads see the worker's copy." + Offline("PG0007"),
        helpLinkUri: HelpLinkBase + "PG0007.md");

    /// <summary>PG0008: a lambda or a method that captures state passed to an executor or ParallelJobs on a remote backend.</summary>
    public static readonly DiagnosticDescriptor RemoteDelegate = new(
        id: "PG0008",
        title: "A delegate that cannot cross to a worker is passed to a remote executor",
        messageFormat: "{0} on {1} runs this function in a worker outside this process, but {2}. Pass an internal or public static method (its arguments are sent as values), or use Backend.Threads.",
        category: ProcessesCategory,
        defaultSeverity: DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        description: "A worker process (or a cluster silo) runs a call as a method id plus its arguments, which ParallelGen's generated interceptors produce only for static methods. A lambda, an instance method or a local function carries an object or captured variables that stay in this process, so the call would fail at run time." + Offline("PG0008"),
        helpLinkUri: HelpLinkBase + "PG0008.md");

    private static string Offline(string id) => string.Format(System.Globalization.CultureInfo.InvariantCulture, OfflinePage, id);
}
