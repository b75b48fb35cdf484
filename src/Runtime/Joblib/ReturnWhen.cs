namespace ParallelGen;

/// <summary>When <c>Future&lt;TResult&gt;.Wait(futures, returnWhen, timeout)</c> returns, as <c>return_when</c> of Python's <c>concurrent.futures.wait</c>.</summary>
public enum ReturnWhen
{
    /// <summary>When every future is done (<c>ALL_COMPLETED</c>).</summary>
    AllCompleted,

    /// <summary>When any future is done (<c>FIRST_COMPLETED</c>).</summary>
    FirstCompleted,

    /// <summary>When any future fails, or every future is done (<c>FIRST_EXCEPTION</c>).</summary>
    FirstException,
}
