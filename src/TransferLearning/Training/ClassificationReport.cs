using System.Globalization;
using System.Text;

namespace TransferLearning.Training;

/// <summary>
/// How well a classifier did on a set of examples, the numbers scikit-learn's <c>classification_report</c>,
/// <c>confusion_matrix</c>, <c>balanced_accuracy_score</c> and <c>log_loss</c> (and, for two classes,
/// <c>roc_auc_score</c> and <c>average_precision_score</c>) give for the same labels and probabilities.
/// </summary>
/// <remarks>
/// <para>
/// Made by <see cref="NetworkReports.Report"/> from a network and a data set, or by <see cref="From"/> from labels
/// and probabilities of any model. The classes are <c>0 … k−1</c>, every one of them reported (scikit-learn with
/// <c>labels=range(k)</c>), including a class with no examples or never predicted.
/// </para>
/// <para>
/// The predicted class is the arg-max of the probabilities (the first on a tie); for two classes it is 1 when
/// <c>s = P(class 1) ≥</c> the threshold (0.5 unless chosen), so that the whole report — confusion matrix,
/// accuracy, per-class rows and <see cref="Binary"/> — describes one decision rule. At 0.5 this is the arg-max
/// except when <c>s</c> is exactly 0.5, which goes to class 1, as <see cref="Networks.Network.PredictClass"/> does.
/// </para>
/// <para>
/// Undefined ratios follow scikit-learn's <c>zero_division=0</c>: the precision of a class never predicted, and the
/// recall of a class with no examples, are 0 (and so is its F1), and they count as 0 in the macro averages. The
/// balanced accuracy averages the recall over the classes that have examples only (as scikit-learn). The ROC AUC
/// and average precision are NaN when they are undefined (<see cref="BinaryMetrics"/>).
/// </para>
/// </remarks>
public sealed class ClassificationReport
{
    /// <summary>The most classes a report holds: its <c>k × k</c> confusion matrix is one array (46,340² &lt; 2³¹).</summary>
    internal const int MaxClassCount = 46_340;

    private readonly int[] _confusion;

    internal ClassificationReport(int classCount, IReadOnlyList<string> classNames, int[] confusion, double logLoss, BinaryMetrics? binary)
    {
        _confusion = confusion;
        ClassCount = classCount;
        ClassNames = classNames;
        LogLoss = logLoss;
        Binary = binary;
        var classes = new ClassMetrics[classCount];
        int count = 0, correct = 0, present = 0;
        double recallSum = 0;
        for (int c = 0; c < classCount; c++)
        {
            int tp = confusion[(c * classCount) + c], support = 0, predicted = 0;
            for (int other = 0; other < classCount; other++)
            {
                support += confusion[(c * classCount) + other];
                predicted += confusion[(other * classCount) + c];
            }

            double precision = predicted == 0 ? 0 : (double)tp / predicted;
            double recall = support == 0 ? 0 : (double)tp / support;
            classes[c] = new ClassMetrics { Class = c, Name = classNames[c], Precision = precision, Recall = recall, F1 = BinaryRanking.F1(precision, recall), Support = support };
            count += support;
            correct += tp;
            if (support > 0)
            {
                present++;
                recallSum += recall;
            }
        }

        Classes = classes;
        Count = count;
        Accuracy = (double)correct / count;
        BalancedAccuracy = recallSum / present;
        MacroPrecision = classes.Average(c => c.Precision);
        MacroRecall = classes.Average(c => c.Recall);
        MacroF1 = classes.Average(c => c.F1);
        WeightedPrecision = classes.Sum(c => c.Precision * c.Support) / count;
        WeightedRecall = classes.Sum(c => c.Recall * c.Support) / count;
        WeightedF1 = classes.Sum(c => c.F1 * c.Support) / count;
        var rows = new IReadOnlyList<int>[classCount];
        for (int c = 0; c < classCount; c++)
        {
            rows[c] = Array.AsReadOnly(confusion[(c * classCount)..((c + 1) * classCount)]);
        }

        ConfusionMatrix = Array.AsReadOnly(rows);
    }

    /// <summary>Gets the number of examples <c>m</c>.</summary>
    public int Count { get; }

    /// <summary>Gets the number of classes <c>k</c> (2 for one sigmoid output).</summary>
    public int ClassCount { get; }

    /// <summary>Gets the class names, <c>k</c> of them: the data set's <see cref="Data.Dataset.ClassNames"/> or the ones given, else the indices.</summary>
    public IReadOnlyList<string> ClassNames { get; }

    /// <summary>Gets the share of examples whose predicted class is the true one, <c>Σ_c C[c, c] / m</c>.</summary>
    public double Accuracy { get; }

    /// <summary>Gets the mean recall over the classes that have examples (scikit-learn's <c>balanced_accuracy_score</c>): accuracy that every class weighs in equally, whatever its size.</summary>
    public double BalancedAccuracy { get; }

    /// <summary>
    /// Gets the mean cross-entropy of the probabilities, <c>−(1/m)·Σ_i log(q_{i,y_i} / Σ_c q_{i,c})</c> with
    /// <c>q = clip(p, ε, 1 − ε)</c> and <c>ε = 2⁻²³ ≈ 1.19e-7</c>: scikit-learn's <c>log_loss</c> with its default
    /// <c>eps="auto"</c> on float32 probabilities (clipped to float32's machine epsilon, then each row renormalised),
    /// so a confident wrong answer costs at most <c>−log ε ≈ 15.9</c> instead of ∞. One sigmoid output <c>s</c> gives
    /// the probabilities <c>(1 − s, s)</c>.
    /// </summary>
    public double LogLoss { get; }

    /// <summary>Gets one row per class, <c>0 … k−1</c>: precision, recall, F1 and support.</summary>
    public IReadOnlyList<ClassMetrics> Classes { get; }

    /// <summary>Gets the unweighted mean of the classes' precisions, <c>(1/k)·Σ_c P_c</c> (scikit-learn's <c>average='macro'</c>).</summary>
    public double MacroPrecision { get; }

    /// <summary>Gets the unweighted mean of the classes' recalls, <c>(1/k)·Σ_c R_c</c>.</summary>
    public double MacroRecall { get; }

    /// <summary>Gets the unweighted mean of the classes' F1 scores, <c>(1/k)·Σ_c F1_c</c> (not the F1 of the mean precision and recall).</summary>
    public double MacroF1 { get; }

    /// <summary>Gets the support-weighted mean of the precisions, <c>Σ_c P_c·n_c / m</c> (scikit-learn's <c>average='weighted'</c>).</summary>
    public double WeightedPrecision { get; }

    /// <summary>Gets the support-weighted mean of the recalls, <c>Σ_c R_c·n_c / m</c> (equal to the accuracy).</summary>
    public double WeightedRecall { get; }

    /// <summary>Gets the support-weighted mean of the F1 scores, <c>Σ_c F1_c·n_c / m</c>.</summary>
    public double WeightedF1 { get; }

    /// <summary>Gets the confusion matrix <c>C</c>, <c>k × k</c>: <c>ConfusionMatrix[t][p]</c> counts the examples of true class <c>t</c> predicted as <c>p</c> (rows true, columns predicted, as scikit-learn's <c>confusion_matrix</c>).</summary>
    public IReadOnlyList<IReadOnlyList<int>> ConfusionMatrix { get; }

    /// <summary>Gets the binary metrics (ROC AUC, average precision, and the positive class at the threshold) when there are two classes, else <see langword="null"/>.</summary>
    public BinaryMetrics? Binary { get; }

    /// <summary>Computes the report from true labels and predicted probabilities of any model.</summary>
    /// <param name="labels">The true classes, one per example, in <c>[0, classCount)</c>.</param>
    /// <param name="probabilities">
    /// The predicted probabilities, example after example: <c>probabilities[i·k + c] = P(class c | example i)</c>, each in
    /// <c>[0, 1]</c>; or, for two classes, one value per example, <c>P(class 1)</c> (a sigmoid output).
    /// </param>
    /// <param name="classCount">The number of classes <c>k</c>, from 2 to 46,340 (the confusion matrix is one <c>k × k</c> array).</param>
    /// <param name="classNames"><c>k</c> class names for the table, or <see langword="null"/> (the default) for the indices.</param>
    /// <param name="threshold">For two classes: class 1 is predicted when <c>P(class 1) ≥</c> this, in <c>[0, 1]</c>. The default is 0.5. Ignored for more classes.</param>
    /// <returns>The report.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="classCount"/> is less than 2 or more than 46,340, or <paramref name="threshold"/> is not in <c>[0, 1]</c>.</exception>
    /// <exception cref="ArgumentException">
    /// <paramref name="labels"/> is empty or holds a label outside <c>[0, k)</c>; <paramref name="probabilities"/> does not hold
    /// <c>m·k</c> values (or <c>m</c> for two classes) or holds a value outside <c>[0, 1]</c> or NaN; or
    /// <paramref name="classNames"/> does not hold <c>k</c> names.
    /// </exception>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("ApiDesign", "RS0026:Do not add multiple public overloads with optional parameters", Justification = "One overload.")]
    public static ClassificationReport From(ReadOnlySpan<int> labels, ReadOnlySpan<float> probabilities, int classCount, IReadOnlyList<string>? classNames = null, double threshold = 0.5)
    {
        Guard.AtLeast(classCount, 2, nameof(classCount));
        EnsureClassCount(classCount, nameof(classCount));
        EnsureThreshold(threshold, nameof(threshold));
        if (labels.IsEmpty)
        {
            throw new ArgumentException("Expected at least one example but got 0 labels.", nameof(labels));
        }

        int m = labels.Length;
        int outputs = probabilities.Length == m && classCount == 2 ? 1 : classCount;
        if ((long)m * outputs != probabilities.Length)
        {
            throw new ArgumentException(
                Invariant.F($"Expected {(long)m * classCount} probabilities ({m} examples × {classCount} classes, example after example){(classCount == 2 ? Invariant.F($" or {m} (P(class 1) per example)") : string.Empty)} but got {probabilities.Length}."),
                nameof(probabilities));
        }

        var names = NamesOf(classNames, classCount, nameof(classNames));
        var tally = new ClassificationTally(classCount, outputs, m, threshold);
        tally.Add(labels, probabilities, nameof(labels), nameof(probabilities));
        return tally.Report(names);
    }

    /// <summary>
    /// Returns the table: scikit-learn's <c>classification_report</c> (precision, recall, F1 and support per class,
    /// the accuracy, the macro and weighted averages) with four decimals, then the balanced accuracy and log loss,
    /// the binary metrics for two classes, and the confusion matrix (rows true, columns predicted). Invariant culture.
    /// </summary>
    /// <returns>The table, lines separated by <see cref="Environment.NewLine"/>.</returns>
    public override string ToString()
    {
        var text = new StringBuilder();
        int nameWidth = Math.Max("weighted avg".Length, ClassNames.Max(n => n.Length));
        const int W = 10;
        string Num(double value) => value.ToString("F4", CultureInfo.InvariantCulture).PadLeft(W);
        string Int(int value) => value.ToString(CultureInfo.InvariantCulture).PadLeft(W);
        text.Append(new string(' ', nameWidth)).Append("precision".PadLeft(W)).Append("recall".PadLeft(W)).Append("f1-score".PadLeft(W)).Append("support".PadLeft(W)).AppendLine().AppendLine();
        foreach (var c in Classes)
        {
            text.Append(c.Name.PadLeft(nameWidth)).Append(Num(c.Precision)).Append(Num(c.Recall)).Append(Num(c.F1)).Append(Int(c.Support)).AppendLine();
        }

        text.AppendLine();
        text.Append("accuracy".PadLeft(nameWidth)).Append(new string(' ', 2 * W)).Append(Num(Accuracy)).Append(Int(Count)).AppendLine();
        text.Append("macro avg".PadLeft(nameWidth)).Append(Num(MacroPrecision)).Append(Num(MacroRecall)).Append(Num(MacroF1)).Append(Int(Count)).AppendLine();
        text.Append("weighted avg".PadLeft(nameWidth)).Append(Num(WeightedPrecision)).Append(Num(WeightedRecall)).Append(Num(WeightedF1)).Append(Int(Count)).AppendLine();
        text.AppendLine();
        text.AppendLine(Invariant.F($"balanced accuracy {BalancedAccuracy:F4}, log loss {LogLoss:F4}"));
        if (Binary is { } b)
        {
            text.AppendLine(Invariant.F($"positive class \"{ClassNames[1]}\" at P ≥ {b.Threshold:0.####}: precision {b.Precision:F4}, recall {b.Recall:F4}, F1 {b.F1:F4} (TP {b.TruePositives}, FP {b.FalsePositives}, FN {b.FalseNegatives}, TN {b.TrueNegatives})"));
            text.AppendLine(Invariant.F($"ROC AUC {b.RocAuc:F4}, average precision {b.AveragePrecision:F4}"));
        }

        text.AppendLine();
        text.AppendLine("confusion matrix (rows: true class, columns: predicted class)");
        int cell = Math.Max(ClassCount - 1, _confusion.Max()).ToString(CultureInfo.InvariantCulture).Length + 2;
        int index = (ClassCount - 1).ToString(CultureInfo.InvariantCulture).Length;
        int label = index + 1 + ClassNames.Max(n => n.Length);
        text.Append(new string(' ', label));
        for (int p = 0; p < ClassCount; p++)
        {
            text.Append(p.ToString(CultureInfo.InvariantCulture).PadLeft(cell));
        }

        for (int t = 0; t < ClassCount; t++)
        {
            text.AppendLine();
            text.Append((t.ToString(CultureInfo.InvariantCulture).PadLeft(index) + " " + ClassNames[t]).PadRight(label));
            for (int p = 0; p < ClassCount; p++)
            {
                text.Append(_confusion[(t * ClassCount) + p].ToString(CultureInfo.InvariantCulture).PadLeft(cell));
            }
        }

        return text.ToString();
    }

    /// <summary>Throws unless the <c>k × k</c> confusion matrix of <paramref name="classCount"/> classes fits one array.</summary>
    internal static void EnsureClassCount(int classCount, string paramName)
    {
        if (classCount > MaxClassCount)
        {
            throw new ArgumentOutOfRangeException(
                paramName, classCount, Invariant.F($"Expected at most {MaxClassCount:N0} classes (the report's confusion matrix is one k × k array) but got {classCount:N0}."));
        }
    }

    /// <summary>Throws unless <paramref name="threshold"/> is in <c>[0, 1]</c>.</summary>
    internal static void EnsureThreshold(double threshold, string paramName)
    {
        if (!(threshold >= 0 && threshold <= 1))
        {
            throw new ArgumentOutOfRangeException(paramName, threshold, Invariant.F($"Expected a threshold in [0, 1] but got {threshold}."));
        }
    }

    /// <summary>The given names (checked: <paramref name="classCount"/> of them), or the indices.</summary>
    internal static IReadOnlyList<string> NamesOf(IReadOnlyList<string>? classNames, int classCount, string paramName)
    {
        if (classNames is null)
        {
            return Array.AsReadOnly(Enumerable.Range(0, classCount).Select(c => c.ToString(CultureInfo.InvariantCulture)).ToArray());
        }

        if (classNames.Count != classCount)
        {
            throw new ArgumentException(Invariant.F($"Expected {classCount} class names (one per class) but got {classNames.Count}."), paramName);
        }

        return Array.AsReadOnly(classNames.ToArray());
    }
}
