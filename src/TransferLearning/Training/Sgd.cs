using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.InteropServices;
using TransferLearning.Networks;

namespace TransferLearning.Training;

/// <summary>
/// Stochastic gradient descent, optionally with (Nesterov) momentum:
/// <c>v ← μ·v + g</c>; <c>w ← w − η·v</c> (or <c>w ← w − η·(g + μ·v)</c> with Nesterov), as in PyTorch.
/// With <c>μ = 0</c>: <c>w ← w − η·g</c>.
/// </summary>
internal sealed class Sgd : Optimizer
{
    private readonly Dictionary<Parameter, float[]> _velocity = [];

    /// <summary>Creates the optimiser.</summary>
    /// <param name="groups">The parameter groups; at least one, no parameter twice.</param>
    /// <param name="options">The settings.</param>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="groups"/> is empty or repeats a parameter.</exception>
    public Sgd(IReadOnlyList<ParameterGroup> groups, SgdOptions options)
        : base(groups, (options ?? throw new ArgumentNullException(nameof(options))).LearningRate, options.WeightDecay)
    {
        Options = options;
        if (options.Momentum > 0)
        {
            foreach (var p in groups.SelectMany(g => g.Parameters))
            {
                _velocity[p] = new float[p.Length];
            }
        }
    }

    /// <summary>Gets the settings.</summary>
    public SgdOptions Options { get; }

    internal override void Save(CheckpointWriter checkpoint)
    {
        base.Save(checkpoint);
        foreach (var (p, velocity) in _velocity)
        {
            checkpoint.Tensor("optimizer.velocity." + p.Name, velocity);
        }
    }

    internal override void Restore(CheckpointReader checkpoint)
    {
        base.Restore(checkpoint);
        foreach (var (p, velocity) in _velocity)
        {
            checkpoint.Tensor("optimizer.velocity." + p.Name, velocity.Length).CopyTo(velocity, 0);
        }
    }

    private protected override void Update(Parameter parameter, int start, int length, float learningRate, in Regularization regularization)
    {
        var w = parameter.Data.AsSpan(start, length);
        ReadOnlySpan<float> gradient = parameter.Gradient.AsSpan(start, length);
        if (Options.Momentum == 0 && regularization.IsNone)
        {
            TensorPrimitives.MultiplyAdd(gradient, -learningRate, w, w);
            return;
        }

        // v ← μ·v + g; w ← w − (a·v + b·g) with a = η, b = 0 (classic) or a = η·μ, b = η (Nesterov);
        // without momentum v = g. g is the effective gradient, regularisation included, and all of it is
        // one fused pass over g, v and w (three times faster here than separate TensorPrimitives passes).
        bool momentum = Options.Momentum != 0;
        var v = momentum ? _velocity[parameter].AsSpan(start, length) : default;
        float mu = Options.Momentum;
        float a = Options.Nesterov ? learningRate * mu : learningRate;
        float b = Options.Nesterov ? learningRate : 0f;
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var gv = MemoryMarshal.Cast<float, Vector<float>>(gradient);
            var vv = MemoryMarshal.Cast<float, Vector<float>>(v);
            var wv = MemoryMarshal.Cast<float, Vector<float>>(w);
            var anchor = regularization.AnchorVectors;
            var onWeight = new Vector<float>(regularization.OnWeight);
            var anchorDecay = new Vector<float>(regularization.AnchorDecay);
            var vmu = new Vector<float>(mu);
            var va = new Vector<float>(a);
            var vb = new Vector<float>(b);
            for (int k = 0; k < gv.Length; k++)
            {
                var g = regularization.At(gv[k], wv[k], anchor, k, onWeight, anchorDecay);
                var velocity = momentum ? (vmu * vv[k]) + g : g;
                if (momentum)
                {
                    vv[k] = velocity;
                }

                wv[k] -= (va * velocity) + (vb * g);
            }

            i = gv.Length * Vector<float>.Count;
        }

        for (; i < w.Length; i++)
        {
            float g = regularization.At(gradient, w, i);
            float velocity = momentum ? (mu * v[i]) + g : g;
            if (momentum)
            {
                v[i] = velocity;
            }

            w[i] -= (a * velocity) + (b * g);
        }
    }
}
