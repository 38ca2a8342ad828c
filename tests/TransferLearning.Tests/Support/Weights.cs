using TransferLearning.Networks;

namespace TransferLearning.Tests.Support;

/// <summary>Copies of a network's parameter values, for "unchanged" and "identical" assertions.</summary>
internal static class Weights
{
    /// <summary>A copy of every parameter's values, in <see cref="Network.Parameters"/> order.</summary>
    public static float[][] Of(Network network) => network.Parameters.Select(p => p.Values.ToArray()).ToArray();

    /// <summary>A copy of one layer's weight and bias values.</summary>
    public static float[][] Of(Layer layer) => layer.Parameters.Select(p => p.Values.ToArray()).ToArray();

    /// <summary>True when both snapshots hold the same number of tensors and every tensor is bit-identical.</summary>
    public static bool AreIdentical(float[][] expected, float[][] actual) =>
        expected.Length == actual.Length && expected.Zip(actual).All(pair => pair.First.SequenceEqual(pair.Second));

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
