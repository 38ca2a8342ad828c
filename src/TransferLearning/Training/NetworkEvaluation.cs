using System.Buffers;
using TransferLearning.Data;
using TransferLearning.Networks;
using TransferLearning.Training.Losses;

namespace TransferLearning.Training;

/// <summary>Scores a network on a data set: <c>network.Evaluate(test)</c>.</summary>
public static class NetworkEvaluation
{
    /// <summary>Computes the mean loss and, for a classification set, the accuracy (inference: dropout off, batch normalisation on running statistics).</summary>
    /// <param name="network">The network.</param>
    /// <param name="data">The examples; <see cref="Dataset.FeatureCount"/> must equal the network's input size.</param>
    /// <param name="loss">The loss; <see langword="null"/> (the default) picks <see cref="Loss.For(Activation)"/> of the output activation.</param>
    /// <returns>The loss and the accuracy.</returns>
    /// <remarks>
    /// The outputs scored are those <see cref="Network.Predict(MathNet.Numerics.LinearAlgebra.Matrix{float})"/> gives
    /// for the same examples, bit for bit: both run the network's one inference path (the managed packed kernels,
    /// whichever <see cref="Network.TrainingBackend"/> trains), over every example at once. Softmax and binary
    /// cross-entropy are computed from the output layer's pre-activation <c>Z[L]</c>, taken from the same product
    /// before the softmax or sigmoid is applied (<c>log Σ e^z − z_y</c>; <c>max(z, 0) − z·y + log(1 + e^(−|z|))</c>),
    /// so a confident wrong answer costs a large finite loss, never <c>log 0</c>.
    /// </remarks>
    /// <exception cref="ArgumentNullException"><paramref name="network"/> or <paramref name="data"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The data does not fit the network or the loss, or gives non-finite outputs (finite inputs that overflow inside the network).</exception>
    /// <exception cref="InvalidOperationException">The network has no layers or its top layer is not dense.</exception>
    public static Evaluation Evaluate(this Network network, Dataset data, Loss? loss = null)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(data);
        EnsureFits(network, data, nameof(data));
        loss ??= Loss.For(network.OutputLayer.Activation);
        loss.Validate(network.OutputLayer, data, nameof(data));
        var result = Evaluate(network, data.FeatureData, data, 0, loss);
        if (!double.IsFinite(result.Loss))
        {
            var output = new float[network.OutputSize * data.Count];
            network.Inference.Run(data.FeatureData, data.Count, 0, network.Layers.Count, output, nameof(data));
            network.EnsureFiniteOutput(output, nameof(data));
            throw new ArgumentException(Invariant.F($"Expected a finite loss but got {result.Loss}."), nameof(data));
        }

        return result;
    }

    /// <summary>Throws unless <paramref name="data"/>'s features fit <paramref name="network"/>'s inputs and its top layer is dense.</summary>
    internal static void EnsureFits(Network network, Dataset data, string paramName) => EnsureFits(network, data.FeatureCount, paramName);

    /// <summary>Throws unless data of <paramref name="featureCount"/> features fit <paramref name="network"/>'s inputs and its top layer is dense.</summary>
    internal static void EnsureFits(Network network, int featureCount, string paramName)
    {
        _ = network.OutputLayer; // throws when there are no layers or the top layer is not dense
        if (featureCount != network.InputSize)
        {
            throw new ArgumentException(
                $"Expected data with {network.InputSize} feature rows (the network's input size) but got {featureCount}.", paramName);
        }
    }

    /// <summary>
    /// Computes the mean loss and, for class labels, the accuracy of <paramref name="network"/> on a <see cref="DataSource"/>,
    /// reading it in blocks of 4,096 examples (inference: dropout off, batch normalisation on running statistics).
    /// </summary>
    /// <param name="network">The network.</param>
    /// <param name="data">The examples; <see cref="DataSource.FeatureCount"/> must equal the network's input size.</param>
    /// <param name="loss">The loss; <see langword="null"/> (the default) picks <see cref="Loss.For(Activation)"/> of the output activation.</param>
    /// <returns>The loss and the accuracy.</returns>
    /// <remarks>
    /// Each block's outputs are those of <see cref="Evaluate(Network, Dataset, Loss?)"/> on the same examples, bit for bit (the
    /// inference path computes each example's column alone); the loss is <c>(1/m)·Σ_blocks Σ_examples loss</c>, summed in
    /// double block by block, so it may differ from the in-memory figure in the last bits. The accuracy is exact.
    /// </remarks>
    /// <exception cref="ArgumentNullException"><paramref name="network"/> or <paramref name="data"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The data does not fit the network or the loss, or gives non-finite outputs.</exception>
    /// <exception cref="InvalidOperationException">The network has no layers or its top layer is not dense.</exception>
    /// <exception cref="DataFormatException">The source holds a malformed value.</exception>
    public static Evaluation EvaluateFromSource(this Network network, DataSource data, Loss? loss = null)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(data);
        EnsureFits(network, data.FeatureCount, nameof(data));
        loss ??= Loss.For(network.OutputLayer.Activation);
        loss.Validate(network.OutputLayer, data.ShapeProbe(), nameof(data));
        var result = Evaluate(network, data, loss, 0);
        if (!double.IsFinite(result.Loss))
        {
            throw new ArgumentException(Invariant.F($"Expected a finite loss (finite outputs) but got {result.Loss}."), nameof(data));
        }

        return result;
    }

    /// <summary>Mean loss and accuracy of layers <c>[first, L)</c> on a source, block by block; NaN (and no accuracy) when an output is not finite.</summary>
    internal static Evaluation Evaluate(Network network, DataSource data, Loss loss, int first)
    {
        int m = data.Count;
        int block = Math.Min(DataSource.ScanBlock, m);
        int rows = network.OutputSize;
        int n = network.InputRowsOf(first);
        var pool = ArrayPool<float>.Shared;
        float[] x = pool.Rent(n * block);
        float[] output = pool.Rent(rows * block);
        float[]? z = loss.ReadsPreActivation ? pool.Rent(rows * block) : null;
        int[] indices = ArrayPool<int>.Shared.Rent(block);
        int[] labels = ArrayPool<int>.Shared.Rent(data.IsClassification ? block : 0);
        float[] targets = pool.Rent(data.TargetCount * block);
        try
        {
            double lossSum = 0;
            long correct = 0;
            for (int start = 0; start < m; start += block)
            {
                int count = Math.Min(block, m - start);
                data.GatherRange(start, count, indices, x, labels, targets);
                var a = output.AsSpan(0, rows * count);
                var preActivation = z is null ? default : z.AsSpan(0, rows * count);
                if (!TryOutputs(network, x.AsSpan(0, n * count), count, first, a, preActivation))
                {
                    return new Evaluation { Loss = double.NaN, Accuracy = null, Count = m };
                }

                var batch = data.IsClassification
                    ? new BatchTargets(labels.AsSpan(0, count), default)
                    : new BatchTargets(default, targets.AsSpan(0, data.TargetCount * count));
                lossSum += loss.Sum(preActivation, a, rows, batch);
                correct += data.IsClassification ? CountCorrect(a, rows, batch.Labels) : 0;
            }

            return new Evaluation { Loss = lossSum / m, Accuracy = data.IsClassification ? (double)correct / m : null, Count = m };
        }
        finally
        {
            pool.Return(targets);
            ArrayPool<int>.Shared.Return(labels);
            ArrayPool<int>.Shared.Return(indices);
            if (z is not null)
            {
                pool.Return(z);
            }

            pool.Return(output);
            pool.Return(x);
        }
    }

    /// <summary>Mean loss and accuracy of layers <c>[first, L)</c> on features <paramref name="x"/> of <paramref name="data"/>'s examples.</summary>
    /// <remarks>
    /// The outputs come from the network's one inference path (<see cref="Network.Inference"/>), in one run over
    /// every example, so they are the same bits as <see cref="Network.Predict(MathNet.Numerics.LinearAlgebra.Matrix{float})"/>
    /// gives for the same examples. A loss that reads the pre-activation <c>Z[L]</c> (the cross-entropies, computed
    /// from <c>Z</c> so that they never take <c>log 0</c>) gets it from the same run: the output layer's product,
    /// before its softmax or sigmoid is applied. NaN (and no accuracy) when the features or the outputs are not
    /// finite.
    /// </remarks>
    internal static Evaluation Evaluate(Network network, ReadOnlySpan<float> x, Dataset data, int first, Loss loss)
    {
        int m = data.Count;
        int rows = network.OutputSize;
        var pool = ArrayPool<float>.Shared;
        float[] output = pool.Rent(rows * m);
        float[]? z = loss.ReadsPreActivation ? pool.Rent(rows * m) : null;
        try
        {
            var a = output.AsSpan(0, rows * m);
            var preActivation = z is null ? default : z.AsSpan(0, rows * m);
            if (!TryOutputs(network, x, m, first, a, preActivation))
            {
                return new Evaluation { Loss = double.NaN, Accuracy = null, Count = m }; // non-finite features or outputs: no loss, no accuracy
            }

            var targets = TargetsOf(data, 0, m);
            double lossSum = loss.Sum(preActivation, a, rows, targets);
            double? accuracy = data.IsClassification ? (double)CountCorrect(a, rows, targets.Labels) / m : null;
            return new Evaluation { Loss = lossSum / m, Accuracy = accuracy, Count = m };
        }
        finally
        {
            if (z is not null)
            {
                pool.Return(z);
            }

            pool.Return(output);
        }
    }

    /// <summary>
    /// The outputs <see cref="Evaluate(Network, ReadOnlySpan{float}, Dataset, int, Loss)"/> scores: layers
    /// <c>[first, L)</c> on <paramref name="m"/> examples of <paramref name="x"/> through the network's one inference
    /// path, and the output pre-activation into <paramref name="z"/> unless it is empty; false when the features or
    /// the outputs are not finite.
    /// </summary>
    internal static bool TryOutputs(Network network, ReadOnlySpan<float> x, int m, int first, Span<float> a, Span<float> z) =>
        network.Inference.TryRun(x, m, first, network.Layers.Count, a, z) && Guard.IsAllFinite(a) && Guard.IsAllFinite(z);

    internal static BatchTargets TargetsOf(Dataset data, int start, int count) => data.IsClassification
        ? new BatchTargets(data.LabelArray.AsSpan(start, count), default)
        : new BatchTargets(default, data.TargetArray.AsSpan(start * data.TargetCount, count * data.TargetCount));

    internal static int CountCorrect(ReadOnlySpan<float> output, int rows, ReadOnlySpan<int> labels)
    {
        int correct = 0;
        for (int j = 0; j < labels.Length; j++)
        {
            if (Network.ArgMax(output.Slice(j * rows, rows)) == labels[j])
            {
                correct++;
            }
        }

        return correct;
    }
}
