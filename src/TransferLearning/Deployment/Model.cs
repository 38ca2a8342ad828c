using System.Globalization;
using System.Text;
using TransferLearning.Data;
using TransferLearning.Networks;
using TransferLearning.Serialization;
using TransferLearning.Training;

namespace TransferLearning.Deployment;

/// <summary>
/// A trained network packaged to deploy as one file: the network, the input transform it was trained behind (a
/// fitted <see cref="Standardizer"/>), what its outputs mean (the task and the class names, in label order), and
/// where it came from (<see cref="ModelProvenance"/>). <see cref="Predict(ReadOnlySpan{float})"/> takes a raw row, as
/// the app reads it, and returns the class name and the probabilities.
/// </summary>
/// <remarks>
/// <para>
/// <c>model.Save(path)</c> writes one safetensors file (a network file whose <c>__metadata__</c> also holds the model
/// record, versioned; see <see cref="ModelFiles"/>); <c>Model.Load(path)</c> in another process gives a model that
/// predicts the same bits from the same raw rows. The ONNX package's <c>model.ExportOnnx(path)</c> writes the
/// standardisation into the graph, so that ONNX Runtime takes the same raw rows.
/// </para>
/// <para>
/// A model is immutable: it holds its own copy of the network, made when it was created, so training or stripping
/// the network afterwards does not change it (a model made from it by <see cref="WithDecisionThreshold(double?)"/>
/// shares that copy). Predictions are thread-safe.
/// </para>
/// </remarks>
public sealed class Model
{
    private readonly string[] _classNames;

    private Model(Network network, ModelTask task, string[] classNames, Standardizer? inputStandardizer, ModelProvenance? provenance, double? decisionThreshold)
    {
        Network = network;
        Task = task;
        _classNames = classNames;
        InputStandardizer = inputStandardizer;
        Provenance = provenance;
        DecisionThreshold = decisionThreshold;
    }

    /// <summary>Gets the network (the model's own copy; do not train it: predictions of the model would change with it).</summary>
    public Network Network { get; }

    /// <summary>Gets what the outputs mean.</summary>
    public ModelTask Task { get; }

    /// <summary>Gets the class names in label order (name <c>i</c> is class <c>i</c>): the label map that files read for this model must use; empty for regression.</summary>
    public IReadOnlyList<string> ClassNames => Array.AsReadOnly(_classNames);

    /// <summary>Gets the standardisation applied to raw rows before the network, or <see langword="null"/> when the network takes raw rows.</summary>
    public Standardizer? InputStandardizer { get; }

    /// <summary>Gets where the model came from, or <see langword="null"/> when not recorded.</summary>
    public ModelProvenance? Provenance { get; }

    /// <summary>Gets the number of raw features a row must have (the network's input size).</summary>
    public int FeatureCount => Network.InputSize;

    /// <summary>
    /// Gets the decision threshold of a binary classifier: class 1 is predicted when <c>P(class 1) ≥</c> this, or
    /// <see langword="null"/> when the model predicts the most probable class (for two classes, <c>P(class 1) ≥ 0.5</c>
    /// but for an exact tie of a two-unit softmax). Set it with <see cref="WithDecisionThreshold(double?)"/>.
    /// </summary>
    /// <value>A threshold in <c>[0, 1]</c>, or <see langword="null"/> (the default, and always for more classes or regression).</value>
    public double? DecisionThreshold { get; }

    /// <summary>Gets whether the model is a binary classifier (two classes: a two-unit softmax or one sigmoid unit), the only kind that takes a <see cref="DecisionThreshold"/>.</summary>
    internal bool IsBinaryClassifier => Task == ModelTask.Classification && _classNames.Length == 2;

    /// <summary>Packages a classifier.</summary>
    /// <param name="network">
    /// The trained network: a softmax output layer with one unit per class, or one sigmoid unit for two classes. It is
    /// copied, so later changes to it do not reach the model.
    /// </param>
    /// <param name="classNames">One distinct, non-empty name per class, in label order.</param>
    /// <param name="inputStandardizer">The standardisation the network was trained behind (fitted on raw training rows), or <see langword="null"/> when it takes raw rows.</param>
    /// <param name="provenance">Where the model came from, or <see langword="null"/>.</param>
    /// <returns>The model.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="network"/> or <paramref name="classNames"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">
    /// The output layer is not a softmax with as many units as <paramref name="classNames"/> (nor one sigmoid unit with
    /// two names); a name is empty or repeated; or <paramref name="inputStandardizer"/> has a different number of
    /// features than the network's inputs.
    /// </exception>
    /// <exception cref="InvalidOperationException">The network has no layers or its top layer is not dense.</exception>
    public static Model ForClassification(Network network, IReadOnlyList<string> classNames, Standardizer? inputStandardizer = null, ModelProvenance? provenance = null)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(classNames);
        CheckClassifier(network, classNames, nameof(classNames));
        CheckStandardizer(network, inputStandardizer, nameof(inputStandardizer));
        return new Model(network.Clone(), ModelTask.Classification, [.. classNames], inputStandardizer, provenance, null);
    }

    /// <summary>Packages a regression network: its outputs are the predicted targets.</summary>
    /// <param name="network">The trained network; copied, so later changes to it do not reach the model.</param>
    /// <param name="inputStandardizer">The standardisation the network was trained behind, or <see langword="null"/> when it takes raw rows.</param>
    /// <param name="provenance">Where the model came from, or <see langword="null"/>.</param>
    /// <returns>The model.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="network"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="inputStandardizer"/> has a different number of features than the network's inputs.</exception>
    /// <exception cref="InvalidOperationException">The network has no layers or its top layer is not dense.</exception>
    public static Model ForRegression(Network network, Standardizer? inputStandardizer = null, ModelProvenance? provenance = null)
    {
        ArgumentNullException.ThrowIfNull(network);
        _ = network.OutputLayer; // throws when there are no layers or the top is not dense
        CheckStandardizer(network, inputStandardizer, nameof(inputStandardizer));
        return new Model(network.Clone(), ModelTask.Regression, [], inputStandardizer, provenance, null);
    }

    /// <summary>
    /// Packages a network for the task of the data it was trained on: a classifier named by
    /// <paramref name="trainingData"/>'s classes (<see cref="Dataset.ClassName(int)"/>: its class names, or the labels as
    /// numbers), or a regression model.
    /// </summary>
    /// <param name="network">The trained network; copied.</param>
    /// <param name="trainingData">The data it was trained on (its labels or targets and class names; the features are not read).</param>
    /// <param name="inputStandardizer">The standardisation the network was trained behind, or <see langword="null"/>.</param>
    /// <param name="provenance">Where the model came from, or <see langword="null"/>.</param>
    /// <returns>The model.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="network"/> or <paramref name="trainingData"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The network's output does not fit the data's classes (see <see cref="ForClassification"/>), or the standardizer does not fit its inputs.</exception>
    /// <exception cref="InvalidOperationException">The network has no layers or its top layer is not dense.</exception>
    public static Model Create(Network network, Dataset trainingData, Standardizer? inputStandardizer = null, ModelProvenance? provenance = null)
    {
        ArgumentNullException.ThrowIfNull(trainingData);
        return trainingData.IsClassification
            ? ForClassification(network, Enumerable.Range(0, trainingData.ClassCount).Select(trainingData.ClassName).ToList(), inputStandardizer, provenance)
            : ForRegression(network, inputStandardizer, provenance);
    }

    /// <summary>Predicts one raw example: standardises it as in training, runs the network, and names the class.</summary>
    /// <param name="row">The <see cref="FeatureCount"/> raw features of one example, finite.</param>
    /// <returns>The class (name, index, probabilities) or the regression outputs.</returns>
    /// <exception cref="ArgumentException"><paramref name="row"/> does not hold <see cref="FeatureCount"/> values, or holds NaN or ∞ (the message names the feature).</exception>
    public ModelPrediction Predict(ReadOnlySpan<float> row)
    {
        if (row.Length != FeatureCount)
        {
            throw new ArgumentException(Invariant.F($"Expected {FeatureCount} features but got {row.Length}."), nameof(row));
        }

        return PredictRows(row, 1, nameof(row))[0];
    }

    /// <summary>Predicts raw examples given one per row of <paramref name="rows"/> (<c>rows[i, j]</c> is feature <c>j</c> of example <c>i</c>).</summary>
    /// <param name="rows">At least one row of <see cref="FeatureCount"/> finite raw features.</param>
    /// <returns>One prediction per row, in order.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="rows"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="rows"/> has no rows or a different number of columns than <see cref="FeatureCount"/>, or holds NaN or ∞ (the message names the example and the feature).</exception>
    public IReadOnlyList<ModelPrediction> Predict(float[,] rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        if (rows.GetLength(0) == 0 || rows.GetLength(1) != FeatureCount)
        {
            throw new ArgumentException(
                Invariant.F($"Expected at least one row of {FeatureCount} features but got {rows.GetLength(0)} rows of {rows.GetLength(1)}."), nameof(rows));
        }

        var values = new float[rows.Length];
        Buffer.BlockCopy(rows, 0, values, 0, values.Length * sizeof(float));
        return PredictRows(values, rows.GetLength(0), nameof(rows));
    }

    /// <summary>
    /// Scores the model on raw labelled rows, as it predicts them: standardised as in training, then
    /// <see cref="NetworkReports.Report(Network, Dataset, ReportOptions?)"/> (accuracy, per-class precision, recall and F1,
    /// the confusion matrix, log loss, and ROC AUC and average precision for two classes; R², MAE and RMSE for regression).
    /// </summary>
    /// <param name="rawData">Raw rows with labels in this model's label map (read a CSV file with <c>new CsvOptions { ClassNames = model.ClassNames }</c>), or regression targets.</param>
    /// <param name="options">
    /// The threshold for two classes and the batch size; <see langword="null"/> for the defaults. The report decides at
    /// <see cref="ReportOptions.Threshold"/> when <paramref name="options"/> sets it, else at the model's
    /// <see cref="DecisionThreshold"/> when it has one (as <see cref="Predict(ReadOnlySpan{float})"/> does), else at 0.5.
    /// </param>
    /// <returns>The report, its classes named by <see cref="ClassNames"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="rawData"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The data's feature count differs from <see cref="FeatureCount"/>, its kind (labels or targets) from <see cref="Task"/>, or its class count from the model's, or its class names differ from <see cref="ClassNames"/>.</exception>
    public EvaluationReport Report(Dataset rawData, ReportOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(rawData);
        var data = Standardised(rawData, nameof(rawData));
        if (DecisionThreshold is double threshold && options?.ThresholdIsSet != true)
        {
            options = (options ?? new ReportOptions()) with { Threshold = threshold };
        }

        return Network.Report(data, options);
    }

    /// <summary>
    /// Returns this model with a decision threshold for its two classes (or without one): its predictions and reports
    /// then name class 1 exactly when <c>P(class 1) ≥ threshold</c>. The probabilities do not change.
    /// </summary>
    /// <param name="threshold">
    /// The threshold on <c>P(class 1)</c>, in <c>[0, 1]</c> — such as <see cref="Training.DecisionThreshold.Choose"/>'s, chosen on
    /// held-out data — or <see langword="null"/> to predict the most probable class again.
    /// </param>
    /// <returns>A model with the same network (shared, not copied), input transform, class names and provenance, and this threshold.</returns>
    /// <remarks>
    /// A detector trained on a rare class gives it low probabilities, so that the default rule, the most probable class
    /// (<c>P(class 1) ≥ 0.5</c>), seldom fires; a threshold chosen on held-out data for the metric that matters (F1,
    /// balanced accuracy) serves it instead. The threshold is saved with the model (<c>model.Save</c>) and loaded with it.
    /// </remarks>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="threshold"/> is NaN, infinite, or outside <c>[0, 1]</c>.</exception>
    /// <exception cref="InvalidOperationException"><paramref name="threshold"/> is not <see langword="null"/> and the model is not a binary classifier (it has more than two classes, or is a regression model).</exception>
    public Model WithDecisionThreshold(double? threshold)
    {
        if (threshold is double t)
        {
            EnsureBinaryClassifier();
            ClassificationReport.EnsureThreshold(t, nameof(threshold));
        }

        return new Model(Network, Task, _classNames, InputStandardizer, Provenance, threshold);
    }

    /// <summary>
    /// Returns this model with the decision threshold that maximises <paramref name="metric"/> on raw held-out rows:
    /// <see cref="Training.DecisionThreshold.Choose"/> on this model's probabilities for <paramref name="holdout"/>,
    /// standardised as in training.
    /// </summary>
    /// <param name="holdout">
    /// Raw labelled rows the network was not trained on, as <see cref="Report"/> takes them (labels in this model's label
    /// map: read a CSV file with <c>new CsvOptions { ClassNames = model.ClassNames }</c>). On training rows the threshold
    /// over-fits.
    /// </param>
    /// <param name="metric">A metric of the decisions: <see cref="TransferMetric.Accuracy"/>, <see cref="TransferMetric.BalancedAccuracy"/> or <see cref="TransferMetric.F1(int)"/>.</param>
    /// <returns>A model with the same network (shared), input transform, class names and provenance, and the chosen threshold.</returns>
    /// <remarks>
    /// With <c>s = P(class 1)</c> of each held-out row and the distinct scores <c>s_1 &gt; … &gt; s_n</c>, every rule
    /// "class 1 when <c>s ≥ s_i</c>" (and "never") is scored, and the threshold is the midpoint of the gap the best rule
    /// cuts; ties go to the threshold nearest 0.5. <c>DecisionThreshold.Choose</c> gives the score as well.
    /// </remarks>
    /// <exception cref="ArgumentNullException"><paramref name="holdout"/> or <paramref name="metric"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">
    /// <paramref name="holdout"/> does not fit the model (its feature count, regression targets, its class count or its
    /// class names differ) or cannot be scored by <paramref name="metric"/> (such as <c>F1(2)</c>); or
    /// <paramref name="metric"/> is not a metric of the decisions (average precision, R² and custom metrics do not depend on a threshold).
    /// </exception>
    /// <exception cref="InvalidOperationException">The model is not a binary classifier.</exception>
    public Model WithDecisionThreshold(Dataset holdout, TransferMetric metric)
    {
        ArgumentNullException.ThrowIfNull(holdout);
        ArgumentNullException.ThrowIfNull(metric);
        EnsureBinaryClassifier();
        var data = Standardised(holdout, nameof(holdout));
        metric.EnsureApplicable(data, nameof(holdout));
        var (threshold, _) = Training.DecisionThreshold.Choose(Network.Predict(data.Features), data, metric);
        return WithDecisionThreshold(threshold);
    }

    /// <summary>Returns the task, the classes, the input transform, the decision threshold (when set), the network and the provenance, one per line.</summary>
    /// <returns>The summary.</returns>
    public override string ToString()
    {
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"Model: {Task}, {FeatureCount} features");
        if (Task == ModelTask.Classification)
        {
            sb.Append(CultureInfo.InvariantCulture, $", {_classNames.Length} classes ({string.Join(", ", _classNames.Take(10))}{(_classNames.Length > 10 ? ", …" : string.Empty)})");
        }

        sb.AppendLine();
        sb.AppendLine(InputStandardizer is null ? "  input: raw rows" : "  input: standardised, x' = (x − μ) / σ");
        if (DecisionThreshold is double threshold)
        {
            sb.AppendLine(CultureInfo.InvariantCulture, $"  threshold: {_classNames[1]} when P({_classNames[1]}) ≥ {threshold:G6}, else {_classNames[0]}");
        }
        sb.AppendLine("  " + Network.ToString().ReplaceLineEndings(Environment.NewLine + "  "));
        if (Provenance is { } p)
        {
            string source = p.SourceDescription.Length > 0 ? p.SourceDescription : "source task";
            sb.Append(CultureInfo.InvariantCulture, $"  from: {source}");
            if (p.SourceExampleCount is long n)
            {
                sb.Append(CultureInfo.InvariantCulture, $", {n:N0} examples");
            }

            if (p.SourceClassCount is int c)
            {
                sb.Append(CultureInfo.InvariantCulture, $", {c} classes");
            }

            sb.AppendLine();
            if (p.Decision is { } decision)
            {
                sb.AppendLine("  decision: " + decision.ToString().ReplaceLineEndings(Environment.NewLine + "  "));
            }
        }

        return sb.ToString().TrimEnd();
    }

    /// <summary>Builds a loaded model; the file format has checked every part.</summary>
    internal static Model FromFile(Network network, ModelTask task, string[] classNames, Standardizer? inputStandardizer, ModelProvenance? provenance, double? decisionThreshold) =>
        new(network, task, classNames, inputStandardizer, provenance, decisionThreshold);

    /// <summary>Whether the network's output fits the class names; the exception names <paramref name="paramName"/>.</summary>
    internal static void CheckClassifier(Network network, IReadOnlyList<string> classNames, string paramName)
    {
        var output = network.OutputLayer;
        bool softmax = output.Activation == Activation.Softmax && output.OutputSize == classNames.Count;
        bool sigmoid = output.Activation == Activation.Sigmoid && output.OutputSize == 1 && classNames.Count == 2;
        if (!softmax && !sigmoid)
        {
            throw new ArgumentException(
                Invariant.F($"Expected a classifier's output layer, a softmax with one unit per class or one sigmoid unit for two classes, to fit {classNames.Count} class names but the output layer is {output}."),
                paramName);
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (int c = 0; c < classNames.Count; c++)
        {
            if (string.IsNullOrWhiteSpace(classNames[c]))
            {
                throw new ArgumentException(Invariant.F($"Expected a non-empty name for every class but the name of class {c} is empty."), paramName);
            }

            if (!seen.Add(classNames[c]))
            {
                throw new ArgumentException(
                    Invariant.F($"Expected distinct class names (a label map is one-to-one) but '{classNames[c]}' names class {c} and an earlier class."), paramName);
            }
        }
    }

    private static void CheckStandardizer(Network network, Standardizer? standardizer, string paramName)
    {
        if (standardizer is not null && standardizer.FeatureCount != network.InputSize)
        {
            throw new ArgumentException(
                Invariant.F($"Expected a standardizer of {network.InputSize} features (the network's input size) but it was fitted on {standardizer.FeatureCount}."),
                paramName);
        }
    }

    /// <summary>Checks that raw labelled rows fit the model (features, task, classes, label map) and standardises them as in training; the exception names <paramref name="paramName"/>.</summary>
    private Dataset Standardised(Dataset rawData, string paramName)
    {
        if (rawData.FeatureCount != FeatureCount)
        {
            throw new ArgumentException(Invariant.F($"Expected rows of {FeatureCount} features (the model's) but got {rawData.FeatureCount}."), paramName);
        }

        if (rawData.IsClassification != (Task == ModelTask.Classification))
        {
            throw new ArgumentException($"Expected {(Task == ModelTask.Classification ? "class labels" : "regression targets")} for a {Task} model but the data set has {(rawData.IsClassification ? "class labels" : "regression targets")}.", paramName);
        }

        var data = rawData;
        if (Task == ModelTask.Classification)
        {
            if (rawData.ClassCount != _classNames.Length)
            {
                throw new ArgumentException(Invariant.F($"Expected labels in the model's {_classNames.Length} classes but the data set has {rawData.ClassCount}: read it with new CsvOptions {{ ClassNames = model.ClassNames }}."), paramName);
            }

            if (rawData.ClassNames is { } names && !names.SequenceEqual(_classNames, StringComparer.Ordinal))
            {
                throw new ArgumentException(
                    $"Expected the model's label map ({string.Join(", ", _classNames)}) but the data set's classes are {string.Join(", ", names)}: read it with new CsvOptions {{ ClassNames = model.ClassNames }}.", paramName);
            }

            data = rawData.ClassNames is null ? rawData.WithClassNames(_classNames) : rawData;
        }

        return InputStandardizer?.Transform(data) ?? data;
    }

    private void EnsureBinaryClassifier()
    {
        if (!IsBinaryClassifier)
        {
            throw new InvalidOperationException(Task == ModelTask.Classification
                ? Invariant.F($"Expected a binary classifier (two classes) for a decision threshold but the model has {_classNames.Length} classes.")
                : "Expected a binary classifier (two classes) for a decision threshold but the model is a regression model.");
        }
    }

    private ModelPrediction[] PredictRows(ReadOnlySpan<float> raw, int count, string paramName)
    {
        Guard.AllFiniteExamples(raw, paramName, FeatureCount);
        var x = raw.ToArray();
        InputStandardizer?.TransformInPlace(x);
        int outputs = Network.OutputSize;
        var a = new float[count * outputs];
        Network.PredictBatch(x, a);
        var predictions = new ModelPrediction[count];
        for (int j = 0; j < count; j++)
        {
            var output = a.AsSpan(j * outputs, outputs).ToArray();
            if (Task == ModelTask.Regression)
            {
                predictions[j] = new ModelPrediction { Outputs = output };
                continue;
            }

            float[] probabilities = outputs == 1 ? [1f - output[0], output[0]] : output;
            int c = DecisionThreshold is double threshold
                ? (output[outputs - 1] >= threshold ? 1 : 0) // P(class 1), as DecisionThreshold.Classify decides
                : Network.ArgMax(output);
            predictions[j] = new ModelPrediction { ClassIndex = c, ClassName = _classNames[c], Probabilities = probabilities, Outputs = output };
        }

        return predictions;
    }
}
