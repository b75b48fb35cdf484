using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace ParallelGen.Generator.Tests;

/// <summary>The pipeline's steps cache: edits that do not change a [Parallelize] method regenerate nothing.</summary>
public class CachingTests
{
    private const string Target = """
        using ParallelGen;
        namespace Demo;
        public static partial class Work
        {
            [Parallelize(Jobs = 8)]
            public static int Square(int x) => x * x;
        }
        """;

    private static readonly string[] s_trackedSteps = [TrackingNames.Methods];

    [Fact]
    public void Unrelated_new_file_leaves_every_step_cached()
    {
        CSharpCompilation compilation = GeneratorHarness.CreateCompilation(Target);
        GeneratorDriver driver = GeneratorHarness.CreateDriver(trackSteps: true).RunGenerators(compilation);

        Compilation edited = compilation.AddSyntaxTrees(
            CSharpSyntaxTree.ParseText("public class Unrelated { public int X => 1; }", GeneratorHarness.ParseOptions, path: "Unrelated.cs"));
        GeneratorRunResult result = driver.RunGenerators(edited).GetRunResult().Results.Single();

        AssertAllCached(result);
    }

    [Fact]
    public void Editing_the_method_body_reuses_the_model_and_the_output()
    {
        CSharpCompilation compilation = GeneratorHarness.CreateCompilation(Target);
        GeneratorDriver driver = GeneratorHarness.CreateDriver(trackSteps: true).RunGenerators(compilation);

        Compilation edited = ReplaceSource(compilation, Target.Replace("x * x", "x * x + 0"));
        GeneratorRunResult result = driver.RunGenerators(edited).GetRunResult().Results.Single();

        // The file changed, so the transform ran again, but it produced an equal model.
        Assert.All(result.TrackedSteps[TrackingNames.Methods].SelectMany(s => s.Outputs),
            o => Assert.Contains(o.Reason, new[] { IncrementalStepRunReason.Unchanged, IncrementalStepRunReason.Cached }));
        AssertAllCached(result);
    }

    [Fact]
    public void Changing_the_attribute_regenerates()
    {
        CSharpCompilation compilation = GeneratorHarness.CreateCompilation(Target);
        GeneratorDriver driver = GeneratorHarness.CreateDriver(trackSteps: true).RunGenerators(compilation);
        string before = driver.GetRunResult().Results.Single().GeneratedSources.Single().SourceText.ToString();

        Compilation edited = ReplaceSource(compilation, Target.Replace("Jobs = 8", "Jobs = 4"));
        GeneratorRunResult result = driver.RunGenerators(edited).GetRunResult().Results.Single();

        Assert.Contains(result.TrackedSteps[TrackingNames.Methods].SelectMany(s => s.Outputs),
            o => o.Reason == IncrementalStepRunReason.Modified);
        string after = result.GeneratedSources.Single().SourceText.ToString();
        Assert.NotEqual(before, after);
        Assert.Contains("ParallelDefaults(4,", after);
    }

    [Fact]
    public void Editing_one_method_leaves_the_other_methods_output_cached()
    {
        const string two = """
            using ParallelGen;
            namespace Demo;
            public static partial class Work
            {
                [Parallelize(Jobs = 8, Backend = Backend.Processes)]
                public static int Square(int x) => x * x;

                [Parallelize(Jobs = 2, Backend = Backend.Processes)]
                public static int Cube(int x) => x * x * x;
            }
            """;
        CSharpCompilation compilation = GeneratorHarness.CreateCompilation(two);
        GeneratorDriver driver = GeneratorHarness.CreateDriver(trackSteps: true).RunGenerators(compilation);

        Compilation edited = ReplaceSource(compilation, two.Replace("Jobs = 2", "Jobs = 3"));
        GeneratorRunResult result = driver.RunGenerators(edited).GetRunResult().Results.Single();

        var outputs = result.TrackedOutputSteps.SelectMany(s => s.Value).SelectMany(s => s.Outputs).ToList();
        // Square's file and the worker entry (its registration calls did not change) are cached; Cube's is redone.
        Assert.Equal(3, outputs.Count);
        Assert.Equal(2, outputs.Count(o => o.Reason == IncrementalStepRunReason.Cached));
        Assert.Single(outputs, o => o.Reason == IncrementalStepRunReason.Modified);
        Assert.Contains("ParallelDefaults(3,", result.GeneratedSources.Single(s => s.HintName.Contains("Cube", StringComparison.Ordinal)).SourceText.ToString());
    }

    [Fact]
    public void Model_is_equal_for_equal_input()
    {
        MethodToGenerate First() => GeneratedModel(GeneratorHarness.CreateCompilation(Target));
        Assert.Equal(First(), First());
        Assert.Equal(First().GetHashCode(), First().GetHashCode());
    }

    private static MethodToGenerate GeneratedModel(Compilation compilation)
    {
        GeneratorRunResult result = GeneratorHarness.CreateDriver(trackSteps: true).RunGenerators(compilation).GetRunResult().Results.Single();
        return (MethodToGenerate)result.TrackedSteps[TrackingNames.Methods].Single().Outputs.Single().Value;
    }

    private static Compilation ReplaceSource(Compilation compilation, string newText)
    {
        SyntaxTree old = compilation.SyntaxTrees.First();
        return compilation.ReplaceSyntaxTree(old, CSharpSyntaxTree.ParseText(newText, GeneratorHarness.ParseOptions, path: old.FilePath));
    }

    private static void AssertAllCached(GeneratorRunResult result)
    {
        // A step that re-ran must have produced an equal value (Unchanged); nothing may be Modified or New.
        foreach (string step in s_trackedSteps)
        {
            Assert.True(result.TrackedSteps.ContainsKey(step), $"step {step} was not tracked");
            Assert.All(result.TrackedSteps[step].SelectMany(s => s.Outputs),
                o => Assert.Contains(o.Reason, new[] { IncrementalStepRunReason.Cached, IncrementalStepRunReason.Unchanged }));
        }

        // And no source was regenerated.
        Assert.NotEmpty(result.TrackedOutputSteps);
        Assert.All(result.TrackedOutputSteps.SelectMany(s => s.Value).SelectMany(s => s.Outputs),
            o => Assert.Equal(IncrementalStepRunReason.Cached, o.Reason));
    }
}
