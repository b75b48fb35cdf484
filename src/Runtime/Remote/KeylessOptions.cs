using System;
using System.Runtime.CompilerServices;
using MessagePack;

namespace ParallelGen.Remote;

/// <summary>
/// MessagePack options with <see cref="MessagePackSecurity.UntrustedData"/>'s settings, made without running
/// <see cref="MessagePackSecurity"/>'s static constructor. That constructor (MessagePack 2.5) draws a random SipHash key
/// from <c>RandomNumberGenerator</c>, whose first use on Linux loads OpenSSL (libssl, libcrypto, its configuration
/// file and providers: a few milliseconds of CPU) — and every way to make options runs it, because
/// <see cref="MessagePackSerializerOptions"/> initializes its <c>Security</c> to <see cref="MessagePackSecurity.TrustedData"/>
/// in each of its constructors. That cost fell on the parent and on every worker before their first call, for a key
/// that only the collision-resistant hashing of a dictionary's or set's keys being read uses. Made here, the key is
/// drawn when MessagePack first hashes such a key (its static constructor then runs as usual), so a call that reads no
/// dictionary or set never loads OpenSSL.
/// </summary>
/// <remarks>
/// The instance is made the way MessagePack's own constructors make it, field by field: the security settings through
/// their private constructor and setters, the options uninitialized with each field set to the value the public
/// constructors give it. This reaches MessagePack's private members by name (<see cref="UnsafeAccessorAttribute"/>:
/// no reflection, Native AOT-safe); a MessagePack without them (<see cref="MissingMemberException"/>) gets the options
/// made the public way. <c>SerializerTests.Keyless_options_equal_the_public_ones_field_by_field</c> compares every
/// field with the public construction, so a MessagePack version that adds or renames a field fails the tests instead
/// of changing behaviour. (In Native AOT, <see cref="RuntimeHelpers.GetUninitializedObject"/> runs the options' own static
/// constructor, which the public constructor would not: MessagePack's assembly-name <c>Regex</c>, ~65 µs there. The JIT
/// runtime does not run it.)
/// </remarks>
internal static class KeylessOptions
{
    /// <summary>
    /// <see cref="MessagePackSecurity.UntrustedData"/>'s maximum decompressed size (MessagePack's private constant):
    /// ParallelGen does not compress, so it bounds nothing here, but the options stay equal to the public ones.
    /// </summary>
    private const int UntrustedDataMaximumDecompressedSize = 64 * 1024 * 1024;

    /// <summary>Whether <see cref="Create"/> made the options without the key (false: the public way, after a missing member).</summary>
    internal static bool MadeWithoutKey { get; private set; }

    /// <summary>
    /// The equivalent of <c>new MessagePackSerializerOptions(resolver).WithSecurity(MessagePackSecurity.UntrustedData)</c>,
    /// without drawing the SipHash key.
    /// </summary>
    internal static MessagePackSerializerOptions Create(IFormatterResolver resolver)
    {
        try
        {
            MessagePackSerializerOptions options = Make(resolver);
            MadeWithoutKey = true;
            return options;
        }
        catch (MissingMemberException)
        {
            return new MessagePackSerializerOptions(resolver).WithSecurity(MessagePackSecurity.UntrustedData);
        }
    }

    private static MessagePackSerializerOptions Make(IFormatterResolver resolver)
    {
        // MessagePackSecurity is beforefieldinit: its instance constructor does not run the static one.
        MessagePackSecurity security = NewSecurity();
        SetHashCollisionResistant(security, true);
        SetMaximumObjectGraphDepth(security, 500);
        SetMaximumDecompressedSize(security, UntrustedDataMaximumDecompressedSize);

        var options = (MessagePackSerializerOptions)RuntimeHelpers.GetUninitializedObject(typeof(MessagePackSerializerOptions));
        ResolverField(options) = resolver;
        CompressionField(options) = MessagePackCompression.None;
        CompressionMinLengthField(options) = 64;
        SuggestedContiguousMemorySizeField(options) = 1024 * 1024;
        OldSpecField(options) = null;
        OmitAssemblyVersionField(options) = false;
        AllowAssemblyVersionMismatchField(options) = false;
        SecurityField(options) = security;
        SequencePoolField(options) = SharedSequencePool(null);
        return options;
    }

    [UnsafeAccessor(UnsafeAccessorKind.Constructor)]
    private static extern MessagePackSecurity NewSecurity();

    [UnsafeAccessor(UnsafeAccessorKind.Method, Name = "set_HashCollisionResistant")]
    private static extern void SetHashCollisionResistant(MessagePackSecurity security, bool value);

    [UnsafeAccessor(UnsafeAccessorKind.Method, Name = "set_MaximumObjectGraphDepth")]
    private static extern void SetMaximumObjectGraphDepth(MessagePackSecurity security, int value);

    [UnsafeAccessor(UnsafeAccessorKind.Method, Name = "set_MaximumDecompressedSize")]
    private static extern void SetMaximumDecompressedSize(MessagePackSecurity security, int value);

    [UnsafeAccessor(UnsafeAccessorKind.Field, Name = "<Resolver>k__BackingField")]
    private static extern ref IFormatterResolver ResolverField(MessagePackSerializerOptions options);

    [UnsafeAccessor(UnsafeAccessorKind.Field, Name = "<Compression>k__BackingField")]
    private static extern ref MessagePackCompression CompressionField(MessagePackSerializerOptions options);

    [UnsafeAccessor(UnsafeAccessorKind.Field, Name = "<CompressionMinLength>k__BackingField")]
    private static extern ref int CompressionMinLengthField(MessagePackSerializerOptions options);

    [UnsafeAccessor(UnsafeAccessorKind.Field, Name = "<SuggestedContiguousMemorySize>k__BackingField")]
    private static extern ref int SuggestedContiguousMemorySizeField(MessagePackSerializerOptions options);

    [UnsafeAccessor(UnsafeAccessorKind.Field, Name = "<OldSpec>k__BackingField")]
    private static extern ref bool? OldSpecField(MessagePackSerializerOptions options);

    [UnsafeAccessor(UnsafeAccessorKind.Field, Name = "<OmitAssemblyVersion>k__BackingField")]
    private static extern ref bool OmitAssemblyVersionField(MessagePackSerializerOptions options);

    [UnsafeAccessor(UnsafeAccessorKind.Field, Name = "<AllowAssemblyVersionMismatch>k__BackingField")]
    private static extern ref bool AllowAssemblyVersionMismatchField(MessagePackSerializerOptions options);

    [UnsafeAccessor(UnsafeAccessorKind.Field, Name = "<Security>k__BackingField")]
    private static extern ref MessagePackSecurity SecurityField(MessagePackSerializerOptions options);

    [UnsafeAccessor(UnsafeAccessorKind.StaticField, Name = "Shared")]
    private static extern ref SequencePool SharedSequencePool(SequencePool? type);

    [UnsafeAccessor(UnsafeAccessorKind.Field, Name = "<SequencePool>k__BackingField")]
    private static extern ref SequencePool SequencePoolField(MessagePackSerializerOptions options);
}
