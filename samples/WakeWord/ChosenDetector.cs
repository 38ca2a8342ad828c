using System.Text.Json.Serialization;
using TransferLearning.Deployment;

namespace WakeWord;

/// <summary>The detector chosen on validation data: the strategy and seed whose model scored the best F1 there.</summary>
/// <param name="Strategy">Its strategy.</param>
/// <param name="Seed">Its seed.</param>
/// <param name="Threshold">Its decision threshold on <c>P(ankle boot)</c>, chosen on the validation examples.</param>
/// <param name="ValidationF1">Its F1 of the rare class on the validation examples, at that threshold.</param>
/// <param name="Model">The deployable model (its network, class names, threshold and provenance); not in the JSON.</param>
public sealed record ChosenDetector(string Strategy, int Seed, double Threshold, double ValidationF1, [property: JsonIgnore] Model Model);
