namespace TransferLearning.Samples;

/// <summary>What the advisor said about one target sample.</summary>
/// <param name="MakesSense">Whether it says transfer makes sense (no condition fails).</param>
/// <param name="FeaturesHelp">Its condition (c), "the source's features help": yes, no, or not measured.</param>
/// <param name="Evidence">Condition (c)'s evidence, in words.</param>
/// <param name="Report">The whole report, as the advisor prints it.</param>
public sealed record AdviceSummary(bool MakesSense, bool? FeaturesHelp, string Evidence, string Report);
