namespace TransferLearning.Networks;

/// <summary>
/// The per-batch buffers of one training run: the output <c>A[l]</c> and its gradient <c>dA[l]</c> of every
/// layer, and what each layer keeps between its forward and backward passes (<see cref="LayerState"/>), sized
/// once for a batch capacity and reused across steps (a smaller last batch uses a prefix of each buffer).
/// It holds no labels or targets. Inference never touches a workspace, so a network can predict from many
/// threads while it is not training.
/// </summary>
internal sealed class Workspace
{
    public Workspace(Network network, int capacity, int firstLayer = 0)
    {
        Capacity = capacity;
        FirstLayer = firstLayer;
        int count = network.Layers.Count;
        A = new float[count][];
        DA = new float[count][];
        States = new LayerState[count];
        for (int l = firstLayer; l < count; l++)
        {
            var layer = network.Layers[l];
            int size = layer.OutputSize * capacity;
            A[l] = new float[size];
            DA[l] = new float[size];
            States[l] = layer.CreateState(capacity);
            States[l].ReadsBatchInput = l == firstLayer && network.SkipsZeroInputs;
        }
    }

    public int Capacity { get; }

    /// <summary>The first layer this workspace computes (layers below it are served from cached features).</summary>
    public int FirstLayer { get; }

    /// <summary><c>A[l]</c>, the output of layer <c>l</c>.</summary>
    public float[][] A { get; }

    /// <summary><c>dA[l]</c>, the gradient at the output of layer <c>l</c> (for the output layer: <c>dZ[L]</c>, see <see cref="OutputGradient"/>).</summary>
    public float[][] DA { get; }

    public LayerState[] States { get; }

    /// <summary>The pre-activation buffer <c>Z[l]</c> of dense layer <paramref name="layer"/> (diagnostics for tests).</summary>
    public Span<float> PreActivationOf(int layer) => DenseLayer.PreActivation(States[layer], A[layer].Length);

    /// <summary><c>A[L]</c> for a batch of <paramref name="batch"/> columns.</summary>
    public Span<float> Output(int batch) => A[^1].AsSpan(0, batch * (A[^1].Length / Capacity));

    /// <summary><c>Z[L]</c>, the output (dense) layer's pre-activation, for a batch of <paramref name="batch"/> columns.</summary>
    public Span<float> OutputPreActivation(int batch) => DenseLayer.PreActivation(States[^1], batch * (A[^1].Length / Capacity));

    /// <summary>Where the loss writes <c>dZ[L]</c>, the gradient at the output layer's pre-activation, for a batch of <paramref name="batch"/> columns.</summary>
    public Span<float> OutputGradient(int batch) => DA[^1].AsSpan(0, batch * (A[^1].Length / Capacity));
}
