namespace TransferLearning.Training;

/// <summary>One class's row of a <see cref="ClassificationReport"/> (scikit-learn's <c>precision_recall_fscore_support</c>, <c>zero_division=0</c>).</summary>
/// <param name="Class">The class index.</param>
/// <param name="Name">The class name (the data set's, or the index).</param>
/// <param name="Precision"><c>TP / (TP + FP)</c>: of the examples predicted as this class, the share that are; 0 when the class is never predicted.</param>
/// <param name="Recall"><c>TP / (TP + FN)</c>: of the examples of this class, the share predicted as it; 0 when the class has no examples.</param>
/// <param name="F1"><c>2·P·R / (P + R)</c>, 0 when <c>P + R = 0</c>.</param>
/// <param name="Support">The number of examples of this class (<c>TP + FN</c>).</param>
public sealed record ClassMetrics(int Class, string Name, double Precision, double Recall, double F1, int Support);
