using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using TransferLearning.Networks;

namespace TransferLearning.Training;

/// <summary>
/// Updates parameters from their gradients. An optimiser takes parameter groups, not a network, owns
/// its state (momentum, moments) per parameter, and never touches a frozen parameter: no step, no
/// momentum, no decay.
/// </summary>
public abstract class Optimizer
{
    private protected Optimizer(IReadOnlyList<ParameterGroup> groups, float learningRate, float weightDecay)
    {
        ArgumentNullException.ThrowIfNull(groups);
        if (groups.Count == 0)
        {
            throw new ArgumentException("Expected at least one parameter group but got none.", nameof(groups));
        }

        var seen = new HashSet<Parameter>();
        foreach (var p in groups.SelectMany(g => g.Parameters))
        {
            if (!seen.Add(p))
            {
                throw new ArgumentException($"Parameter '{p.Name}' appears in more than one group.", nameof(groups));
            }
        }

        Guard.Positive(learningRate, nameof(learningRate));
        Guard.NonNegative(weightDecay, nameof(weightDecay));
        Groups = groups;
        LearningRate = learningRate;
        WeightDecay = weightDecay;
    }

    /// <summary>Gets the parameter groups.</summary>
    public IReadOnlyList<ParameterGroup> Groups { get; }

    /// <summary>Gets the base learning rate <c>η</c>.</summary>
    public float LearningRate { get; }

    /// <summary>Gets the default L2 weight decay <c>λ</c> for groups that do not set their own.</summary>
    public float WeightDecay { get; }

    /// <summary>
    /// Gets or sets the factor a learning-rate schedule applies to <see cref="LearningRate"/> (the trainer
    /// sets it every epoch). The default is 1.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is not finite and ≥ 0.</exception>
    public float LearningRateFactor
    {
        get;
        set
        {
            Guard.NonNegative(value, nameof(value));
            field = value;
        }
    } = 1f;

    /// <summary>Gets the number of steps taken.</summary>
    public long StepCount { get; private set; }

    /// <summary>Applies one update to every parameter that is not frozen, from the gradients of the last backward pass.</summary>
    public void Step()
    {
        StepCount++;
        for (int g = 0; g < Groups.Count; g++)
        {
            var group = Groups[g];
            float lr = LearningRate * LearningRateFactor * group.LearningRateScale;
            float decay = group.WeightDecay ?? WeightDecay;
            for (int i = 0; i < group.Parameters.Count; i++)
            {
                var p = group.Parameters[i];
                if (p.IsFrozen)
                {
                    continue;
                }

                var regularization = new Regularization(decay, group.AnchorDecay, group.AnchorDecay != 0 ? group.AnchorOf(i) : default);
                Update(p, p.Gradient, lr, regularization);
                p.MarkChanged();
            }
        }
    }

    /// <summary>Writes the step count and the per-parameter state (moments, velocities) to a training checkpoint.</summary>
    internal virtual void Save(CheckpointWriter checkpoint) => checkpoint.Metadata.Set("optimizer.steps", StepCount);

    /// <summary>Puts back what <see cref="Save"/> wrote.</summary>
    /// <exception cref="Serialization.ModelFormatException">The checkpoint lacks a value or a tensor, or one is malformed.</exception>
    internal virtual void Restore(CheckpointReader checkpoint) => StepCount = checkpoint.Metadata.Integer("optimizer.steps", 0, long.MaxValue);

    /// <summary>
    /// Updates one parameter at learning rate <paramref name="learningRate"/> with the effective gradient
    /// <c>gradient + regularization.OnWeight·w − regularization.AnchorDecay·w₀</c>, computed in the same
    /// pass as the update (no extra pass over memory).
    /// </summary>
    private protected abstract void Update(Parameter parameter, ReadOnlySpan<float> gradient, float learningRate, in Regularization regularization);

    /// <summary>
    /// The regularisation folded into a gradient: <c>g + λ·w + α·(w − w₀) = g + (λ + α)·w − α·w₀</c>.
    /// </summary>
    private protected readonly ref struct Regularization(float weightDecay, float anchorDecay, ReadOnlySpan<float> anchor)
    {
        /// <summary>Gets <c>λ + α</c>, the coefficient of <c>w</c>.</summary>
        public float OnWeight { get; } = weightDecay + anchorDecay;

        /// <summary>Gets <c>α</c>, the coefficient of <c>−w₀</c> (0 without L2-SP).</summary>
        public float AnchorDecay { get; } = anchorDecay;

        /// <summary>Gets <c>w₀</c> (empty without L2-SP).</summary>
        public ReadOnlySpan<float> Anchor { get; } = anchor;

        /// <summary>Gets a value indicating whether the gradient is used as it is.</summary>
        public bool IsNone => OnWeight == 0 && AnchorDecay == 0;

        /// <summary>The effective gradient at index <paramref name="i"/>.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public float At(ReadOnlySpan<float> gradient, ReadOnlySpan<float> weights, int i) =>
            gradient[i] + (OnWeight * weights[i]) - (AnchorDecay == 0 ? 0f : AnchorDecay * Anchor[i]);

        /// <summary>The effective gradient of vector <paramref name="k"/>, given the broadcast coefficients.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public Vector<float> At(Vector<float> gradient, Vector<float> weights, ReadOnlySpan<Vector<float>> anchor, int k, Vector<float> onWeight, Vector<float> anchorDecay) =>
            AnchorDecay == 0 ? gradient + (onWeight * weights) : gradient + (onWeight * weights) - (anchorDecay * anchor[k]);

        /// <summary>The anchor as vectors (empty without L2-SP).</summary>
        public ReadOnlySpan<Vector<float>> AnchorVectors => MemoryMarshal.Cast<float, Vector<float>>(Anchor);
    }
}
