using System.Buffers;
using System.Runtime.InteropServices;
using TransferLearning.Data;

namespace TransferLearning.Networks;

/// <summary>Feature extraction from a source: <c>network.ExtractFeaturesFromSource(source, layers, featuresPath, labelsPath)</c>.</summary>
public static class NetworkFeatures
{
    /// <summary>
    /// Runs the bottom <paramref name="layers"/> layers of <paramref name="network"/> (a frozen body; inference: dropout
    /// off, batch normalisation on running statistics) over every example of <paramref name="data"/>, a block of 4,096
    /// examples at a time, and writes their activations to a float32 <c>.npy</c> file and the labels (int32) or targets
    /// (float32) to a second one; returns the two files opened as an <see cref="NpySource"/>.
    /// </summary>
    /// <param name="network">The network whose bottom layers compute the features.</param>
    /// <param name="data">The examples; <see cref="DataSource.FeatureCount"/> must equal the network's input size. Read once, in order, a block at a time.</param>
    /// <param name="layers">How many bottom layers to run, from 1 to the number of layers: <c>network.Layers.Count - 1</c> drops the output layer (a pretrained body's features).</param>
    /// <param name="featuresPath">The features file to write: shape <c>(m, n)</c>, <c>n</c> the top layer's units; replaced if it exists.</param>
    /// <param name="labelsPath">The labels file to write: <c>(m,)</c> int32 labels, or <c>(m, n_y)</c> float32 targets; replaced if it exists.</param>
    /// <returns>
    /// The features as a source (memory-mapped, the class count and names of <paramref name="data"/>): train a head on it
    /// with <c>Trainer.FitFromSource</c>, or reopen the files later with <see cref="NpySource.Open"/>. Dispose it to unmap the files.
    /// </returns>
    /// <remarks>
    /// Example <c>i</c>'s features are those <see cref="Network.Predict(MathNet.Numerics.LinearAlgebra.Matrix{float})"/> gives on
    /// a copy of the network with its top layers removed, bit for bit (both run the network's one inference path). The process
    /// holds one block of inputs and one of features; the files are written as the blocks are computed.
    /// </remarks>
    /// <exception cref="ArgumentNullException"><paramref name="network"/> or <paramref name="data"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">A path is null or empty, the two paths are the same, the data's feature count differs from the network's input size, or the features computed are not finite (finite inputs that overflow inside the network).</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="layers"/> is not from 1 to the number of layers.</exception>
    /// <exception cref="IOException">A file cannot be written.</exception>
    /// <exception cref="DataFormatException">The source holds a malformed value.</exception>
    public static NpySource ExtractFeaturesFromSource(this Network network, DataSource data, int layers, string featuresPath, string labelsPath)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(data);
        ArgumentException.ThrowIfNullOrEmpty(featuresPath);
        ArgumentException.ThrowIfNullOrEmpty(labelsPath);
        if (layers < 1 || layers > network.Layers.Count)
        {
            throw new ArgumentOutOfRangeException(nameof(layers), layers, Invariant.F($"Expected from 1 to {network.Layers.Count} layers (the network's) but got {layers}."));
        }
        if (string.Equals(Path.GetFullPath(featuresPath), Path.GetFullPath(labelsPath), StringComparison.Ordinal))
        {
            throw new ArgumentException($"Expected two different files for the features and the labels but both are '{featuresPath}'.", nameof(labelsPath));
        }

        if (data.FeatureCount != network.InputSize)
        {
            throw new ArgumentException(Invariant.F($"Expected data with {network.InputSize} features (the network's input size) but got {data.FeatureCount}."), nameof(data));
        }

        Write(network, data, layers, featuresPath, labelsPath);
        return NpySource.Open(featuresPath, labelsPath, data.IsClassification ? data.ClassCount : null, 1f, data.ClassNames);
    }

    private static void Write(Network network, DataSource data, int layers, string featuresPath, string labelsPath)
    {
        int m = data.Count;
        int n = data.FeatureCount;
        int units = network.Layers[layers - 1].OutputSize;
        int t = data.TargetCount;
        int block = Math.Min(DataSource.ScanBlock, m);
        var pool = ArrayPool<float>.Shared;
        float[] x = pool.Rent(n * block);
        float[] features = pool.Rent(units * block);
        float[] targets = pool.Rent(t * block);
        int[] indices = ArrayPool<int>.Shared.Rent(block);
        int[] labels = ArrayPool<int>.Shared.Rent(data.IsClassification ? block : 0);
        try
        {
            using var featuresFile = new FileStream(featuresPath, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16);
            using var labelsFile = new FileStream(labelsPath, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16);
            NpyFormat.Write(featuresFile, "<f4", m, units);
            if (data.IsClassification)
            {
                NpyFormat.Write(labelsFile, "<i4", m);
            }
            else
            {
                NpyFormat.Write(labelsFile, "<f4", m, t);
            }

            for (int start = 0; start < m; start += block)
            {
                int count = Math.Min(block, m - start);
                data.GatherRange(start, count, indices, x, labels, targets);
                var a = features.AsSpan(0, units * count);
                network.Inference.Run(x.AsSpan(0, n * count), count, 0, layers, a, nameof(data));
                if (!Guard.IsAllFinite(a))
                {
                    throw new ArgumentException(Invariant.F($"Expected finite features but layer {layers - 1} gives NaN or ∞ for an example in [{start}, {start + count}): finite inputs overflow inside the network."), nameof(data));
                }

                featuresFile.Write(MemoryMarshal.AsBytes(a));
                labelsFile.Write(data.IsClassification ? MemoryMarshal.AsBytes(labels.AsSpan(0, count)) : MemoryMarshal.AsBytes(targets.AsSpan(0, t * count)));
            }
        }
        finally
        {
            ArrayPool<int>.Shared.Return(labels);
            ArrayPool<int>.Shared.Return(indices);
            pool.Return(targets);
            pool.Return(features);
            pool.Return(x);
        }
    }
}
