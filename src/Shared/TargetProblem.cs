namespace ParallelGen.Shared;

/// <summary>Why a <c>[Parallelize]</c> method cannot get generated code (the PG0005 diagnostic's "Reason" property).</summary>
internal enum TargetProblemKind
{
    NotPartial,
    NotAnOrdinaryMethod,
    InInterface,
    FileLocalType,
    RefStructInstance,
    GenericMethod,
    ByRefParameter,
    PointerParameter,
    RefStructParameter,
    ByRefReturn,
    UnsupportedReturn,
    AsyncVoid,
    ZeroJobs,
    NegativeBatchSize,
    ProcessesInstanceMethod,
    ProcessesInaccessible,
    ProcessesGenericType,
    GeneratedNameClash,
    ExistingMemberClash,
    DynamicType,
    VarArgs,
    JobsOutOfRange,
    UndefinedBackend,
}

/// <summary>One reason a <c>[Parallelize]</c> method is rejected, with a message that says what to change.</summary>
internal readonly struct TargetProblem
{
    public TargetProblem(TargetProblemKind kind, string message)
    {
        Kind = kind;
        Message = message;
    }

    public TargetProblemKind Kind { get; }

    public string Message { get; }
}
