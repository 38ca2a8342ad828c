namespace TransferLearning.Networks;

/// <summary>
/// What one layer keeps between its training forward pass and its backward pass (a dense layer's <c>Z</c>,
/// a dropout mask, a batch's normalised values), sized once for a batch capacity and reused across steps.
/// </summary>
internal abstract class LayerState
{
    protected LayerState(int capacity)
    {
        Capacity = capacity;
    }

    /// <summary>Gets the largest batch the buffers hold.</summary>
    public int Capacity { get; }

    /// <summary>
    /// Gets or sets whether the layer reads the batch's inputs themselves (the network's input, or the cached features
    /// below the first layer that trains) and may skip the terms of zero inputs (a dense layer: see
    /// <see cref="Compute.SparseTrainingGemm"/>). False for the layers above it.
    /// </summary>
    public bool ReadsBatchInput { get; set; }

    /// <summary>Gets the generator whose position the state carries from step to step (a dropout layer's masks), or <see langword="null"/>: a training checkpoint saves and restores it.</summary>
    public virtual ResumableRandom? Random => null;
}
