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

                BeginUpdate(p);
                if (!TryUpdateInParallel(p, lr, decay, group.AnchorDecay, group.AnchorArray(i)))
                {
                    Update(p, 0, p.Length, lr, new Regularization(decay, group.AnchorDecay, group.AnchorDecay != 0 ? group.AnchorOf(i) : default));
                }

                p.MarkChanged();
            }
        }
    }

    /// <summary>
    /// Gets or sets the threads an update of a large parameter may use, at least 1 (the trainer sets it from the
    /// network's backend). Every element's update is independent of the others', so the result is the same to the
    /// bit on any number of threads. The default is 1.
    /// </summary>
    internal int UpdateThreads
    {
        get;
        set
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(value);
            field = value;
        }
    } = 1;

    /// <summary>Writes the step count and the per-parameter state (moments, velocities) to a training checkpoint.</summary>
    internal virtual void Save(CheckpointWriter checkpoint) => checkpoint.Metadata.Set("optimizer.steps", StepCount);

    /// <summary>Puts back what <see cref="Save"/> wrote.</summary>
    /// <exception cref="Serialization.ModelFormatException">The checkpoint lacks a value or a tensor, or one is malformed.</exception>
    internal virtual void Restore(CheckpointReader checkpoint) => StepCount = checkpoint.Metadata.Integer("optimizer.steps", 0, long.MaxValue);

    /// <summary>
    /// What an update does once per parameter and step, before its elements are updated (perhaps on several
    /// threads): Adam counts the parameter's steps here.
    /// </summary>
    private protected virtual void BeginUpdate(Parameter parameter)
    {
    }

    /// <summary>
    /// Updates elements <paramref name="start"/> to <paramref name="start"/> + <paramref name="length"/> − 1 of one
    /// parameter at learning rate <paramref name="learningRate"/> with the effective gradient
    /// <c>gradient + regularization.OnWeight·w − regularization.AnchorDecay·w₀</c>, computed in the same
    /// pass as the update (no extra pass over memory). <paramref name="regularization"/>'s anchor is that range's.
    /// Called for disjoint ranges, at once from different threads: it writes only its range.
    /// </summary>
    private protected abstract void Update(Parameter parameter, int start, int length, float learningRate, in Regularization regularization);

    // A large parameter's update in parts of this many elements (64 KB: a multiple of any vector's width, so every
    // part but the last is whole vectors and each element is updated by the same instructions as in one pass).
    private const int UpdatePartLength = 16384;

    private ParallelUpdate? _parallel;

    /// <summary>
    /// Updates a parameter of at least two parts on up to <see cref="UpdateThreads"/> threads of the shared pool;
    /// false (nothing done) when it is smaller, one thread is allowed, or the pool is busy.
    /// </summary>
    private bool TryUpdateInParallel(Parameter parameter, float learningRate, float weightDecay, float anchorDecay, float[]? anchor)
    {
        int parts = (parameter.Length + UpdatePartLength - 1) / UpdatePartLength;
        if (UpdateThreads < 2 || parts < 2)
        {
            return false;
        }

        var pool = Compute.GemmWorkerPool.Shared;
        if (!pool.TryAcquire())
        {
            return false;
        }

        try
        {
            _parallel ??= new ParallelUpdate(this);
            _parallel.Set(parameter, learningRate, weightDecay, anchorDecay, anchor);
            pool.Run(_parallel, parts, UpdateThreads);
        }
        finally
        {
            _parallel?.Clear();
            pool.Release();
        }

        return true;
    }

    /// <summary>One parameter's update as parts for the worker pool; reused every step, so nothing is allocated.</summary>
    private sealed class ParallelUpdate(Optimizer optimizer) : Compute.IParallelWork
    {
        private Parameter? _parameter;
        private float _learningRate;
        private float _weightDecay;
        private float _anchorDecay;
        private float[]? _anchor;

        public void Set(Parameter parameter, float learningRate, float weightDecay, float anchorDecay, float[]? anchor)
        {
            _parameter = parameter;
            _learningRate = learningRate;
            _weightDecay = weightDecay;
            _anchorDecay = anchorDecay;
            _anchor = anchor;
        }

        public void Clear()
        {
            _parameter = null;
            _anchor = null;
        }

        public void Execute(int part)
        {
            var parameter = _parameter!;
            int start = part * UpdatePartLength;
            int length = Math.Min(UpdatePartLength, parameter.Length - start);
            var anchor = _anchorDecay != 0 ? _anchor.AsSpan(start, length) : default;
            optimizer.Update(parameter, start, length, _learningRate, new Regularization(_weightDecay, _anchorDecay, anchor));
        }
    }

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
