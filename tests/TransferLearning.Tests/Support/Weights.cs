using TransferLearning.Networks;

namespace TransferLearning.Tests.Support;

/// <summary>Copies of a network's (or a layer's) parameter values, to prove later that they did or did not change: "unchanged" and "identical" assertions.</summary>
internal static class Weights
{
    /// <summary>A copy of every parameter's values, in <see cref="Network.Parameters"/> order.</summary>
    public static float[][] Of(Network network) => network.Parameters.Select(p => p.Values.ToArray()).ToArray();

    /// <summary>A copy of one layer's weight and bias values.</summary>
    public static float[][] Of(Layer layer) => layer.Parameters.Select(p => p.Values.ToArray()).ToArray();

    /// <summary>True when both snapshots hold the same number of tensors and every tensor is bit-identical.</summary>
    public static bool AreIdentical(float[][] expected, float[][] actual) =>
        expected.Length == actual.Length && expected.Zip(actual).All(pair => pair.First.SequenceEqual(pair.Second));

    /// <summary>True when <paramref name="network"/>'s parameters are bit-identical to the snapshot <paramref name="before"/>.</summary>
    public static bool Same(float[][] before, Network network) => AreIdentical(before, Of(network));

    /// <summary>True when <paramref name="layer"/>'s parameters are bit-identical to the snapshot <paramref name="before"/>.</summary>
    public static bool Same(float[][] before, Layer layer) => AreIdentical(before, Of(layer));

    /// <summary>Asserts that <paramref name="actual"/> is bit-identical to <paramref name="expected"/>, naming the first difference.</summary>
    public static void ShouldBeIdentical(float[][] actual, float[][] expected, string because = "")
    {
        actual.Should().HaveSameCount(expected, because);
        for (int t = 0; t < expected.Length; t++)
        {
            actual[t].Should().Equal(expected[t], "tensor {0} should be bit-identical {1}", t, because);
        }
    }
}
