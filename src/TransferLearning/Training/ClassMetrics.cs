namespace TransferLearning.Training;

/// <summary>One class's row of a <see cref="ClassificationReport"/> (scikit-learn's <c>precision_recall_fscore_support</c>, <c>zero_division=0</c>).</summary>
public sealed record ClassMetrics
{
    /// <summary>Gets the class index.</summary>
    public required int Class { get; init; }

    /// <summary>Gets the class name (the data set's, or the index).</summary>
    public required string Name { get; init; }

    /// <summary>Gets <c>TP / (TP + FP)</c>: of the examples predicted as this class, the share that are; 0 when the class is never predicted.</summary>
    public required double Precision { get; init; }

    /// <summary>Gets <c>TP / (TP + FN)</c>: of the examples of this class, the share predicted as it; 0 when the class has no examples.</summary>
    public required double Recall { get; init; }

    /// <summary>Gets <c>2·P·R / (P + R)</c>, 0 when <c>P + R = 0</c>.</summary>
    public required double F1 { get; init; }

    /// <summary>Gets the number of examples of this class (<c>TP + FN</c>).</summary>
    public required int Support { get; init; }
}
