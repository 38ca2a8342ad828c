namespace TransferLearning.Networks;

/// <summary>
/// The per-batch buffers of one training run: <c>Z[l]</c>, <c>A[l]</c>, <c>dZ[l]</c> and <c>dA[l]</c>
/// for every layer, sized once for a batch capacity and reused across steps (a smaller last batch uses
/// a prefix of each buffer). Inference never touches a workspace, so a network can predict from many
/// threads while it is not training.
/// </summary>
internal sealed class Workspace
{
    public Workspace(Network network, int capacity, int firstLayer = 0)
    {
        Capacity = capacity;
        FirstLayer = firstLayer;
        int count = network.Layers.Count;
        Z = new float[count][];
        A = new float[count][];
        DZ = new float[count][];
        DA = new float[count][];
        for (int l = firstLayer; l < count; l++)
        {
            int size = network.Layers[l].OutputSize * capacity;
            Z[l] = new float[size];
            A[l] = new float[size];
            DZ[l] = new float[size];
            DA[l] = l < count - 1 ? new float[size] : [];
        }

        int inputSize = firstLayer == 0 ? network.InputSize : network.Layers[firstLayer - 1].OutputSize;
        Input = new float[inputSize * capacity];
        Labels = new int[capacity];
    }

    public int Capacity { get; }

    /// <summary>The first layer this workspace computes (layers below it are served from cached features).</summary>
    public int FirstLayer { get; }

    public float[] Input { get; }

    public int[] Labels { get; }

    public float[][] Z { get; }

    public float[][] A { get; }

    public float[][] DZ { get; }

    public float[][] DA { get; }
}
