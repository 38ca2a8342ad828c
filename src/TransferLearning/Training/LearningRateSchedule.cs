using System.Globalization;

namespace TransferLearning.Training;

/// <summary>
/// Scales the optimiser's learning rate per epoch: <c>η_e = η · factor(e)</c>.
/// </summary>
public abstract class LearningRateSchedule
{
    private protected LearningRateSchedule()
    {
    }

    /// <summary>Gets the constant schedule: <c>factor(e) = 1</c>.</summary>
    public static LearningRateSchedule Constant { get; } = new ConstantSchedule();

    /// <summary>Step decay: <c>factor(e) = γ^⌊e / stepSize⌋</c> (epochs counted from 0).</summary>
    /// <param name="stepSize">Epochs between decays, at least 1.</param>
    /// <param name="gamma">The decay per step, in (0, 1]. The default is 0.1.</param>
    /// <returns>The schedule.</returns>
    /// <exception cref="ArgumentOutOfRangeException">An argument is out of range.</exception>
    public static LearningRateSchedule Step(int stepSize, float gamma = 0.1f)
    {
        Guard.AtLeast(stepSize, 1, nameof(stepSize));
        if (!(gamma > 0 && gamma <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(gamma), gamma, string.Create(CultureInfo.InvariantCulture, $"Expected a value in (0, 1] but got {gamma}."));
        }

        return new StepSchedule(stepSize, gamma);
    }

    /// <summary>
    /// Cosine annealing over the run: <c>factor(e) = f_min + (1 − f_min)·(1 + cos(π·e / E))/2</c> for
    /// epoch <c>e</c> of <c>E</c> (from 0), so the first epoch runs at the full rate and the factor reaches
    /// <c>f_min</c> at <c>e = E</c>, just after the last epoch (PyTorch's <c>CosineAnnealingLR</c> with <c>T_max = E</c>).
    /// </summary>
    /// <param name="minFactor">The factor <c>f_min</c> annealed towards, in [0, 1). The default is 0.</param>
    /// <returns>The schedule.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="minFactor"/> is outside [0, 1).</exception>
    public static LearningRateSchedule Cosine(float minFactor = 0f)
    {
        Guard.InRange(minFactor, 0f, 1f, nameof(minFactor));
        return new CosineSchedule(minFactor);
    }

    /// <summary>Returns the factor for epoch <paramref name="epoch"/> (from 0) of <paramref name="epochs"/>.</summary>
    /// <param name="epoch">The epoch, from 0.</param>
    /// <param name="epochs">The number of epochs of the run.</param>
    /// <returns>The factor, in [0, 1].</returns>
    public abstract float Factor(int epoch, int epochs);

    private sealed class ConstantSchedule : LearningRateSchedule
    {
        public override float Factor(int epoch, int epochs) => 1f;

        public override string ToString() => "Constant";
    }

    private sealed class StepSchedule(int stepSize, float gamma) : LearningRateSchedule
    {
        public override float Factor(int epoch, int epochs) => MathF.Pow(gamma, epoch / stepSize);

        public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"Step({stepSize}, {gamma})");
    }

    private sealed class CosineSchedule(float minFactor) : LearningRateSchedule
    {
        public override float Factor(int epoch, int epochs) =>
            minFactor + ((1 - minFactor) * 0.5f * (1 + MathF.Cos(MathF.PI * epoch / Math.Max(1, epochs))));

        public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"Cosine({minFactor})");
    }
}
