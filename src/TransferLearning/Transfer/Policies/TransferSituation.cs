using System.Globalization;

namespace TransferLearning.Transfer;

/// <summary>
/// The numbers a <see cref="DataSizePolicy"/> decides from: input sizes, example counts, classes, and how
/// many parameters each strategy would train.
/// </summary>
public sealed class TransferSituation
{
    /// <summary>Creates a situation.</summary>
    /// <param name="sourceInputSize">The pretrained network's input size, at least 1.</param>
    /// <param name="sourceExampleCount">The number of source examples it was trained on, or <see langword="null"/> when unknown.</param>
    /// <param name="targetInputSize">The target's number of features, at least 1.</param>
    /// <param name="targetExampleCount">The number of target training examples, at least 1.</param>
    /// <param name="targetClassCount">The number of target classes; 0 for a regression target.</param>
    /// <param name="pretrainedLayerParameterCounts">The parameter count of each pretrained layer that is kept, input side first.</param>
    /// <param name="newLayerParameterCount">The parameter count of the new layers.</param>
    /// <param name="targetSmallestClassCount">The number of examples of the target's smallest class, or <see langword="null"/> when unknown (the mean is used).</param>
    /// <exception cref="ArgumentOutOfRangeException">A count or size is out of range.</exception>
    /// <exception cref="ArgumentNullException"><paramref name="pretrainedLayerParameterCounts"/> is <see langword="null"/>.</exception>
    public TransferSituation(
        int sourceInputSize,
        long? sourceExampleCount,
        int targetInputSize,
        int targetExampleCount,
        int targetClassCount,
        IReadOnlyList<long> pretrainedLayerParameterCounts,
        long newLayerParameterCount,
        int? targetSmallestClassCount = null)
    {
        Guard.AtLeast(sourceInputSize, 1, nameof(sourceInputSize));
        Guard.AtLeast(targetInputSize, 1, nameof(targetInputSize));
        Guard.AtLeast(targetExampleCount, 1, nameof(targetExampleCount));
        Guard.AtLeast(targetClassCount, 0, nameof(targetClassCount));
        ArgumentNullException.ThrowIfNull(pretrainedLayerParameterCounts);
        if (sourceExampleCount is < 1)
        {
            throw new ArgumentOutOfRangeException(
                nameof(sourceExampleCount), sourceExampleCount, $"Expected at least 1 source example (or null when unknown) but got {sourceExampleCount}.");
        }

        if (newLayerParameterCount < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(newLayerParameterCount), newLayerParameterCount, $"Expected a count of at least 0 but got {newLayerParameterCount}.");
        }

        if (targetSmallestClassCount is { } smallest && (smallest < 0 || smallest > targetExampleCount))
        {
            throw new ArgumentOutOfRangeException(
                nameof(targetSmallestClassCount), smallest, $"Expected a count in [0, {targetExampleCount}] (the target's examples) but got {smallest}.");
        }

        TargetSmallestClassCount = targetSmallestClassCount;
        SourceInputSize = sourceInputSize;
        SourceExampleCount = sourceExampleCount;
        TargetInputSize = targetInputSize;
        TargetExampleCount = targetExampleCount;
        TargetClassCount = targetClassCount;
        PretrainedLayerParameterCounts = pretrainedLayerParameterCounts.ToArray();
        NewLayerParameterCount = newLayerParameterCount;
    }

    /// <summary>Gets the pretrained network's input size.</summary>
    public int SourceInputSize { get; }

    /// <summary>Gets the number of source examples, or <see langword="null"/> when unknown.</summary>
    public long? SourceExampleCount { get; }

    /// <summary>Gets the target's number of features.</summary>
    public int TargetInputSize { get; }

    /// <summary>Gets the number of target training examples.</summary>
    public int TargetExampleCount { get; }

    /// <summary>Gets the number of target classes (0 for regression).</summary>
    public int TargetClassCount { get; }

    /// <summary>Gets the parameter count of each kept pretrained layer, input side first.</summary>
    public IReadOnlyList<long> PretrainedLayerParameterCounts { get; }

    /// <summary>Gets the parameter count of the new layers.</summary>
    public long NewLayerParameterCount { get; }

    /// <summary>Gets the number of examples of the target's smallest class, or <see langword="null"/> when unknown.</summary>
    public int? TargetSmallestClassCount { get; }

    /// <summary>
    /// Gets the examples per class the policy's rules use: the smallest class's count when known (a rare
    /// class is what little data hurts most), otherwise the mean.
    /// </summary>
    public double TargetExamplesPerClassForRules => TargetClassCount > 0 && TargetSmallestClassCount is { } smallest ? smallest : TargetExamplesPerClass;

    /// <summary>Gets the target examples per class on average (all examples for a regression target).</summary>
    public double TargetExamplesPerClass => TargetClassCount > 0 ? (double)TargetExampleCount / TargetClassCount : TargetExampleCount;

    /// <summary>Gets the source-to-target example ratio, or <see langword="null"/> when the source count is unknown.</summary>
    public double? SourceToTargetRatio => SourceExampleCount is { } s ? (double)s / TargetExampleCount : null;

    /// <summary>Returns how many parameters <paramref name="strategy"/> would train.</summary>
    /// <param name="strategy">The strategy.</param>
    /// <returns>The new layers' parameters plus those of the pretrained layers the strategy trains.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="strategy"/> is <see langword="null"/>.</exception>
    public long TrainedParameterCount(TransferStrategy strategy)
    {
        ArgumentNullException.ThrowIfNull(strategy);
        int k = strategy.TrainedPretrainedLayers(PretrainedLayerParameterCounts.Count);
        return NewLayerParameterCount + PretrainedLayerParameterCounts.Skip(PretrainedLayerParameterCounts.Count - k).Sum();
    }

    /// <inheritdoc />
    public override string ToString() => string.Create(
        CultureInfo.InvariantCulture,
        $"source {(SourceExampleCount is { } s ? s.ToString("N0", CultureInfo.InvariantCulture) : "unknown")} examples × {SourceInputSize} inputs; target {TargetExampleCount:N0} examples × {TargetInputSize} inputs, {TargetClassCount} classes");
}
