using System.Globalization;

namespace TransferLearning.Transfer;

/// <summary>
/// The numbers a <see cref="DataSizePolicy"/> decides from: input sizes, example counts, classes, and how
/// many parameters each strategy would train.
/// </summary>
public sealed record TransferSituation
{
    /// <summary>Gets the pretrained network's input size, at least 1.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Set to less than 1.</exception>
    public required int SourceInputSize
    {
        get;
        init
        {
            Guard.AtLeast(value, 1, nameof(SourceInputSize));
            field = value;
        }
    }

    /// <summary>Gets the number of source examples the network was trained on, at least 1, or <see langword="null"/> (the default) when unknown.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Set to less than 1.</exception>
    public long? SourceExampleCount
    {
        get;
        init
        {
            if (value is < 1)
            {
                throw new ArgumentOutOfRangeException(
                    nameof(SourceExampleCount), value, $"Expected at least 1 source example (or null when unknown) but got {value}.");
            }

            field = value;
        }
    }

    /// <summary>Gets the target's number of features, at least 1.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Set to less than 1.</exception>
    public required int TargetInputSize
    {
        get;
        init
        {
            Guard.AtLeast(value, 1, nameof(TargetInputSize));
            field = value;
        }
    }

    /// <summary>Gets the number of target training examples, at least 1.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Set to less than 1.</exception>
    public required int TargetExampleCount
    {
        get;
        init
        {
            Guard.AtLeast(value, 1, nameof(TargetExampleCount));
            field = value;
        }
    }

    /// <summary>Gets the number of target classes; 0 for a regression target.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Set to less than 0.</exception>
    public required int TargetClassCount
    {
        get;
        init
        {
            Guard.AtLeast(value, 0, nameof(TargetClassCount));
            field = value;
        }
    }

    /// <summary>Gets the parameter count of each kept pretrained layer, input side first (a copy of what was set).</summary>
    /// <exception cref="ArgumentNullException">Set to <see langword="null"/>.</exception>
    public required IReadOnlyList<long> PretrainedLayerParameterCounts
    {
        get;
        init => field = value?.ToArray() ?? throw new ArgumentNullException(nameof(PretrainedLayerParameterCounts));
    }

    /// <summary>Gets the parameter count of the new layers, at least 0.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Set to less than 0.</exception>
    public required long NewLayerParameterCount
    {
        get;
        init
        {
            if (value < 0)
            {
                throw new ArgumentOutOfRangeException(nameof(NewLayerParameterCount), value, $"Expected a count of at least 0 but got {value}.");
            }

            field = value;
        }
    }

    /// <summary>
    /// Gets the number of examples of the target's smallest class, in [0, <see cref="TargetExampleCount"/>], or
    /// <see langword="null"/> (the default) when unknown (the mean is used).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">Set to less than 0 (more than <see cref="TargetExampleCount"/> is refused when a policy decides).</exception>
    public int? TargetSmallestClassCount
    {
        get;
        init
        {
            if (value is < 0)
            {
                throw new ArgumentOutOfRangeException(nameof(TargetSmallestClassCount), value, $"Expected a count of at least 0 but got {value}.");
            }

            field = value;
        }
    }

    /// <summary>
    /// Gets the pretrained network's feature extractor, described (such as <c>FeatureExtractor(OnnxBody(cnn.onnx: …))</c>),
    /// when it starts with one — a body that runs outside the library and cannot train, so that
    /// <see cref="TransferStrategy.FullFineTune"/> is not a candidate and <see cref="TransferStrategy.LastLayers(int)"/> may
    /// train every kept dense layer above it; <see langword="null"/> (the default) when it has none.
    /// </summary>
    public string? Extractor { get; init; }

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

    /// <summary>Checks what the properties cannot check one by one: the smallest class is no larger than the target.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The smallest class has more examples than the target.</exception>
    internal void Validate(string paramName)
    {
        if (TargetSmallestClassCount is { } smallest && smallest > TargetExampleCount)
        {
            throw new ArgumentOutOfRangeException(
                paramName, smallest, $"Expected {nameof(TargetSmallestClassCount)} in [0, {TargetExampleCount}] (the target's examples) but got {smallest}.");
        }
    }

    /// <inheritdoc />
    public override string ToString() => string.Create(
        CultureInfo.InvariantCulture,
        $"source {(SourceExampleCount is { } s ? s.ToString("N0", CultureInfo.InvariantCulture) : "unknown")} examples × {SourceInputSize} inputs; target {TargetExampleCount:N0} examples × {TargetInputSize} inputs, {TargetClassCount} classes");
}
