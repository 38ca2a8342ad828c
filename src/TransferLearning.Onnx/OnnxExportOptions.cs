namespace TransferLearning.Onnx;

/// <summary>The names an exported ONNX graph gives its input, output and batch dimension.</summary>
/// <remarks>Every name must be non-empty and not only white space; it is checked as it is set.</remarks>
public sealed record OnnxExportOptions
{
    /// <summary>Gets the name of the graph's input, a float tensor <c>[batch, n_x]</c>.</summary>
    /// <value>The default is <c>input</c>.</value>
    /// <exception cref="ArgumentException">The value is empty or white space.</exception>
    /// <exception cref="ArgumentNullException">The value is <see langword="null"/>.</exception>
    public string InputName
    {
        get;
        init => field = ValidName(value, nameof(InputName));
    } = "input";

    /// <summary>Gets the name of the graph's output, a float tensor <c>[batch, n[L]]</c>.</summary>
    /// <value>The default is <c>output</c>.</value>
    /// <exception cref="ArgumentException">The value is empty or white space.</exception>
    /// <exception cref="ArgumentNullException">The value is <see langword="null"/>.</exception>
    public string OutputName
    {
        get;
        init => field = ValidName(value, nameof(OutputName));
    } = "output";

    /// <summary>Gets the name of the symbolic batch dimension of the input and the output.</summary>
    /// <value>The default is <c>batch</c>.</value>
    /// <exception cref="ArgumentException">The value is empty or white space.</exception>
    /// <exception cref="ArgumentNullException">The value is <see langword="null"/>.</exception>
    public string BatchDimension
    {
        get;
        init => field = ValidName(value, nameof(BatchDimension));
    } = "batch";

    private static string ValidName(string value, string name)
    {
        ArgumentNullException.ThrowIfNull(value, name);
        if (string.IsNullOrWhiteSpace(value))
        {
            throw new ArgumentException($"Expected a non-empty name for {name} but got '{value}'.", name);
        }

        return value;
    }
}
