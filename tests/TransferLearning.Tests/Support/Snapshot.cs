using TransferLearning.Networks;

namespace TransferLearning.Tests.Support;

/// <summary>Copies of every parameter's values, to prove later that they did or did not change.</summary>
internal static class Snapshot
{
    public static float[][] Of(Network network) => network.Parameters.Select(p => p.Values.ToArray()).ToArray();

    public static float[][] Of(Layer layer) => layer.Parameters.Select(p => p.Values.ToArray()).ToArray();

    public static bool Same(float[][] before, Layer layer) =>
        layer.Parameters.Select((p, i) => p.Values.SequenceEqual(before[i])).All(x => x);

    public static bool Same(float[][] before, Network network) =>
        network.Parameters.Select((p, i) => p.Values.SequenceEqual(before[i])).All(x => x);
}
