namespace TransferLearning.Transfer;

/// <summary>
/// Decides the <see cref="TransferStrategy"/> of a transfer: by the source text's rule of thumb
/// (<see cref="DataSizePolicy"/>), fixed by the caller (<see cref="Fixed(TransferStrategy)"/>), or
/// measured on held-out target data (<see cref="Auto(AutoSelectionOptions?)"/>).
/// </summary>
public abstract class TransferPolicy
{
    private protected TransferPolicy()
    {
    }

    /// <summary>Always uses <paramref name="strategy"/>.</summary>
    /// <param name="strategy">The strategy.</param>
    /// <returns>The policy.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="strategy"/> is <see langword="null"/>.</exception>
    public static TransferPolicy Fixed(TransferStrategy strategy)
    {
        ArgumentNullException.ThrowIfNull(strategy);
        return new FixedPolicy(strategy);
    }

    /// <summary>
    /// Measures every candidate: holds out stratified parts of the target's training data, lets
    /// <see cref="DataSizePolicy.Default"/> decide on them first, then trains every other candidate
    /// (<see cref="TransferStrategy.FromScratch"/> included) with the same budget and replaces Default's choice
    /// only with one that beats it on the held-out parts beyond the noise
    /// (<see cref="AutoSelectionOptions.RequiredStandardErrorsAgainstDefault"/>).
    /// </summary>
    /// <param name="options">The candidates and the hold-out; <see langword="null"/> for the defaults.</param>
    /// <returns>The policy.</returns>
    public static TransferPolicy Auto(AutoSelectionOptions? options = null) => new AutoSelectionPolicy(options ?? new AutoSelectionOptions());

    /// <summary>Chooses the strategy for a transfer.</summary>
    internal abstract TransferDecision Choose(TransferContext context);

    private sealed class FixedPolicy(TransferStrategy strategy) : TransferPolicy
    {
        internal override TransferDecision Choose(TransferContext context) =>
            new()
            {
                Strategy = strategy,
                Reasons = [new() { Code = DecisionReasonCode.FixedByCaller, Strategy = strategy, Text = $"{strategy} was fixed by the caller ({context.Situation})." }],
            };

        public override string ToString() => $"Fixed({strategy})";
    }
}
