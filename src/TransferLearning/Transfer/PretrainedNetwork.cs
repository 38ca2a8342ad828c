using TransferLearning.Networks;
using TransferLearning.Training;

namespace TransferLearning.Transfer;

/// <summary>
/// A network trained on a source task, with what the transfer policy needs to know about that task: what
/// <see cref="TransferPipeline"/> and <see cref="TransferAdvisor"/> take. <see cref="TransferPipeline.Pretrain"/>
/// makes one; for a network trained elsewhere, <c>new PretrainedNetwork { Network = network, SourceExampleCount = 60_000 }</c>.
/// </summary>
/// <remarks>Save it with <c>pretrained.Save(path)</c> and load it in another application with <c>PretrainedNetwork.Load(path)</c> (see <see cref="PretrainedNetworkFiles"/>).</remarks>
public sealed record PretrainedNetwork
{
    /// <summary>Gets the trained network, with its source task's output layer on top.</summary>
    /// <remarks>
    /// The pipeline removes the top <see cref="TransferOptions.RemovedLayers"/> itself and says so in the decision
    /// (<see cref="DecisionReasonCode.TopLayersRemoved"/>); do not remove them first. This is the live network, so
    /// <see cref="Network.RemoveTopLayers(int)"/> on it changes it; the record keeps the layer count it had when the
    /// record was made, and a transfer refuses (an <see cref="ArgumentException"/> that says what happened) a network
    /// with fewer layers now, or, when <see cref="SourceClassCount"/> is known, one whose output no longer has that
    /// many units — rather than strip it a second time.
    /// </remarks>
    public required Network Network
    {
        get;
        init
        {
            field = value;
            LayerCountWhenMade = value?.Layers.Count ?? 0;
        }
    }

    /// <summary>The network's layer count when this record was made: a network stripped afterwards is recognised by the pipeline.</summary>
    internal int LayerCountWhenMade { get; private set; }

    /// <summary>
    /// Gets the number of source examples it was trained on, at least 1, which the policy and the advisor
    /// compare with the target's; <see langword="null"/> (the default) when unknown, as for a network trained
    /// elsewhere. <see cref="TransferPipeline.Pretrain"/> sets it.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">Set to less than 1.</exception>
    public long? SourceExampleCount
    {
        get;
        init
        {
            if (value is < 1)
            {
                throw new ArgumentOutOfRangeException(nameof(SourceExampleCount), value, $"Expected at least 1 source example (or null when unknown) but got {value}.");
            }

            field = value;
        }
    }

    /// <summary>Gets the pretraining history.</summary>
    /// <value>The default is an empty history (no epoch); <see cref="TransferPipeline.Pretrain"/> sets the real one.</value>
    public TrainingHistory History { get; init; } = new() { Epochs = [], BestEpoch = 0, StoppedEarly = false, RestoredBest = false, Elapsed = TimeSpan.Zero };

    /// <summary>Gets the number of classes of the source task, or <see langword="null"/> for a regression task or when unknown.</summary>
    /// <value>The default is <see langword="null"/>; <see cref="TransferPipeline.Pretrain"/> sets it from the source data.</value>
    public int? SourceClassCount { get; init; }

    /// <summary>Gets the names of the source task's classes, in label order (empty when unknown).</summary>
    /// <value>The default is empty; <see cref="TransferPipeline.Pretrain"/> sets the source data's <see cref="Data.Dataset.ClassNames"/>.</value>
    public IReadOnlyList<string> ClassNames { get; init; } = [];

    /// <summary>
    /// Returns what is known of the source task in one line, such as
    /// <c>pretrained on 60,000 examples of 10 classes (T-shirt, Trouser, Pullover, …)</c>, the pretraining in one
    /// line when there was one, then the network, layer by layer (invariant culture).
    /// </summary>
    /// <returns>The text.</returns>
    public override string ToString()
    {
        const int Shown = 5;
        string examples = SourceExampleCount is { } n ? Invariant.F($"{n:N0} examples") : "an unknown number of examples";
        string classes = SourceClassCount is { } k ? Invariant.F($" of {k:N0} classes") : string.Empty;
        string names = ClassNames.Count == 0
            ? string.Empty
            : " (" + string.Join(", ", ClassNames.Take(Shown)) + (ClassNames.Count > Shown ? ", …)" : ")");
        var lines = new List<string> { $"pretrained on {examples}{classes}{names}" };
        if (History.Epochs.Count > 0)
        {
            lines.Add("pretraining: " + History);
        }

        lines.Add(Network.ToString());
        return string.Join(Environment.NewLine, lines);
    }
}
