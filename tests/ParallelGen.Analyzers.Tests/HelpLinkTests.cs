using System.Collections.Immutable;
using System.Reflection;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace ParallelGen.Analyzers.Tests;

/// <summary>
/// Every diagnostic's help link is built from the one <c>ParallelGenRepositoryUrl</c> MSBuild property
/// (Directory.Build.props, which also sets the package's RepositoryUrl and PackageProjectUrl) and names a rule page
/// that exists under docs/rules; the description says where that page is without a network.
/// </summary>
public class HelpLinkTests
{
    private static string Metadata(string key) =>
        typeof(HelpLinkTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == key).Value
        ?? throw new InvalidOperationException($"assembly metadata {key} has no value");

    /// <summary>Every descriptor the analyzers can report: the public fields and every analyzer's SupportedDiagnostics.</summary>
    public static TheoryData<string> DiagnosticIds()
    {
        var data = new TheoryData<string>();
        foreach (string id in AllDescriptors().Select(d => d.Id).Distinct().Order())
        {
            data.Add(id);
        }

        return data;
    }

    private static ImmutableArray<DiagnosticDescriptor> AllDescriptors()
    {
        var fromFields = typeof(DiagnosticDescriptors)
            .GetFields(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static)
            .Where(f => f.FieldType == typeof(DiagnosticDescriptor))
            .Select(f => (DiagnosticDescriptor)f.GetValue(null)!);
        var fromAnalyzers = typeof(DiagnosticDescriptors).Assembly.GetTypes()
            .Where(t => !t.IsAbstract && typeof(DiagnosticAnalyzer).IsAssignableFrom(t) && t.GetConstructor(Type.EmptyTypes) is not null)
            .SelectMany(t => ((DiagnosticAnalyzer)Activator.CreateInstance(t)!).SupportedDiagnostics);
        return [.. fromFields.Concat(fromAnalyzers)];
    }

    [Fact]
    public void The_property_is_set_and_there_are_descriptors()
    {
        Assert.StartsWith("https://", Metadata("ParallelGenRepositoryUrl"));
        Assert.True(AllDescriptors().Length >= 7);
    }

    [Theory]
    [MemberData(nameof(DiagnosticIds))]
    public void Help_link_is_built_from_the_repository_property_and_names_an_existing_rule_page(string id)
    {
        string expected = Metadata("ParallelGenRepositoryUrl").TrimEnd('/') + "/blob/main/docs/rules/" + id + ".md";
        string page = Path.Combine(Metadata("RepositoryRoot"), "docs", "rules", id + ".md");
        foreach (DiagnosticDescriptor descriptor in AllDescriptors().Where(d => d.Id == id))
        {
            Assert.Equal(expected, descriptor.HelpLinkUri);
            Assert.True(File.Exists(page), $"{id}'s help link names {page}, which does not exist");
            Assert.Contains($"# {id}", File.ReadAllText(page));
            Assert.EndsWith(
                $"Rule page: docs/rules/{id}.md, also inside the ParallelGen package (docs/rules/ in its NuGet cache folder).",
                descriptor.Description.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
    }
}
