using System.Globalization;

namespace TransferLearning.Transfer;

/// <summary>
/// How much of the network trains on the target task: <see cref="HeadOnly"/>,
/// <see cref="LastLayers(int)"/>, <see cref="FullFineTune"/>, <see cref="TwoPhase"/> or <see cref="FromScratch"/>.
/// </summary>
public sealed record TransferStrategy
{
    private TransferStrategy(TransferStrategyKind kind, int pretrainedLayersToTrain)
    {
        Kind = kind;
        PretrainedLayersToTrain = pretrainedLayersToTrain;
    }

    /// <summary>Gets the strategy that trains only the new layers.</summary>
    public static TransferStrategy HeadOnly { get; } = new(TransferStrategyKind.HeadOnly, 0);

    /// <summary>Gets the strategy that trains every layer from the pretrained weights.</summary>
    public static TransferStrategy FullFineTune { get; } = new(TransferStrategyKind.FullFineTune, int.MaxValue);

    /// <summary>Gets the strategy that trains the head first, then every layer at a lower rate.</summary>
    public static TransferStrategy TwoPhase { get; } = new(TransferStrategyKind.TwoPhase, int.MaxValue);

    /// <summary>Gets the baseline: the same final architecture, every weight random.</summary>
    public static TransferStrategy FromScratch { get; } = new(TransferStrategyKind.FromScratch, int.MaxValue);

    /// <summary>Gets the kind of strategy.</summary>
    public TransferStrategyKind Kind { get; }

    /// <summary>
    /// Gets how many pretrained layers (from the top) train besides the new layers: 0 for
    /// <see cref="HeadOnly"/>, k for <see cref="LastLayers(int)"/>, <see cref="int.MaxValue"/> (all) otherwise.
    /// </summary>
    public int PretrainedLayersToTrain { get; }

    /// <summary>Gets a value indicating whether some pretrained layer stays frozen and its features are used as they are.</summary>
    internal bool FreezesPretrainedLayers => Kind is TransferStrategyKind.HeadOnly or TransferStrategyKind.LastLayers;

    /// <summary>The new layers and the top <paramref name="k"/> pretrained layers train; the rest stay frozen.</summary>
    /// <param name="k">How many pretrained layers to train, at least 1.</param>
    /// <returns>The strategy.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="k"/> is less than 1.</exception>
    public static TransferStrategy LastLayers(int k)
    {
        Guard.AtLeast(k, 1, nameof(k));
        return new TransferStrategy(TransferStrategyKind.LastLayers, k);
    }

    /// <summary>Returns the strategy's name, such as <c>LastLayers(2)</c>.</summary>
    /// <returns>The name.</returns>
    public override string ToString() => Kind == TransferStrategyKind.LastLayers
        ? string.Create(CultureInfo.InvariantCulture, $"LastLayers({PretrainedLayersToTrain})")
        : Kind.ToString();
}
