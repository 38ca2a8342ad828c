namespace TransferLearning.Networks;

/// <summary>The three buffers of a chunked forward pass: pre-activations, and two activation buffers used in turn.</summary>
internal readonly ref struct InferenceScratch(Span<float> z, Span<float> ping, Span<float> pong)
{
    public Span<float> Z { get; } = z;

    public Span<float> Ping { get; } = ping;

    public Span<float> Pong { get; } = pong;
}
