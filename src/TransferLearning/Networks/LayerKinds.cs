using System.Collections.Concurrent;

namespace TransferLearning.Networks;

/// <summary>Reads one layer of a kind from a file: checks its settings and tensors now, builds it later.</summary>
/// <param name="record">The layer's settings and tensors.</param>
/// <returns>The layer's output size and how to build it.</returns>
internal delegate LayerPlan LayerReader(LayerRecordReader record);

/// <summary>A layer read from a file and checked, yet to be built: its output size and the function that builds it (reading its tensors).</summary>
internal readonly record struct LayerPlan(int OutputSize, Func<Layer> Build);

/// <summary>
/// The registry of layer kinds, keyed by the kind name a saved file stores (<c>layers.{i}.kind</c>): the one
/// place that lists them.
/// </summary>
/// <remarks>
/// <para>
/// <b>One home per kind.</b> A kind is one type, derived from <see cref="Layer"/>, in one file that owns all of
/// it: its specification (<see cref="Layer.ToSpec"/>, with a <see cref="LayerSpec"/> beside it), inference,
/// training forward and backward passes, <see cref="Layer.ResetParameters"/>, its file mapping
/// (<see cref="Layer.Kind"/>, <see cref="Layer.WriteSettings"/>, <see cref="Layer.SavedTensors"/> and a static
/// <see cref="LayerReader"/>), and what the rest of the library asks of it through <see cref="Layer"/>'s
/// virtual members (<see cref="Layer.IsOutputOnly"/>, <see cref="Layer.CountsInDepth"/>,
/// <see cref="Layer.IsIdentityAtInference"/>, <see cref="Layer.CheckValues"/>). Nothing outside that file tests
/// for the kind's type or switches on it (a test scans <c>src/</c> for it).
/// </para>
/// <para>
/// <b>Adding a kind is one new file plus one registration line.</b> Write <c>Layers/FooLayer.cs</c> (the layer,
/// its spec and its reader, as <c>DropoutLayer.cs</c> does) and add <c>[FooLayer.KindName] = FooLayer.Read</c>
/// below (or call <see cref="Register"/> once, as the test of a toy kind does). Saving, loading, cloning,
/// training, prediction, transfer's copies and its FromScratch baseline then work with it. The ONNX package maps
/// kind names to operators in its own one table; a kind it does not list is refused there with
/// <see cref="NotSupportedException"/>.
/// </para>
/// </remarks>
internal static class LayerKinds
{
    private static readonly ConcurrentDictionary<string, LayerReader> Readers = new(
        new Dictionary<string, LayerReader>(StringComparer.Ordinal)
        {
            [DenseLayer.KindName] = DenseLayer.Read,
            [DropoutLayer.KindName] = DropoutLayer.Read,
            [BatchNormLayer.KindName] = BatchNormLayer.Read,
            [FeatureExtractorLayer.KindName] = FeatureExtractorLayer.Read,
        },
        StringComparer.Ordinal);

    /// <summary>Gets the registered kind names, in ordinal order.</summary>
    public static IReadOnlyList<string> Names => [.. Readers.Keys.Order(StringComparer.Ordinal)];

    /// <summary>Registers a kind under <paramref name="kindName"/>; registering the same reader again does nothing.</summary>
    /// <exception cref="ArgumentException">Another reader is registered under <paramref name="kindName"/>.</exception>
    public static void Register(string kindName, LayerReader read)
    {
        ArgumentException.ThrowIfNullOrEmpty(kindName);
        ArgumentNullException.ThrowIfNull(read);
        var registered = Readers.GetOrAdd(kindName, read);
        if (registered != read)
        {
            throw new ArgumentException($"Expected a kind name no other kind uses but '{kindName}' is taken.", nameof(kindName));
        }
    }

    /// <summary>The reader of the kind named <paramref name="kindName"/>, or <see langword="null"/> when none is registered.</summary>
    public static LayerReader? ReaderOf(string kindName) => Readers.GetValueOrDefault(kindName);
}
