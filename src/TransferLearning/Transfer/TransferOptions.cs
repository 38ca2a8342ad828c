using TransferLearning.Networks;
using TransferLearning.Training;

namespace TransferLearning.Transfer;

/// <summary>The settings of <see cref="TransferPipeline.Transfer"/>, validated when set.</summary>
public sealed record TransferOptions
{
    /// <summary>
    /// Gets the new layers put on top of the kept pretrained layers, randomly initialised from
    /// <see cref="Seed"/>; <see langword="null"/> (the default) means one output layer sized to the target:
    /// softmax over its classes, or identity over its regression targets. The last layer must be dense: for a
    /// classification target with at least one unit per class, or for a 2-class target one
    /// <see cref="Activation.Sigmoid"/> unit (a binary classifier trained with binary cross-entropy, class 1 when
    /// <c>a ≥ 0.5</c>); for a regression target one unit per target row.
    /// </summary>
    /// <exception cref="ArgumentException">Set to a list that holds <see langword="null"/> or a feature extractor (which may only be a network's first layer).</exception>
    public IReadOnlyList<LayerSpec>? NewLayers
    {
        get;
        init => field = value is null ? null : ValidLayers(value, nameof(NewLayers));
    }

    /// <summary>
    /// Gets how many top dense layers of the pretrained network are removed (the output layer <c>W[L]</c>,
    /// <c>b[L]</c> and, for more than 1, the dense layers below it), with any dropout or batch-normalisation layer
    /// above the last dense layer that remains. At least 0, and less than the network's number of dense layers (or,
    /// on a network that starts with a <see cref="FeatureExtractor"/>, at most that number: the extractor remains).
    /// 0 puts the new layers on the network as it is: for a network already cut below its source head, such as an
    /// extractor cut at its features. The default is 1.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">Set to less than 0.</exception>
    public int RemovedLayers
    {
        get;
        init
        {
            Guard.AtLeast(value, 0, nameof(RemovedLayers));
            field = value;
        }
    } = 1;

    /// <summary>
    /// Gets the layers that <see cref="TransferStrategy.FromScratch"/> trains on the raw inputs in place of a
    /// pretrained network's <see cref="FeatureExtractor"/> (which this library cannot build afresh or train); the kept
    /// pretrained dense layers (fresh) and the new layers follow, as for any network. Unused when the network has no
    /// extractor. May be empty (the layers above train on the raw inputs directly). The default is one
    /// <c>Dense(256, ReLU)</c> layer.
    /// </summary>
    /// <exception cref="ArgumentNullException">Set to <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">Set to a list that holds <see langword="null"/> or a feature extractor.</exception>
    public IReadOnlyList<LayerSpec> FromScratchBody
    {
        get;
        init
        {
            ArgumentNullException.ThrowIfNull(value, nameof(FromScratchBody));
            field = ValidLayers(value, nameof(FromScratchBody));
        }
    } = DefaultFromScratchBody;

    /// <summary>
    /// Gets the metric the transfer is judged on, higher being better: what the policy scores candidates on and the
    /// decision names. <see langword="null"/> (the default) uses <see cref="TransferMetric.DefaultFor"/> of the target:
    /// balanced accuracy when a class is rare (under 10 % of the examples and under half of a balanced share), accuracy
    /// otherwise, R² for regression targets. A metric that cannot score the target (a classification metric on
    /// regression targets, a positive class the target lacks) is an <see cref="ArgumentException"/> of the transfer.
    /// </summary>
    public TransferMetric? Metric { get; init; }

    /// <summary>Gets the policy that decides the strategy. The default is <see cref="DataSizePolicy.Default"/>.</summary>
    /// <exception cref="ArgumentNullException">Set to <see langword="null"/>.</exception>
    public TransferPolicy Policy
    {
        get;
        init => field = value ?? throw new ArgumentNullException(nameof(Policy));
    } = DataSizePolicy.Default;

    /// <summary>
    /// Gets how the target is trained (for <see cref="TransferStrategy.TwoPhase"/>, each phase; its
    /// head phase stops early, with patience 3, unless <see cref="TrainingOptions.EarlyStopping"/> is set).
    /// The transfer makes its own parameter groups (new layers; trainable pretrained layers with
    /// <see cref="PretrainedLearningRateScale"/> and <see cref="AnchorDecay"/>), so
    /// <see cref="TrainingOptions.ParameterGroups"/> must not be set here.
    /// The default is 30 epochs (at least <see cref="MinTrainingSteps"/> steps), mini-batches of 32, Adam at 1e-3.
    /// </summary>
    /// <exception cref="ArgumentNullException">Set to <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">Set to options with <see cref="TrainingOptions.ParameterGroups"/>.</exception>
    public TrainingOptions Training
    {
        get;
        init
        {
            ArgumentNullException.ThrowIfNull(value, nameof(Training));
            if (value.ParameterGroups is not null)
            {
                throw new ArgumentException(
                    "Expected TransferOptions.Training without ParameterGroups but they are set: the transfer groups the parameters itself (new layers; pretrained layers at PretrainedLearningRateScale, with AnchorDecay and NewLayerWeightDecay). Set those options instead, or train the built network yourself (TransferPipeline.Build) with your own groups.",
                    nameof(Training));
            }

            field = value;
        }
    } = new() { Epochs = 30, BatchSize = 32, Optimizer = new AdamOptions { LearningRate = 1e-3f } };

    /// <summary>
    /// Gets the fewest mini-batch steps a transfer trains, ≥ 0: on a target so small that
    /// <see cref="Training"/>'s epochs would make fewer steps, the epochs are raised to
    /// <c>⌈MinTrainingSteps / batches per epoch⌉</c> (each phase of TwoPhase; Auto's trials alike). The
    /// default is 500: Adam at 1e-3 needs a few hundred steps, and 30 epochs of a 40-example target are only
    /// 60 (measured: 50 % training accuracy on an easy binary target, against 95 % with enough steps).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">Set to less than 0.</exception>
    public int MinTrainingSteps
    {
        get;
        init
        {
            Guard.AtLeast(value, 0, nameof(MinTrainingSteps));
            field = value;
        }
    } = 500;

    /// <summary>
    /// Gets the learning-rate multiplier of the pretrained layers that train (LastLayers, FullFineTune;
    /// TwoPhase's second phase uses <see cref="TwoPhaseFineTuneScale"/> for every layer instead), so that
    /// the body can move slower than the new head; finite and &gt; 0. The default is 1.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">Set to a value that is not finite and &gt; 0.</exception>
    public float PretrainedLearningRateScale
    {
        get;
        init
        {
            Guard.Positive(value, nameof(PretrainedLearningRateScale));
            field = value;
        }
    } = 1f;

    /// <summary>Gets the learning-rate multiplier of every layer in the second phase of TwoPhase; finite and &gt; 0. The default is 0.1.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Set to a value that is not finite and &gt; 0.</exception>
    public float TwoPhaseFineTuneScale
    {
        get;
        init
        {
            Guard.Positive(value, nameof(TwoPhaseFineTuneScale));
            field = value;
        }
    } = 0.1f;

    /// <summary>
    /// Gets the L2-SP strength <c>α</c>: pretrained weights that train are pulled towards their pretrained
    /// values <c>w₀</c> by the penalty <c>(α/2)·‖w − w₀‖²</c> (instead of towards zero); ≥ 0. The default is 0 (off).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">Set to a value that is not finite and ≥ 0.</exception>
    public float AnchorDecay
    {
        get;
        init
        {
            Guard.NonNegative(value, nameof(AnchorDecay));
            field = value;
        }
    }

    /// <summary>
    /// Gets the ordinary L2 decay <c>β</c> of the new layers, <c>(β/2)·‖w‖²</c>; ≥ 0; <see langword="null"/>
    /// (the default) uses the optimiser's weight decay.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">Set to a value that is not finite and ≥ 0.</exception>
    public float? NewLayerWeightDecay
    {
        get;
        init
        {
            if (value is { } v)
            {
                Guard.NonNegative(v, nameof(NewLayerWeightDecay));
            }

            field = value;
        }
    }

    /// <summary>
    /// Gets the one seed of the whole transfer (<c>Transfer</c>, <c>Decide</c> and <c>Build</c>): the same seed, data
    /// and options give the same decision and the same weights. The default is 0.
    /// </summary>
    /// <remarks>
    /// Every random choice of a transfer is derived from it:
    /// <list type="table">
    /// <item><term>new layers' weights (for FromScratch, every weight)</term><description>a generator seeded with <c>Seed</c></description></item>
    /// <item><term>the order of the mini-batches</term><description><c>Seed · 1,000,003 + Training.Seed</c> (so <see cref="TrainingOptions.Seed"/>, 0 by default, still varies the order alone)</description></item>
    /// <item><term>the policy's probe folds and label shuffles (<see cref="DataSizePolicy"/>)</term><description><c>Seed</c>, in place of <see cref="AdvisorOptions.Seed"/> of <see cref="DataSizePolicy.FeatureCheck"/></description></item>
    /// <item><term><see cref="TransferPolicy.Auto"/>'s held-out parts</term><description><c>Seed</c></description></item>
    /// <item><term>dropout masks</term><description>the seeds the layers drew when they were built (from the network's seed, or from <c>Seed</c> for new layers)</description></item>
    /// </list>
    /// Outside a transfer, each operation has its own seed: <c>Network.Create(…, seed)</c>, <see cref="TrainingOptions.Seed"/>
    /// for <c>Trainer.Fit</c>, <see cref="AdvisorOptions.Seed"/> for <c>TransferAdvisor.Advise</c>, and the <c>seed</c>
    /// argument of each data-set sampler (<c>Split</c>, <c>TakePerClass</c>, …).
    /// </remarks>
    public int Seed { get; init; }

    /// <summary>The default of <see cref="FromScratchBody"/>: one instance, read-only, so that two default options are equal records.</summary>
    private static readonly IReadOnlyList<LayerSpec> DefaultFromScratchBody = Array.AsReadOnly<LayerSpec>([LayerSpec.Dense(256, Activation.ReLU)]);

    /// <summary>A copy of <paramref name="layers"/>, checked: no <see langword="null"/>, no feature extractor (a network's first layer only).</summary>
    private static LayerSpec[] ValidLayers(IReadOnlyList<LayerSpec> layers, string name)
    {
        for (int i = 0; i < layers.Count; i++)
        {
            if (layers[i] is null or FeatureExtractorSpec)
            {
                throw new ArgumentException(
                    Invariant.F($"Expected layers of this library's in {name} but layer {i} is {(layers[i] is null ? "null" : layers[i].ToString())}{(layers[i] is null ? string.Empty : ", which may only be a network's first layer")}."), name);
            }
        }

        return [.. layers];
    }

    /// <summary>The epochs a transfer trains on <paramref name="examples"/> target examples: <see cref="TrainingOptions.Epochs"/>, raised to reach <see cref="MinTrainingSteps"/>.</summary>
    internal int EpochsFor(int examples)
    {
        int batches = Math.Max(1, (examples + Training.BatchSize - 1) / Training.BatchSize);
        return Math.Max(Training.Epochs, (MinTrainingSteps + batches - 1) / batches);
    }
}
