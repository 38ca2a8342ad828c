
namespace TransferLearning.Samples;

/// <summary>One cell of the table: a column's test accuracy at one size, over the seeds.</summary>
/// <param name="Arm">The column's name.</param>
/// <param name="Decides">Whether the library chose the strategy (the data-size policy or Auto) rather than the column fixing it.</param>
/// <param name="Accuracies">Test accuracy on all target test images, one per seed.</param>
/// <param name="Chosen">The strategy trained, one per seed (the same for a fixed column; the library's choice for Policy and Auto).</param>
/// <param name="Reasons">The decision's reasons for the first seed, in words.</param>
public sealed record ArmResult(string Arm, bool Decides, IReadOnlyList<double> Accuracies, IReadOnlyList<string> Chosen, IReadOnlyList<string> Reasons)
{
    /// <summary>Gets the mean and standard deviation over the seeds.</summary>
    public MeanAndDeviation Accuracy => MeanAndDeviation.Of(Accuracies);
}
