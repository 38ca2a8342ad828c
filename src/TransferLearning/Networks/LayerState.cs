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

    /// <summary>Gets the generator whose position the state carries from step to step (a dropout layer's masks), or <see langword="null"/>: a training checkpoint saves and restores it.</summary>
    public virtual ResumableRandom? Random => null;
}
