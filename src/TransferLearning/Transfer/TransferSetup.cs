using System.Globalization;
using TransferLearning.Data;
using TransferLearning.Networks;

namespace TransferLearning.Transfer;

/// <summary>What every strategy builds from: the pretrained network, how many of its layers stay, the new layers, the options.</summary>
/// <param name="Pretrained">The pretrained network; never modified.</param>
/// <param name="NewLayers">The new layers to put on top (at least one).</param>
/// <param name="Options">The transfer's settings.</param>
internal sealed record TransferSetup(Network Pretrained, IReadOnlyList<LayerSpec> NewLayers, TransferOptions Options)
{
    /// <summary>Gets the number of examples the network was pretrained on, or <see langword="null"/> when unknown.</summary>
    public long? SourceExampleCount { get; init; }

    /// <summary>Gets how many pretrained layers (of every kind) stay under the new layers.</summary>
    public int Kept => PretrainedBody.KeptLayers(Pretrained, Options.RemovedLayers);

    /// <summary>Gets how many pretrained dense layers stay (what LastLayers(k) counts).</summary>
    public int KeptDense => Pretrained.DenseLayers.Count - Options.RemovedLayers;

    /// <summary>Gets the pretrained network's feature extractor layer (its first layer, which runs outside the library), or <see langword="null"/>.</summary>
    public Layer? Extractor => Pretrained.Layers.Count > 0 && Pretrained.Layers[0].IsExternal ? Pretrained.Layers[0] : null;

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
        network.TrainingBackend = Pretrained.TrainingBackend;
        for (int l = 0; l < Kept; l++)
        {
            var layer = Pretrained.Layers[l];
            foreach (var spec in layer.IsExternal ? Options.FromScratchBody : [layer.ToSpec()])
            {
                network.Add(spec);
            }
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

    /// <summary>The reason every decision starts with: how many top layers the pipeline removed, and what stays.</summary>
    public DecisionReason RemovedReason() => new()
    {
        Code = DecisionReasonCode.TopLayersRemoved,
        Value = Options.RemovedLayers,
        Threshold = Pretrained.DenseLayers.Count,
        Text = Options.RemovedLayers == 0
            ? Invariant.F($"Removed no layer (RemovedLayers = 0): the new layers go on the pretrained network as it is ({Shape()}, output {Pretrained.Layers[Kept - 1].OutputSize}).")
            : Invariant.F($"Removed the top {Options.RemovedLayers} of the pretrained network's {Pretrained.DenseLayers.Count} dense layers ({Shape()}); the new layers go on {(KeptDense > 0 ? Invariant.F($"the {KeptDense} that stay") : "its feature extractor")} (output {Pretrained.Layers[Kept - 1].OutputSize})."),
    };

    /// <summary>
    /// The reason a decision on a network with a feature extractor gives: the extractor cannot train, so no strategy
    /// that trains every pretrained layer is offered, and FromScratch trains <see cref="TransferOptions.FromScratchBody"/>
    /// in its place; <see langword="null"/> without an extractor.
    /// </summary>
    public DecisionReason? ExtractorReason()
    {
        if (Extractor is not { } extractor)
        {
            return null;
        }

        string deepest = KeptDense > 0 ? Invariant.F($"LastLayers({KeptDense}), the dense layers above it,") : "HeadOnly";
        string scratch = Options.FromScratchBody.Count == 0 ? "nothing" : string.Join(", ", Options.FromScratchBody);
        return new()
        {
            Code = DecisionReasonCode.FeatureExtractorNotTrained,
            Value = extractor.OutputSize,
            Threshold = KeptDense,
            Text = Invariant.F($"The pretrained network's bottom, {extractor}, runs outside this library and cannot train: FullFineTune and TwoPhase, which would train it, are not offered; the most that trains is {deepest} with the new layers. FromScratch trains {scratch} on the raw inputs in its place (TransferOptions.FromScratchBody)."),
        };
    }

    private string Shape() => Invariant.F($"{Pretrained.InputSize} → {string.Join(" → ", Pretrained.Layers.Where(l => l.CountsInDepth || l.IsExternal).Select(l => l.OutputSize))}");

    /// <summary>
    /// Checks that a pretrained network whose source task is known still ends in that task's output layer (one
    /// unit per source class, or one sigmoid unit for two), so that the layers the pipeline removes are the head
    /// and not a hidden layer of a network whose head was already removed (<see cref="Network.RemoveTopLayers(int)"/>
    /// changes the network in place, and <see cref="PretrainedNetwork.Network"/> is that object).
    /// </summary>
    /// <exception cref="ArgumentException">The network's output no longer fits the source task.</exception>
    public static void EnsureSourceHead(PretrainedNetwork pretrained)
    {
        var network = pretrained.Network;
        if (network.Layers.Count < pretrained.LayerCountWhenMade)
        {
            throw new ArgumentException(
                Invariant.F($"Expected the pretrained network to have the {pretrained.LayerCountWhenMade} layers it had when the PretrainedNetwork was made, but it has {network.Layers.Count}: its top was removed afterwards (RemoveTopLayers changes the network in place, and PretrainedNetwork.Network is that network), and the transfer removes TransferOptions.RemovedLayers more, which would strip a hidden layer. Transfer from the network as it was pretrained (or loaded); the pipeline removes its head itself."),
                nameof(pretrained));
        }

        // A network that is a feature extractor alone was cut below its source head already (RemovedLayers = 0).
        if (pretrained.SourceClassCount is not { } classes || network.DenseLayers.Count == 0)
        {
            return;
        }

        int outputs = network.OutputSize;
        if (outputs == classes || (classes == 2 && outputs == 1))
        {
            return;
        }

        throw new ArgumentException(
            Invariant.F($"Expected the pretrained network to end in its source task's output layer ({classes} units, one per source class) but its output has {outputs} units: its top layer was already removed (RemoveTopLayers changes the network in place, and PretrainedNetwork.Network is that network), and the transfer removes TransferOptions.RemovedLayers more, which would strip a hidden layer. Transfer from the network as it was pretrained (or loaded); the pipeline removes its head itself."),
            nameof(pretrained));
    }

    /// <summary>
    /// Checks that a transfer that removes no layer (<see cref="TransferOptions.RemovedLayers"/> = 0) is not given a
    /// network that still ends in its known source head: that head would become a hidden layer of the new network.
    /// </summary>
    /// <exception cref="ArgumentException">The network ends in its source task's output layer and no layer is removed.</exception>
    public static void EnsureHeadRemoved(PretrainedNetwork pretrained, TransferOptions options)
    {
        if (options.RemovedLayers == 0 && pretrained.SourceClassCount is { } classes && pretrained.Network.DenseLayers.Count > 0)
        {
            throw new ArgumentException(
                Invariant.F($"Expected RemovedLayers ≥ 1 for a network that ends in its source task's output layer ({pretrained.Network.Layers[^1]}, for {classes} source classes) but it is 0: that layer would become a hidden layer of the new network. Remove it (RemovedLayers = 1), or, for a network already cut below its head, leave PretrainedNetwork.SourceClassCount unset."),
                nameof(options));
        }
    }

    /// <summary>The counts the data-size rule decides from.</summary>
    public TransferSituation Situation(Dataset target)
    {
        var keptCounts = PretrainedBody.ParameterCountsPerDenseLayer(Pretrained, Kept);
        long newCount = 0;
        int inputs = Pretrained.Layers[Kept - 1].OutputSize;
        foreach (var spec in NewLayers)
        {
            newCount += spec.ParameterCount(inputs);
            inputs = spec.OutputSize(inputs);
        }

        int? smallestClass = target.IsClassification ? target.CountPerClass().Where(c => c > 0).Min() : null;
        return new TransferSituation
        {
            SourceInputSize = Pretrained.InputSize,
            SourceExampleCount = SourceExampleCount,
            TargetInputSize = target.FeatureCount,
            TargetExampleCount = target.Count,
            TargetClassCount = target.ClassCount,
            PretrainedLayerParameterCounts = keptCounts,
            NewLayerParameterCount = newCount,
            TargetSmallestClassCount = smallestClass,
            Extractor = Extractor?.ToString(),
        };
    }

    /// <summary>Checks that the pretrained network, the target and the options fit together, and resolves the new layers.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="pretrained"/> or <paramref name="target"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">They do not fit (the message says how).</exception>
    /// <exception cref="ArgumentOutOfRangeException">More layers removed than the network has.</exception>
    public static TransferSetup For(Network pretrained, Dataset target, TransferOptions options)
    {
        ArgumentNullException.ThrowIfNull(pretrained);
        ArgumentNullException.ThrowIfNull(target);
        if (pretrained.Layers.Count == 0)
        {
            throw new ArgumentException("Expected a pretrained network with layers but it has none.", nameof(pretrained));
        }

        if (target.FeatureCount != pretrained.InputSize)
        {
            throw new ArgumentException(
                string.Create(CultureInfo.InvariantCulture, $"Transfer needs the same input x: expected target examples with {pretrained.InputSize} features (the pretrained network's input size) but got {target.FeatureCount}."),
                nameof(target));
        }

        if (target.IsClassification && target.ClassCount < 2)
        {
            throw new ArgumentException(
                string.Create(CultureInfo.InvariantCulture, $"Expected a target with at least 2 classes but it has {target.ClassCount}."), nameof(target));
        }

        bool extractor = PretrainedBody.ExternalLayers(pretrained) > 0;
        if (extractor ? options.RemovedLayers > pretrained.DenseLayers.Count : options.RemovedLayers >= pretrained.DenseLayers.Count)
        {
            throw new ArgumentOutOfRangeException(
                nameof(options),
                options.RemovedLayers,
                extractor
                    ? Invariant.F($"Expected RemovedLayers at most the number of dense layers above the pretrained network's feature extractor ({pretrained.DenseLayers.Count}) but got {options.RemovedLayers}{(pretrained.DenseLayers.Count == 0 ? ": the network is the extractor alone, already cut below its source head, so set RemovedLayers = 0" : string.Empty)}.")
                    : Invariant.F($"Expected RemovedLayers less than the pretrained network's number of dense layers ({pretrained.DenseLayers.Count}) but got {options.RemovedLayers}: at least one pretrained dense layer must remain."));
        }

        int kept = PretrainedBody.KeptLayers(pretrained, options.RemovedLayers);
        if (pretrained.Layers[kept - 1].IsOutputOnly)
        {
            throw new ArgumentException(
                Invariant.F($"Expected RemovedLayers to remove the pretrained network's output layer, {pretrained.Layers[kept - 1]}, but it is {options.RemovedLayers}: no layer can go on top of it. Remove at least 1 layer, or give a network already cut below its head."),
                nameof(options));
        }

        var newLayers = ResolveNewLayers(target, options);
        if (newLayers.Count == 0)
        {
            throw new ArgumentException(
                Invariant.F($"Expected at least one new layer in TransferOptions.NewLayers (the target's output layer, such as LayerSpec.Dense({(target.IsClassification ? target.ClassCount : target.TargetCount)}, Activation.{(target.IsClassification ? "Softmax" : "Identity")})) but it is empty: the network would end in the kept pretrained layer {pretrained.Layers[kept - 1]}, which is no output layer for the target."),
                nameof(options));
        }

        if (newLayers[^1] is not DenseSpec last)
        {
            throw new ArgumentException(
                Invariant.F($"Expected the last new layer to be a Dense layer (the target's output) but it is {newLayers[^1]}."), nameof(options));
        }

        if (target.IsClassification && !FitsClasses(last, target.ClassCount))
        {
            throw new ArgumentException(
                Invariant.F($"Expected the last new layer to have at least {target.ClassCount} units (one per target class), or for a 2-class target to be one Sigmoid unit (a binary classifier), but it is {last}."),
                nameof(options));
        }

        if (!target.IsClassification && last.Units != target.TargetCount)
        {
            throw new ArgumentException(
                Invariant.F($"Expected the last new layer to have exactly {target.TargetCount} units (one per regression target) but it has {last.Units}."), nameof(options));
        }

        return new TransferSetup(pretrained, newLayers, options);
    }

    /// <summary>The strategy, checked against the network it would train; <paramref name="paramName"/> is the argument blamed.</summary>
    public TransferStrategy Fitting(TransferStrategy strategy, string paramName)
    {
        if (Extractor is { } extractor && strategy.TrainsEveryPretrainedLayer)
        {
            throw new ArgumentException(
                Invariant.F($"Expected a strategy that keeps the pretrained network's feature extractor frozen but got {strategy}, which would train every pretrained layer: {extractor} runs outside this library and cannot train. Use {(KeptDense > 0 ? Invariant.F($"LastLayers({KeptDense}) to train every dense layer above it") : "HeadOnly")}, or FromScratch."),
                paramName);
        }

        strategy.EnsureFits(KeptDense, Invariant.F($"removing {Options.RemovedLayers} of {Pretrained.DenseLayers.Count}"), paramName);
        return strategy;
    }

    /// <summary>
    /// Whether an output layer can classify <paramref name="classes"/> classes: one unit per class (arg-max), or
    /// for two classes a single sigmoid unit <c>a = σ(z) = P(class 1)</c>, class 1 when <c>a ≥ 0.5</c>.
    /// </summary>
    private static bool FitsClasses(DenseSpec output, int classes) =>
        output.Units >= classes || (classes == 2 && output.Units == 1 && output.Activation == Activation.Sigmoid);

    private static IReadOnlyList<LayerSpec> ResolveNewLayers(Dataset target, TransferOptions options) =>
        options.NewLayers ?? (target.IsClassification
            ? [LayerSpec.Dense(target.ClassCount, Activation.Softmax)]
            : [LayerSpec.Dense(target.TargetCount, Activation.Identity)]);
}
