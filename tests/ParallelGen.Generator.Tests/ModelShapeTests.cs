using System.Reflection;
using ParameterInfo = ParallelGen.Generator.Model.ParameterInfo;

namespace ParallelGen.Generator.Tests;

/// <summary>
/// Pipeline models must hold only values (strings, numbers, enums, equatable arrays of values): a Roslyn symbol,
/// syntax node, compilation or location in a model defeats caching and keeps compilations alive.
/// </summary>
public class ModelShapeTests
{
    public static TheoryData<Type> ModelTypes() =>
    [
        typeof(MethodToGenerate),
    ];

    [Theory]
    [MemberData(nameof(ModelTypes))]
    public void Models_hold_no_Roslyn_objects(Type modelType)
    {
        var visited = new HashSet<Type>();
        AssertValueOnly(modelType, modelType.Name, visited);
        Assert.Contains(typeof(ContainingTypeInfo), visited);
        Assert.Contains(typeof(ParameterInfo), visited);
    }

    [Fact]
    public void Models_are_equatable_and_the_pipeline_model_is_a_sealed_record_class()
    {
        // The pipeline's item type is a reference type so that Roslyn's generic pipeline nodes run shared code (no
        // per-struct JIT in every compiler process); its parts stay values.
        Assert.False(typeof(MethodToGenerate).IsValueType);
        Assert.True(typeof(MethodToGenerate).IsSealed);
        foreach (Type t in new[] { typeof(MethodToGenerate), typeof(ContainingTypeInfo), typeof(ParameterInfo) })
        {
            Assert.Contains(typeof(IEquatable<>).MakeGenericType(t), t.GetInterfaces());
        }

        Assert.True(typeof(ContainingTypeInfo).IsValueType);
        Assert.True(typeof(ParameterInfo).IsValueType);
    }

    private static void AssertValueOnly(Type type, string path, HashSet<Type> visited)
    {
        if (!visited.Add(type))
        {
            return;
        }

        Assert.False(
            type.Namespace?.StartsWith("Microsoft.CodeAnalysis", StringComparison.Ordinal) == true,
            $"{path} is a Roslyn type ({type.FullName})");

        if (type.IsPrimitive || type.IsEnum || type == typeof(string))
        {
            return;
        }

        if (Nullable.GetUnderlyingType(type) is { } underlying)
        {
            AssertValueOnly(underlying, path, visited);
            return;
        }

        if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(EquatableArray<>))
        {
            AssertValueOnly(type.GetGenericArguments()[0], path + "[]", visited);
            return;
        }

        Assert.True(type.IsValueType || type == typeof(MethodToGenerate), $"{path} has the reference type {type.FullName}; use a record struct or EquatableArray");
        foreach (FieldInfo field in type.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic))
        {
            AssertValueOnly(field.FieldType, path + "." + field.Name, visited);
        }
    }
}
