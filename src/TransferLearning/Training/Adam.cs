using System.Numerics;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using TransferLearning.Networks;

namespace TransferLearning.Training;

/// <summary>
/// Adam with bias correction (Kingma &amp; Ba): <c>m ← β₁·m + (1−β₁)·g</c>, <c>v ← β₂·v + (1−β₂)·g²</c>,
/// <c>w ← w − η·m̂ / (√v̂ + ε)</c> with <c>m̂ = m / (1−β₁ᵗ)</c>, <c>v̂ = v / (1−β₂ᵗ)</c>.
/// Weight decay is L2 added to the gradient (as PyTorch's <c>Adam</c>).
/// </summary>
internal sealed class Adam : Optimizer
{
    private readonly Dictionary<Parameter, (float[] M, float[] V, long T)> _state = [];

    /// <summary>Creates the optimiser.</summary>
    /// <param name="groups">The parameter groups; at least one, no parameter twice.</param>
    /// <param name="options">The settings.</param>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="groups"/> is empty or repeats a parameter.</exception>
    public Adam(IReadOnlyList<ParameterGroup> groups, AdamOptions options)
        : base(groups, (options ?? throw new ArgumentNullException(nameof(options))).LearningRate, options.WeightDecay)
    {
        Options = options;
        foreach (var p in groups.SelectMany(g => g.Parameters))
        {
            _state[p] = (new float[p.Length], new float[p.Length], 0);
        }
    }

    /// <summary>Gets the settings.</summary>
    public AdamOptions Options { get; }

    internal override void Save(CheckpointWriter checkpoint)
    {
        base.Save(checkpoint);
        foreach (var (p, (m, v, t)) in _state)
        {
            checkpoint.Tensor("optimizer.m." + p.Name, m);
            checkpoint.Tensor("optimizer.v." + p.Name, v);
            checkpoint.Metadata.Set("optimizer.t." + p.Name, t);
        }
    }

    internal override void Restore(CheckpointReader checkpoint)
    {
        base.Restore(checkpoint);
        foreach (var p in _state.Keys.ToArray())
        {
            var (m, v, _) = _state[p];
            checkpoint.Tensor("optimizer.m." + p.Name, m.Length).CopyTo(m, 0);
            checkpoint.Tensor("optimizer.v." + p.Name, v.Length).CopyTo(v, 0);
            _state[p] = (m, v, checkpoint.Metadata.Integer("optimizer.t." + p.Name, 0, long.MaxValue));
        }
    }

    private protected override void BeginUpdate(Parameter parameter)
    {
        // Each parameter counts its own steps, so a parameter unfrozen later starts with fresh bias correction.
        var (m, v, t) = _state[parameter];
        _state[parameter] = (m, v, t + 1);
    }

    private protected override void Update(Parameter parameter, int start, int length, float learningRate, in Regularization regularization)
    {
        var (moments, squares, t) = _state[parameter];
        var m = moments.AsSpan(start, length);
        var v = squares.AsSpan(start, length);
        var gradient = parameter.Gradient.AsSpan(start, length);
        float b1 = Options.Beta1;
        float b2 = Options.Beta2;
        float c1 = 1f / (1f - MathF.Pow(b1, t));
        float c2 = 1f / (1f - MathF.Pow(b2, t));
        float eps = Options.Epsilon;
        var w = parameter.Data.AsSpan(start, length);
        int i = 0;

        // Bound by the square root and the division (about ten cycles a 256-bit vector on a Zen 5), not by memory: a
        // 512-bit vector does twice the elements per instruction where the CPU has AVX-512 (the same bits: both are
        // correctly rounded at every width).
        if (Vector512.IsHardwareAccelerated)
        {
            var gv = MemoryMarshal.Cast<float, Vector512<float>>(gradient);
            var mv = MemoryMarshal.Cast<float, Vector512<float>>(m);
            var vv = MemoryMarshal.Cast<float, Vector512<float>>(v);
            var wv = MemoryMarshal.Cast<float, Vector512<float>>(w);
            var vb1 = Vector512.Create(b1);
            var vb2 = Vector512.Create(b2);
            var v1b1 = Vector512.Create(1 - b1);
            var v1b2 = Vector512.Create(1 - b2);
            var vc1 = Vector512.Create(learningRate * c1);
            var vc2 = Vector512.Create(c2);
            var veps = Vector512.Create(eps);
            var anchor = MemoryMarshal.Cast<float, Vector512<float>>(regularization.Anchor);
            var onWeight = Vector512.Create(regularization.OnWeight);
            var anchorDecay = Vector512.Create(regularization.AnchorDecay);
            bool anchored = regularization.AnchorDecay != 0;
            for (int k = 0; k < gv.Length; k++)
            {
                var g = gv[k] + (onWeight * wv[k]);
                if (anchored)
                {
                    g -= anchorDecay * anchor[k];
                }

                var mk = (vb1 * mv[k]) + (v1b1 * g);
                var vk = (vb2 * vv[k]) + (v1b2 * g * g);
                mv[k] = mk;
                vv[k] = vk;
                wv[k] -= vc1 * mk / (Vector512.Sqrt(vk * vc2) + veps);
            }

            i = gv.Length * Vector512<float>.Count;
        }
        else if (Vector.IsHardwareAccelerated)
        {
            var gv = MemoryMarshal.Cast<float, Vector<float>>(gradient);
            var mv = MemoryMarshal.Cast<float, Vector<float>>(m);
            var vv = MemoryMarshal.Cast<float, Vector<float>>(v);
            var wv = MemoryMarshal.Cast<float, Vector<float>>(w);
            var vb1 = new Vector<float>(b1);
            var vb2 = new Vector<float>(b2);
            var v1b1 = new Vector<float>(1 - b1);
            var v1b2 = new Vector<float>(1 - b2);
            var vc1 = new Vector<float>(learningRate * c1);
            var vc2 = new Vector<float>(c2);
            var veps = new Vector<float>(eps);
            var anchor = regularization.AnchorVectors;
            var onWeight = new Vector<float>(regularization.OnWeight);
            var anchorDecay = new Vector<float>(regularization.AnchorDecay);
            for (int k = 0; k < gv.Length; k++)
            {
                var g = regularization.At(gv[k], wv[k], anchor, k, onWeight, anchorDecay);
                var mk = (vb1 * mv[k]) + (v1b1 * g);
                var vk = (vb2 * vv[k]) + (v1b2 * g * g);
                mv[k] = mk;
                vv[k] = vk;
                wv[k] -= vc1 * mk / (Vector.SquareRoot(vk * vc2) + veps);
            }

            i = gv.Length * Vector<float>.Count;
        }

        for (; i < w.Length; i++)
        {
            float g = regularization.At(gradient, w, i);
            m[i] = (b1 * m[i]) + ((1 - b1) * g);
            v[i] = (b2 * v[i]) + ((1 - b2) * g * g);
            w[i] -= learningRate * c1 * m[i] / (MathF.Sqrt(v[i] * c2) + eps);
        }
    }
}
