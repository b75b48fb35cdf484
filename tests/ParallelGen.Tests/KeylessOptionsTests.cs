using System.Buffers;
using System.Reflection;
using MessagePack;
using MessagePack.Resolvers;
using ParallelGen.Remote;

namespace ParallelGen.Tests;

/// <summary>
/// The process backend's MessagePack options are made field by field, without MessagePackSecurity's static constructor
/// (its SipHash key loads OpenSSL; src/Runtime/Remote/KeylessOptions.cs). They must equal, field for field, the options
/// MessagePack's public API makes: a MessagePack version that adds, renames or re-initializes a field fails here.
/// </summary>
public class KeylessOptionsTests
{
    private const BindingFlags Instance = BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic;

    [Fact]
    public void Keyless_options_equal_the_public_ones_field_by_field()
    {
        MessagePackSerializerOptions keyless = KeylessOptions.Create(StandardResolver.Instance);
        MessagePackSerializerOptions expected = new MessagePackSerializerOptions(StandardResolver.Instance).WithSecurity(MessagePackSecurity.UntrustedData);

        Assert.True(KeylessOptions.MadeWithoutKey, "KeylessOptions fell back to the public construction: a MessagePack member it sets is missing.");
        Assert.Equal(expected.GetType(), keyless.GetType());
        AssertFieldsEqual(expected, keyless, typeof(MessagePackSerializerOptions));
        Assert.Equal(expected.Security.GetType(), keyless.Security.GetType());
        AssertFieldsEqual(expected.Security, keyless.Security, typeof(MessagePackSecurity));
        Assert.True(RemoteSerializer.Options.Security.HashCollisionResistant);
    }

    [Fact]
    public void Keyless_options_read_dictionaries_and_sets_with_collision_resistant_hashing()
    {
        MessagePackSerializerOptions options = KeylessOptions.Create(StandardResolver.Instance);
        var dictionary = new Dictionary<string, long> { ["a"] = 1, ["b"] = long.MaxValue };
        var set = new HashSet<double> { 1.5, -2 };

        Assert.Equal(dictionary, RoundTrip(dictionary, options));
        Assert.Equal(set, RoundTrip(set, options));
        Assert.NotSame(EqualityComparer<string>.Default, options.Security.GetEqualityComparer<string>());
    }

    private static T RoundTrip<T>(T value, MessagePackSerializerOptions options) =>
        MessagePackSerializer.Deserialize<T>(MessagePackSerializer.Serialize(value, options), options);

    private static void AssertFieldsEqual(object expected, object actual, Type type)
    {
        FieldInfo[] fields = type.GetFields(Instance);
        Assert.NotEmpty(fields);
        foreach (FieldInfo field in fields)
        {
            object? e = field.GetValue(expected), a = field.GetValue(actual);
            if (field.FieldType.IsValueType || field.FieldType == typeof(string) || e is null || a is null)
            {
                Assert.True(Equals(e, a), $"{type.Name}.{field.Name}: expected {e ?? "null"}, got {a ?? "null"}");
            }
            else if (field.FieldType == typeof(IFormatterResolver) || field.FieldType == typeof(SequencePool) || field.FieldType == typeof(MessagePackSecurity))
            {
                // Shared instances (the resolver, the pool) are the same object; the security settings are compared by their own fields.
                Assert.True(field.FieldType == typeof(MessagePackSecurity) || ReferenceEquals(e, a), $"{type.Name}.{field.Name} is not the same instance");
            }
            else
            {
                // Per-instance helpers (the security settings' fallback comparer): made by the same constructor.
                Assert.Equal(e.GetType(), a.GetType());
            }
        }
    }
}
