using System.Buffers;
using System.Globalization;
using TransferLearning.Data;
using TransferLearning.Networks;

namespace TransferLearning.Training;

/// <summary>The evaluation report of a network on a data set: <c>Console.WriteLine(network.Report(test))</c>.</summary>
public static class NetworkReports
{
    /// <summary>
    /// Computes the <see cref="ClassificationReport"/> (a data set with class labels) or the <see cref="RegressionReport"/>
    /// (regression targets) of <paramref name="network"/> on <paramref name="data"/>.
    /// </summary>
    /// <param name="network">The network; for class labels its output layer must be a softmax (one output per class) or one sigmoid unit (two classes).</param>
    /// <param name="data">The examples; <see cref="Dataset.FeatureCount"/> must equal the network's input size. Its <see cref="Dataset.ClassNames"/> name the classes when present.</param>
    /// <param name="options">The threshold for two classes and the batch size; <see langword="null"/> (the default) for the defaults.</param>
    /// <returns>The report.</returns>
    /// <remarks>
    /// The outputs are those of the network's one inference path, as <see cref="NetworkEvaluation.Evaluate(Network, Dataset, Loss?)"/> and
    /// <see cref="Network.Predict(MathNet.Numerics.LinearAlgebra.Matrix{float})"/> give (dropout off, batch normalisation
    /// on its running statistics), computed <see cref="ReportOptions.BatchSize"/> examples at a time into one reused
    /// buffer. A softmax network with more outputs than the data set has classes reports one class per output (the
    /// extra classes have no examples; they are named by their index).
    /// </remarks>
    /// <exception cref="ArgumentNullException"><paramref name="network"/> or <paramref name="data"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">
    /// The data does not fit the network (feature count, class count or target count), the data set has class labels and
    /// the output layer is neither a softmax nor one sigmoid unit, or the network's outputs are not finite.
    /// </exception>
    /// <exception cref="ArgumentOutOfRangeException">The data set has class labels and the network has more than 46,340 outputs (the report's <c>k × k</c> confusion matrix is one array).</exception>
    /// <exception cref="InvalidOperationException">The network has no layers or its top layer is not dense.</exception>
    public static EvaluationReport Report(this Network network, Dataset data, ReportOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(data);
        options ??= new ReportOptions();
        NetworkEvaluation.EnsureFits(network, data, nameof(data));
        var output = network.OutputLayer;
        if (data.IsClassification && output.Activation != Activation.Softmax && output.Activation != Activation.Sigmoid)
        {
            throw new ArgumentException(
                Invariant.F($"Expected a Softmax or Sigmoid output layer to report class probabilities but the output layer is {output}."), nameof(data));
        }

        Loss.For(output.Activation).Validate(output, data, nameof(data));
        int m = data.Count;
        int rows = network.OutputSize;
        if (data.IsClassification)
        {
            ClassificationReport.EnsureClassCount(rows, nameof(network));
        }

        int batch = Math.Min(Math.Min(options.BatchSize, m), Math.Max(1, Array.MaxLength / rows)); // a batch's outputs fit one array
        var pool = ArrayPool<float>.Shared;
        float[] buffer = pool.Rent(batch * rows);
        try
        {
            if (data.IsClassification)
            {
                int classCount = rows == 1 ? 2 : rows;
                var tally = new ClassificationTally(classCount, rows, m, options.Threshold);
                var labels = data.LabelArray!;
                for (int start = 0; start < m; start += batch)
                {
                    int count = Math.Min(batch, m - start);
                    var a = Outputs(network, data, start, count, buffer);
                    tally.Add(labels.AsSpan(start, count), a, nameof(data), nameof(network));
                }

                return new EvaluationReport(tally.Report(NamesOf(data, classCount)), null);
            }

            var targets = data.TargetArray.AsSpan();
            var regression = new RegressionTally(targets, rows);
            for (int start = 0; start < m; start += batch)
            {
                int count = Math.Min(batch, m - start);
                regression.Add(targets.Slice(start * rows, count * rows), Outputs(network, data, start, count, buffer));
            }

            return new EvaluationReport(null, regression.Report());
        }
        finally
        {
            pool.Return(buffer);
        }
    }

    /// <summary>The outputs of examples <c>[start, start + count)</c> through the network's one inference path, checked finite.</summary>
    private static ReadOnlySpan<float> Outputs(Network network, Dataset data, int start, int count, float[] buffer)
    {
        int inputs = network.InputSize;
        var a = buffer.AsSpan(0, count * network.OutputSize);
        var x = data.FeatureData.Slice(start * inputs, count * inputs);
        if (!network.Inference.TryRun(x, count, 0, network.Layers.Count, a))
        {
            Guard.AllFiniteExamples(data.FeatureData, nameof(data), inputs); // names the example by its index in the whole set
            throw new ArgumentException("Expected only finite values, but a value was NaN or ∞ when the inference read it and is finite now: the features changed during the call.", nameof(data));
        }

        if (!Guard.IsAllFinite(a))
        {
            int index = 0;
            while (float.IsFinite(a[index]))
            {
                index++;
            }

            throw new ArgumentException(
                Invariant.F($"Expected inputs whose outputs are finite but example {start + (index / network.OutputSize)} gives {a[index]}: finite values overflowed inside the network (inputs too large for its weights?)."),
                nameof(data));
        }

        return a;
    }

    /// <summary>The data set's class names, padded with indices up to the network's classes; the indices when it has none.</summary>
    private static System.Collections.ObjectModel.ReadOnlyCollection<string> NamesOf(Dataset data, int classCount)
    {
        var names = data.ClassNames;
        return Array.AsReadOnly(Enumerable.Range(0, classCount)
            .Select(c => names is not null && c < names.Count ? names[c] : c.ToString(CultureInfo.InvariantCulture))
            .ToArray());
    }
}
