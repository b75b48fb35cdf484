using ParallelGen.Shared;

namespace ParallelGen.Generator.Model;

/// <summary>One public member of an <see cref="WireKind.Object"/> type that crosses.</summary>
/// <param name="Name">The member name, escaped if it is a keyword.</param>
/// <param name="Node">The <see cref="WireFormats.Nodes"/> index of its type.</param>
/// <param name="ConstructorIndex">Its position in the constructor the reader calls, or -1: set in the object initializer.</param>
/// <param name="Required">A <c>required</c> member: always set in the object initializer (as well).</param>
/// <param name="Settable">It has a public setter or <c>init</c> (or is a writable field).</param>
internal readonly record struct WireMember(string Name, int Node, int ConstructorIndex, bool Required, bool Settable);

/// <summary>One type of the graph a remote method sends: how it crosses, and the types inside it.</summary>
/// <param name="Kind">How it crosses.</param>
/// <param name="Type">The fully qualified type (no nullable annotations: one formatter per type).</param>
/// <param name="IsValueType">A struct (no nil for it).</param>
/// <param name="Primitive">For <see cref="WireKind.Primitive"/>, the reader suffix (<c>Int32</c>); for <see cref="WireKind.Enum"/>, the underlying type's; for <see cref="WireKind.BlittableArray"/>, the element type.</param>
/// <param name="Children">Element types (array, list, set, nullable), key and value (dictionary), elements (tuple), by node index.</param>
/// <param name="Members">For <see cref="WireKind.Object"/>, the members that cross, in order.</param>
/// <param name="ConstructorArguments">For <see cref="WireKind.Object"/>, how many arguments its constructor takes.</param>
/// <param name="Construction">What the reader builds: the concrete collection type; for a tuple, <c>literal</c> (a tuple literal) or <c>new</c>.</param>
/// <param name="Materialize">A collection without a <c>Count</c> (<c>IEnumerable&lt;T&gt;</c>): copied to an array before it is written.</param>
internal readonly record struct WireNode(
    WireKind Kind,
    string Type,
    bool IsValueType,
    string? Primitive,
    EquatableArray<int> Children,
    EquatableArray<WireMember> Members,
    int ConstructorArguments,
    string? Construction,
    bool Materialize = false);

/// <summary>
/// The formatters one remote method needs (values only, equatable): every type reachable from its item and result
/// types, by index. Written by <see cref="Emit.FormatterEmitter"/>.
/// </summary>
/// <param name="Item">The item type's node.</param>
/// <param name="Result">The result type's node, or -1 for a method without a result.</param>
/// <param name="Nodes">The types.</param>
internal readonly record struct WireFormats(int Item, int Result, EquatableArray<WireNode> Nodes);
