using TransferLearning.Data;
using TransferLearning.Training;

namespace TransferLearning.Samples;

/// <summary>A source task to pretrain on, a target task to transfer to, and the network both use.</summary>
/// <param name="Name">A short name for files and JSON ("helpful", "unrelated", "synthetic").</param>
/// <param name="Title">What the set-up is, in words.</param>
/// <param name="Data">Which data it was made from (the full data set or the bundled subset, and where).</param>
/// <param name="Source">The source task's training examples (all of them are used to pretrain).</param>
/// <param name="SourceTest">The source task's test examples, to report how well pretraining went.</param>
/// <param name="TargetPool">The target's training examples, from which N per class are drawn.</param>
/// <param name="TargetTest">The target's test examples: every accuracy in the table is measured on all of them.</param>
/// <param name="HiddenUnits">The body's hidden layer sizes (ReLU); the output layer is softmax over the task's classes.</param>
/// <param name="Pretraining">How the body is pretrained on the source.</param>
public sealed record ComparisonSetup(
    string Name,
    string Title,
    string Data,
    Dataset Source,
    Dataset SourceTest,
    Dataset TargetPool,
    Dataset TargetTest,
    IReadOnlyList<int> HiddenUnits,
    TrainingOptions Pretraining);
