using System.Numerics.Tensors;
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
        Scratch = new float[groups.SelectMany(g => g.Parameters).Max(p => p.Length)];
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

    private protected float[] Scratch { get; }

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

                ReadOnlySpan<float> gradient = EffectiveGradient(p, group, i, decay);
                Update(p, gradient, lr);
            }
        }
    }

    /// <summary>Updates one parameter with its effective gradient <paramref name="gradient"/> at learning rate <paramref name="learningRate"/>.</summary>
    private protected abstract void Update(Parameter parameter, ReadOnlySpan<float> gradient, float learningRate);

    private ReadOnlySpan<float> EffectiveGradient(Parameter p, ParameterGroup group, int index, float decay)
    {
        if (decay == 0 && group.AnchorDecay == 0)
        {
            return p.Gradient;
        }

        var g = Scratch.AsSpan(0, p.Length);
        p.Gradient.CopyTo(g);
        if (decay != 0)
        {
            TensorPrimitives.MultiplyAdd(p.Data, decay, g, g);
        }

        if (group.AnchorDecay != 0)
        {
            // g += α·(w − w₀) = α·w − α·w₀
            TensorPrimitives.MultiplyAdd(p.Data, group.AnchorDecay, g, g);
            TensorPrimitives.MultiplyAdd(group.AnchorOf(index), -group.AnchorDecay, g, g);
        }

        return g;
    }
}
