using System.Globalization;

namespace TransferLearning.Deployment;

/// <summary>What a <see cref="Model"/> predicts for one raw example.</summary>
public sealed record ModelPrediction
{
    /// <summary>Gets the predicted class, or <see langword="null"/> for a regression model.</summary>
    /// <value>
    /// The index of the most probable class in <see cref="Model.ClassNames"/>; the first of equal probabilities wins,
    /// and with one sigmoid unit class 1 wins when <c>P(class 1) ≥ 0.5</c>, as <c>Network.PredictClass</c> decides. A
    /// model with a <see cref="Model.DecisionThreshold"/> <c>t</c> predicts class 1 exactly when <c>P(class 1) ≥ t</c>.
    /// </value>
    public int? ClassIndex { get; init; }

    /// <summary>Gets the name of the predicted class, or <see langword="null"/> for a regression model.</summary>
    public string? ClassName { get; init; }

    /// <summary>
    /// Gets the probability of each class, in the order of <see cref="Model.ClassNames"/> (summing to 1); empty for a
    /// regression model. For a model with one sigmoid unit these are <c>1 − p</c> and <c>p</c>.
    /// </summary>
    public IReadOnlyList<float> Probabilities { get; init; } = [];

    /// <summary>Gets the network's outputs <c>A[L]</c> for the example: the probabilities as the network gives them, or the regression targets.</summary>
    public IReadOnlyList<float> Outputs { get; init; } = [];

    /// <summary>Returns the class and its probability (<c>Sneaker (p = 0.973)</c>), or the outputs of a regression model.</summary>
    /// <returns>The text.</returns>
    public override string ToString() => ClassIndex is int c
        ? string.Create(CultureInfo.InvariantCulture, $"{ClassName} (p = {Probabilities[c]:0.###})")
        : "[" + string.Join(", ", Outputs.Select(v => v.ToString("G6", CultureInfo.InvariantCulture))) + "]";
}
