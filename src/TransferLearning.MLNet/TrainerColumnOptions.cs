namespace TransferLearning.MLNet;

/// <summary>
/// The columns an estimator of this package reads, as ML.NET trainers name them: a feature vector and a label.
/// </summary>
public abstract record TrainerColumnOptions
{
    /// <summary>
    /// Gets the feature column: a vector of <see cref="float"/> of known size (<c>Vector&lt;float, n&gt;</c>), the
    /// network's <c>n_x</c> inputs. The default is <c>"Features"</c>.
    /// </summary>
    /// <exception cref="ArgumentException">Set to <see langword="null"/>, empty or white space.</exception>
    public string FeatureColumnName
    {
        get;
        init => field = ColumnName(value, nameof(FeatureColumnName));
    } = "Features";

    /// <summary>
    /// Gets the label column: a key (multiclass classification, as <c>MapValueToKey</c> makes it) or a
    /// <see cref="float"/> (regression). The default is <c>"Label"</c>.
    /// </summary>
    /// <exception cref="ArgumentException">Set to <see langword="null"/>, empty or white space.</exception>
    public string LabelColumnName
    {
        get;
        init => field = ColumnName(value, nameof(LabelColumnName));
    } = "Label";

    private static string ColumnName(string value, string paramName) =>
        string.IsNullOrWhiteSpace(value)
            ? throw new ArgumentException($"Expected a column name but got '{value}'.", paramName)
            : value;
}
