using TransferLearning.Networks;

namespace TransferLearning.Transfer;

/// <summary>
/// Where the pretrained body ends and which of its layers a strategy trains, counted in the layers that count in
/// depth (<see cref="Layer.CountsInDepth"/>: the dense layers): the dropout and batch-normalisation layers between
/// them go with the counted layer below them.
/// </summary>
internal static class PretrainedBody
{
    /// <summary>
    /// The number of bottom layers kept after removing the top <paramref name="removedDenseLayers"/> dense layers
    /// and anything above the body's last dense layer (the old head's dropout or normalisation).
    /// </summary>
    public static int KeptLayers(Network pretrained, int removedDenseLayers)
    {
        if (removedDenseLayers == 0)
        {
            return pretrained.Layers.Count;
        }

        var counted = pretrained.Layers.Where(l => l.CountsInDepth).ToList();
        if (removedDenseLayers == counted.Count)
        {
            // Every dense layer goes: what stays is the feature extractor at the bottom.
            return ExternalLayers(pretrained);
        }

        var lastKept = counted[counted.Count - removedDenseLayers - 1];
        return IndexOf(pretrained, lastKept) + 1;
    }

    /// <summary>The number of bottom layers that run outside the library (a feature extractor: 0 or 1).</summary>
    public static int ExternalLayers(Network network) => network.Layers.TakeWhile(l => l.IsExternal).Count();

    /// <summary>
    /// The index of the lowest layer that trains when the top <paramref name="trainedDenseLayers"/> dense layers of
    /// the body (its bottom <paramref name="kept"/> layers) train, with everything above them.
    /// </summary>
    public static int FirstTrainedLayer(Network network, int kept, int trainedDenseLayers)
    {
        int remaining = trainedDenseLayers;
        for (int l = kept - 1; l >= 0; l--)
        {
            if (network.Layers[l].CountsInDepth && --remaining == 0)
            {
                // Layers below the lowest dense layer (an input BatchNorm or Dropout) go with it, as they are counted.
                // A feature extractor below stays frozen: the trained layers start above it.
                return network.Layers.Take(l).Any(layer => layer.CountsInDepth) ? l : ExternalLayers(network);
            }
        }

        return trainedDenseLayers <= 0 ? kept : ExternalLayers(network);
    }

    /// <summary>
    /// The parameter count of each dense layer of the body, the layers above it up to the next dense layer included
    /// (what LastLayers trains per step of k).
    /// </summary>
    public static long[] ParameterCountsPerDenseLayer(Network pretrained, int kept)
    {
        // One entry per kept dense layer: the layers below the lowest dense layer (an input batch normalisation, a
        // dropout on an extractor's features) go with it, as FirstTrainedLayer trains them with it.
        var counts = new List<long>();
        long below = 0;
        for (int l = 0; l < kept; l++)
        {
            var layer = pretrained.Layers[l];
            if (layer.IsExternal)
            {
                continue;   // nothing of it trains
            }

            if (layer.CountsInDepth)
            {
                counts.Add(layer.ParameterCount + below);
                below = 0;
            }
            else if (counts.Count == 0)
            {
                below += layer.ParameterCount;
            }
            else
            {
                counts[^1] += layer.ParameterCount;
            }
        }

        return [.. counts];
    }

    private static int IndexOf(Network network, Layer layer)
    {
        for (int l = 0; l < network.Layers.Count; l++)
        {
            if (ReferenceEquals(network.Layers[l], layer))
            {
                return l;
            }
        }

        throw new ArgumentException("The layer is not part of the network.", nameof(layer));
    }
}
