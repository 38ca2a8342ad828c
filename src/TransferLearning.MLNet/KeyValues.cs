using System.Globalization;
using System.Reflection;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace TransferLearning.MLNet;

/// <summary>
/// The values a key label column stands for (its <c>KeyValues</c> annotation, as <c>MapValueToKey</c> writes it),
/// of whatever item type they have: copied onto <c>PredictedLabel</c> so that <c>MapKeyToValue</c> maps a prediction
/// back, and read as text for the class names.
/// </summary>
internal sealed class KeyValues
{
    internal const string Kind = "KeyValues";

    private readonly Action<SchemaDefinition.Column> _annotate;

    private KeyValues(PrimitiveDataViewType itemType, string[] names, Action<SchemaDefinition.Column> annotate)
    {
        ItemType = itemType;
        Names = names;
        _annotate = annotate;
    }

    /// <summary>Gets the item type of the values (text for <c>MapValueToKey</c> on strings, <c>Single</c> on floats…).</summary>
    public PrimitiveDataViewType ItemType { get; }

    /// <summary>Gets the values as invariant text, one per key value (key <c>k</c> is <c>Names[k - 1]</c>).</summary>
    public IReadOnlyList<string> Names { get; }

    /// <summary>Adds the values to a column of a schema definition as its <c>KeyValues</c> annotation.</summary>
    public void Annotate(SchemaDefinition.Column column) => _annotate(column);

    /// <summary>Reads the key values of <paramref name="label"/>, or <see langword="null"/> when it has none (or they are not a vector of its key count).</summary>
    public static KeyValues? Read(DataViewSchema.Column label, int count)
    {
        var annotation = label.Annotations.Schema.GetColumnOrNull(Kind);
        if (annotation is not { Type: VectorDataViewType { ItemType: PrimitiveDataViewType item } vector } || vector.Size != count)
        {
            return null;
        }

        return (KeyValues)Generic(nameof(ReadTyped), item).Invoke(null, [label, item, count])!;
    }

    /// <summary>Rebuilds key values from their text (as <see cref="Names"/> wrote it) and item type name (as <see cref="ItemTypeName"/> gave it).</summary>
    /// <exception cref="NotSupportedException">The item type is not one this package writes.</exception>
    public static KeyValues Parse(string itemTypeName, IReadOnlyList<string> names)
    {
        var item = ItemTypeFromName(itemTypeName);
        return (KeyValues)Generic(nameof(ParseTyped), item).Invoke(null, [item, names])!;
    }

    /// <summary>Gets the name under which <see cref="Parse"/> finds the item type again.</summary>
    public string ItemTypeName => ItemType.RawType == typeof(ReadOnlyMemory<char>) ? "Text" : ItemType.RawType.Name;

    /// <summary>Placeholder values of the item type, for a schema shape (which carries the annotation's type, not its values).</summary>
    public static KeyValues Placeholder(PrimitiveDataViewType itemType, int count) =>
        (KeyValues)Generic(nameof(PlaceholderTyped), itemType).Invoke(null, [itemType, count])!;

    /// <summary>Whether <see cref="Parse"/> can rebuild values of <paramref name="itemType"/> from their text.</summary>
    public static bool CanParse(PrimitiveDataViewType itemType) => itemType.RawType == typeof(ReadOnlyMemory<char>) || Parsers.ContainsKey(itemType.RawType);

    private static readonly Dictionary<Type, (NumberDataViewType Type, Func<string, object> Parse)> Parsers = new()
    {
        [typeof(float)] = (NumberDataViewType.Single, s => float.Parse(s, CultureInfo.InvariantCulture)),
        [typeof(double)] = (NumberDataViewType.Double, s => double.Parse(s, CultureInfo.InvariantCulture)),
        [typeof(int)] = (NumberDataViewType.Int32, s => int.Parse(s, CultureInfo.InvariantCulture)),
        [typeof(uint)] = (NumberDataViewType.UInt32, s => uint.Parse(s, CultureInfo.InvariantCulture)),
        [typeof(long)] = (NumberDataViewType.Int64, s => long.Parse(s, CultureInfo.InvariantCulture)),
        [typeof(ulong)] = (NumberDataViewType.UInt64, s => ulong.Parse(s, CultureInfo.InvariantCulture)),
        [typeof(short)] = (NumberDataViewType.Int16, s => short.Parse(s, CultureInfo.InvariantCulture)),
        [typeof(ushort)] = (NumberDataViewType.UInt16, s => ushort.Parse(s, CultureInfo.InvariantCulture)),
        [typeof(byte)] = (NumberDataViewType.Byte, s => byte.Parse(s, CultureInfo.InvariantCulture)),
        [typeof(sbyte)] = (NumberDataViewType.SByte, s => sbyte.Parse(s, CultureInfo.InvariantCulture)),
    };

    private static PrimitiveDataViewType ItemTypeFromName(string name)
    {
        if (name == "Text")
        {
            return TextDataViewType.Instance;
        }

        foreach (var (type, parser) in Parsers)
        {
            if (type.Name == name)
            {
                return parser.Type;
            }
        }

        throw new NotSupportedException($"Expected key values of text or a number type but got '{name}'.");
    }

    private static MethodInfo Generic(string name, PrimitiveDataViewType item) =>
        typeof(KeyValues).GetMethod(name, BindingFlags.NonPublic | BindingFlags.Static)!.MakeGenericMethod(item.RawType);

    private static KeyValues ReadTyped<T>(DataViewSchema.Column label, PrimitiveDataViewType item, int count)
    {
        VBuffer<T> values = default;
        label.Annotations.GetValue(Kind, ref values);
        var dense = values.DenseValues().ToArray();
        return Typed(item, dense, count);
    }

    private static KeyValues ParseTyped<T>(PrimitiveDataViewType item, IReadOnlyList<string> names)
    {
        var values = names.Select(n => typeof(T) == typeof(ReadOnlyMemory<char>) ? (T)(object)n.AsMemory() : (T)Parsers[typeof(T)].Parse(n)).ToArray();
        return Typed(item, values, values.Length);
    }

    private static KeyValues PlaceholderTyped<T>(PrimitiveDataViewType item, int count) =>
        Typed(item, new T[count], count);

    private static KeyValues Typed<T>(PrimitiveDataViewType item, T[] values, int count)
    {
        var names = values.Select(v => Convert.ToString(v, CultureInfo.InvariantCulture) ?? string.Empty).ToArray();
        var buffer = new VBuffer<T>(count, values);
        var type = new VectorDataViewType(item, count);
        return new KeyValues(item, names, column => column.AddAnnotation(Kind, buffer, type));
    }
}
