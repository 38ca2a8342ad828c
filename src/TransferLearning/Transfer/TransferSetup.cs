using TransferLearning.Networks;

namespace TransferLearning.Transfer;

/// <summary>What every strategy builds from: the pretrained network, how many of its layers stay, the new layers, the options.</summary>
/// <param name="Pretrained">The pretrained network; never modified.</param>
/// <param name="NewLayers">The new layers to put on top (at least one).</param>
/// <param name="Options">The transfer's settings.</param>
internal sealed record TransferSetup(Network Pretrained, IReadOnlyList<LayerSpec> NewLayers, TransferOptions Options)
{
    /// <summary>Gets how many pretrained layers (of every kind) stay under the new layers.</summary>
    public int Kept => PretrainedBody.KeptLayers(Pretrained, Options.RemovedLayers);

    /// <summary>Gets how many pretrained dense layers stay (what LastLayers(k) counts).</summary>
    public int KeptDense => Pretrained.DenseLayers.Count - Options.RemovedLayers;

    /// <summary>A copy of the kept pretrained layers, every layer trainable, with the new layers (random from <see cref="TransferOptions.Seed"/>) on top.</summary>
    public Network PretrainedCopy()
    {
        var network = Pretrained.Clone(Kept, Options.Seed);
        foreach (var layer in network.Layers)
        {
            layer.Unfreeze();
        }

        return WithNewLayers(network);
    }

    /// <summary>The same final architecture with every weight random from <see cref="TransferOptions.Seed"/>.</summary>
    public Network FreshCopy()
    {
        var network = Network.Create(Pretrained.InputSize, Options.Seed);
        network.Backend = Pretrained.Backend;
        for (int l = 0; l < Kept; l++)
        {
            network.Add(Pretrained.Layers[l].ToSpec());
        }

        return WithNewLayers(network);
    }

    private Network WithNewLayers(Network network)
    {
        foreach (var spec in NewLayers)
        {
            network.Add(spec);
        }

        return network;
    }
}
