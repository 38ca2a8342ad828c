namespace TransferLearning.Onnx;

/// <summary>Where <see cref="OnnxImport"/> starts and cuts the graph, and the seed of the network it builds.</summary>
public sealed record OnnxImportOptions
{
    /// <summary>
    /// Gets the name of the value at which the import stops: a graph output or any value inside the graph (a node's
    /// output, such as PyTorch's <c>/3/Relu_output_0</c>); the nodes after it are left out.
    /// </summary>
    /// <value>The default, <see langword="null"/>, imports up to the graph's one output.</value>
    /// <exception cref="ArgumentException">The value is empty or white space.</exception>
    public string? OutputName
    {
        get;
        init
        {
            if (value is not null)
            {
                ArgumentException.ThrowIfNullOrWhiteSpace(value, nameof(OutputName));
            }

            field = value;
        }
    }

    /// <summary>
    /// Gets the name of the value at which the import starts: the nodes before it are left out, so that the dense top of
    /// a larger model (a convolutional network's classifier, from its <c>Flatten</c> on) imports as a network of its own,
    /// whose input is that value. Its width is the graph's declared shape of the value or, when the graph declares none,
    /// the input width of the first weight after it.
    /// </summary>
    /// <value>The default, <see langword="null"/>, starts at the graph's one input.</value>
    /// <exception cref="ArgumentException">The value is empty or white space.</exception>
    public string? InputName
    {
        get;
        init
        {
            if (value is not null)
            {
                ArgumentException.ThrowIfNullOrWhiteSpace(value, nameof(InputName));
            }

            field = value;
        }
    }

    /// <summary>
    /// Gets the seed of the imported network (<see cref="Networks.Network.Seed"/>): layers appended to it later draw their
    /// weights from it. The imported weights come from the file.
    /// </summary>
    /// <value>The default is 0.</value>
    public int Seed { get; init; }
}
