using Microsoft.CodeAnalysis.Testing;
using Verify = ParallelGen.Analyzers.Tests.Verifiers.CSharpAnalyzerVerifier<ParallelGen.Analyzers.RemoteCallAnalyzer>;

namespace ParallelGen.Analyzers.Tests;

/// <summary>
/// PG0008: a lambda, instance method, local function or delegate value passed to a definitely-remote executor or
/// ParallelJobs; and PG0006/PG0007 for the static methods that do cross (intercepted calls).
/// </summary>
public class PG0008Tests
{
    private static DiagnosticResult Pg0008(int location, string api, string reasonStart) =>
        new DiagnosticResult(DiagnosticDescriptors.RemoteDelegate).WithLocation(location).WithMessageFormat(
            "{0} on {1} runs this function in a worker outside this process, but {2}. Pass an internal or public static method (its arguments are sent as values), or use Backend.Threads.")
            .WithArguments(api, "Backend.Processes", reasonStart);

    private const string Work = """
        public static class Work
        {
            public static int SlowAdd(int a, int b) => a + b;
            public static int Square(int x) => x * x;
        }

        """;

    [Fact]
    public Task Lambda_instance_method_and_local_function_on_a_process_executor() => Verify.VerifyAnalyzerAsync(TestSources.Usings + Work + """
        public class Program
        {
            private int _offset = 1;
            private int AddOffset(int x) => x + _offset;

            public void Run()
            {
                using var executor = new ParallelExecutor(2, Backend.Processes);
                int k = 3;
                _ = executor.Submit({|#0:() => k|});
                _ = executor.Submit({|#1:AddOffset|}, 1);
                _ = executor.Map({|#2:Local|}, new[] { 1 });
                Func<int, int> f = Work.Square;
                _ = executor.Submit({|#3:f|}, 2);
                _ = new ParallelExecutor(maxWorkers: 2, backend: Backend.Processes).Submit({|#4:(int x) => x|}, 1);
                _ = executor.Submit(Work.SlowAdd, 1, 2);
                _ = executor.Map(Work.Square, new[] { 1, 2 });

                static int Local(int x) => x;
            }
        }
        """,
        Pg0008(0, "ParallelExecutor.Submit", "it is a lambda; a lambda is compiled into a hidden method (often of a closure object holding captured variables) that a worker cannot name"),
        Pg0008(1, "ParallelExecutor.Submit", "'AddOffset' is an instance method, bound to an object that stays in this process"),
        Pg0008(2, "ParallelExecutor.Map", "'Local' is a local function, which code outside its method cannot name"),
        Pg0008(3, "ParallelExecutor.Submit", "it is a delegate value, not a method; a worker has no copy of the delegate's object or captured variables"),
        Pg0008(4, "ParallelExecutor.Submit", "it is a lambda; a lambda is compiled into a hidden method (often of a closure object holding captured variables) that a worker cannot name"));

    [Fact]
    public Task Delayed_calls_of_a_process_ParallelJobs() => Verify.VerifyAnalyzerAsync(TestSources.Usings + Work + """
        public class Program
        {
            public void Run(int[] items)
            {
                int offset = 2;
                var jobs = new ParallelJobs(new ParallelizeOptions { Jobs = 2, Backend = Backend.Processes });
                _ = jobs.Run(items.Select(i => Delayed.Call({|#0:(int x) => x + offset|}, i)));
                var calls = items.Select(i => Delayed.Call({|#1:Hidden|}, i)).ToList();
                _ = jobs.Run(calls);
                _ = jobs.Run(items.Select(i => Delayed.Call(Work.Square, i)));
            }

            private static int Hidden(int x) => x;
        }
        """,
        Pg0008(0, "Delayed.Call", "it is a lambda; a lambda is compiled into a hidden method (often of a closure object holding captured variables) that a worker cannot name"),
        Pg0008(1, "Delayed.Call", "'Hidden' is not accessible from generated code in this assembly (make it and its type internal or public)"));

    [Fact]
    public Task Nothing_on_threads_or_when_the_backend_is_not_known() => Verify.VerifyAnalyzerAsync(TestSources.Usings + """
        public class Program
        {
            private readonly ParallelExecutor _field = new ParallelExecutor(2, Backend.Processes);

            public void Run(ParallelExecutor given, Backend backend, int[] items)
            {
                int k = 1;
                using var threads = new ParallelExecutor(2);
                _ = threads.Submit(() => k);
                _ = new ParallelExecutor(2, Backend.Threads).Submit(() => k);
                _ = given.Submit(() => k);
                _ = new ParallelExecutor(2, backend).Submit(() => k);
                _ = new ParallelJobs(jobs: 2).Run(items.Select(i => Delayed.Call((int x) => x + k, i)));
                var reassigned = new ParallelExecutor(2, Backend.Processes);
                reassigned = new ParallelExecutor(2);
                _ = reassigned.Submit(() => k);
            }
        }
        """);

    [Fact]
    public Task Intercepted_calls_get_PG0006_and_PG0007() => Verify.VerifyAnalyzerAsync(TestSources.Usings + """
        public static class Work
        {
            public static int Counter;
            public static int Bump(int x) { Counter += x; return Counter; }
            public static int Apply(Func<int, int> f, int x) => f(x);
        }

        public class Program
        {
            public void Run()
            {
                using var executor = new ParallelExecutor(2, Backend.Processes);
                _ = executor.Submit({|#0:Work.Bump|}, 1);
                _ = executor.Submit({|#1:Work.Apply|}, (Func<int, int>)(x => x), 1);
            }
        }
        """,
        new DiagnosticResult(DiagnosticDescriptors.ProcessStaticState).WithLocation(0)
            .WithArguments("Work.Counter", "writes to it are not seen by the caller or other workers", " (used in 'Bump', which runs in a worker of Backend.Processes)"),
        new DiagnosticResult(DiagnosticDescriptors.NotSerializable).WithLocation(1).WithArguments("Argument 1 of 'Apply'", "Func<int, int>", "delegates (code and captured state) cannot be serialized"));

    [Fact]
    public Task An_initializer_that_cannot_cross_on_a_remote_executor() => Verify.VerifyAnalyzerAsync(TestSources.Usings + """
        public static class Work
        {
            public static string? Name;
            public static void Init() => Name = "ready";
            public static void Connect(string name) => Name = name;
            public static void Open(string name, int retries) => Name = name + retries;
            public static void Attach(System.IO.Stream stream) { }
        }

        public class Program
        {
            private void Setup() { }

            public void Run(Backend backend)
            {
                string prefix = "db";
                using var a = new ParallelExecutor(2, Backend.Processes, initializer: {|#0:() => Work.Connect(prefix)|});
                using var b = new ParallelExecutor(2, Backend.Processes, {|#1:Setup|});
                using var c = ParallelExecutor.Create(2, Backend.Processes, {|#2:(string n) => Work.Connect(prefix + n)|}, "x");
                using var d = ParallelExecutor.Create(2, Backend.Processes, initializer: {|#3:Work.Attach|}, initargs: System.IO.Stream.Null);
                // Static methods by name, threads, an unknown backend, no initializer: nothing.
                using var e = new ParallelExecutor(2, Backend.Processes, initializer: Work.Init);
                using var f = ParallelExecutor.Create(2, Backend.Processes, initializer: Work.Connect, initargs: "db");
                using var g = ParallelExecutor.Create(2, Backend.Processes, Work.Open, ("db", 3));
                using var h = new ParallelExecutor(2, Backend.Threads, initializer: () => Work.Connect(prefix));
                using var i = ParallelExecutor.Create(2, backend, (string n) => Work.Connect(prefix + n), "x");
                using var j = new ParallelExecutor(2, Backend.Processes, initializer: null);
                using var k = new ParallelExecutor(2, Backend.Processes);
            }
        }
        """,
        Pg0008(0, "The executor's initializer", "it is a lambda; a lambda is compiled into a hidden method (often of a closure object holding captured variables) that a worker cannot name"),
        Pg0008(1, "The executor's initializer", "'Setup' is an instance method, bound to an object that stays in this process"),
        Pg0008(2, "The executor's initializer", "it is a lambda; a lambda is compiled into a hidden method (often of a closure object holding captured variables) that a worker cannot name"),
        new DiagnosticResult(DiagnosticDescriptors.NotSerializable).WithLocation(3).WithArguments("Argument 1 of the initializer 'Attach'", "Stream", "a stream is a live handle to a file, socket or buffer"));
}
