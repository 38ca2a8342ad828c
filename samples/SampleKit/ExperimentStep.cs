namespace TransferLearning.Samples;

/// <summary>What an experiment is doing: the step just started, and how many of all its steps are done.</summary>
/// <param name="Description">The step, in words ("N = 30, seed 2: HeadOnly").</param>
/// <param name="Done">Steps finished so far.</param>
/// <param name="Total">Steps in the whole experiment.</param>
public readonly record struct ExperimentStep(string Description, int Done, int Total);
