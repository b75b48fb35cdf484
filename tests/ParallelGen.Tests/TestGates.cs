namespace ParallelGen.Tests;

/// <summary>
/// How long a test's held call waits for the test to release it. A held call that waited for ever would turn a failed
/// assertion before the release into a hang: the executor's Dispose (and, at process exit, its exit hook) waits for
/// every accepted call, so the test would never report its failure. Bounded, the call ends, the test fails with its own
/// message, and the run goes on.
/// </summary>
internal static class TestGates
{
    internal static readonly TimeSpan Hold = TimeSpan.FromSeconds(60);
}
