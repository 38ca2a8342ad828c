using System.Text;

namespace TransferLearning.Transfer;

/// <summary>
/// "Does transfer make sense here?", answered with the source text's three conditions, each with its
/// evidence: (a) the same input x, (b) far more source than target data, (c) the source's features help
/// the target (a linear probe on each pretrained layer's activations against one on the raw inputs, with the
/// gain's confidence interval and a label-permutation baseline).
/// </summary>
public sealed class TransferAdvice
{
    internal TransferAdvice(IReadOnlyList<AdviceCondition> conditions, IReadOnlyList<ProbeScore> probes, ProbeGain? gain)
    {
        Conditions = conditions;
        Probes = probes;
        Gain = gain;
    }

    /// <summary>Gets the three conditions, in order (a), (b), (c).</summary>
    public IReadOnlyList<AdviceCondition> Conditions { get; }

    /// <summary>Gets the linear probes' scores: the raw inputs first, then each pretrained layer (empty when (a) fails).</summary>
    public IReadOnlyList<ProbeScore> Probes { get; }

    /// <summary>Gets the best layer's gain over the raw inputs with its confidence interval and permutation baseline, or <see langword="null"/> when nothing was probed.</summary>
    public ProbeGain? Gain { get; }

    /// <summary>Gets condition (a): the same input x.</summary>
    public AdviceCondition SameInput => Conditions[0];

    /// <summary>Gets condition (b): far more source than target data.</summary>
    public AdviceCondition MoreSourceData => Conditions[1];

    /// <summary>Gets condition (c): the source's features help the target.</summary>
    public AdviceCondition FeaturesHelp => Conditions[2];

    /// <summary>Gets how many bottom layers of the pretrained network the transfer keeps (those condition (c) is judged on); 0 when nothing was probed.</summary>
    public int KeptLayers { get; init; }

    /// <summary>
    /// Gets what the verdict leaves out, with the numbers: a deeper cut (a lower kept layer probes better than the top
    /// kept one, and the <see cref="TransferOptions.RemovedLayers"/> that puts the new layers on it), or a removed layer
    /// that probes better than every kept one. Empty by default.
    /// </summary>
    public IReadOnlyList<string> Notes { get; init; } = [];

    /// <summary>Gets the kept pretrained layer whose features transfer best, or <see langword="null"/> when nothing was probed.</summary>
    public ProbeScore? BestLayer => Gain is { } gain ? Probes.First(p => p.Layer == gain.Layer) : null;

    /// <summary>Gets a value indicating whether no condition fails (one that could not be checked does not count against).</summary>
    public bool MakesSense => Conditions.All(c => c.Holds != false);

    /// <summary>Returns the report: the verdict, the conditions and the probe scores.</summary>
    /// <returns>The report.</returns>
    public override string ToString()
    {
        var sb = new StringBuilder();
        sb.AppendLine(MakesSense ? "Transfer makes sense here." : "Transfer is unlikely to help here.");
        foreach (var condition in Conditions)
        {
            sb.Append("  ").AppendLine(condition.ToString());
        }

        if (Probes.Count > 0)
        {
            sb.AppendLine("  Linear probes (held-out score):");
            foreach (var probe in Probes)
            {
                sb.Append("    ").Append(probe).AppendLine(probe == BestLayer ? "  ← best" : probe.Layer >= KeptLayers ? "  (removed by the transfer)" : string.Empty);
            }
        }

        foreach (string note in Notes)
        {
            sb.Append("  ").AppendLine(note);
        }

        return sb.ToString().TrimEnd();
    }
}
