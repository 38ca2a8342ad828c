using System.Numerics.Tensors;
using TransferLearning.Networks;

namespace TransferLearning.Training;

/// <summary>
/// Stochastic gradient descent, optionally with (Nesterov) momentum:
/// <c>v ← μ·v + g</c>; <c>w ← w − η·v</c> (or <c>w ← w − η·(g + μ·v)</c> with Nesterov), as in PyTorch.
/// With <c>μ = 0</c>: <c>w ← w − η·g</c>.
/// </summary>
public sealed class Sgd : Optimizer
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

    private protected override void Update(Parameter parameter, ReadOnlySpan<float> gradient, float learningRate)
    {
        var w = parameter.Data.AsSpan();
        if (Options.Momentum == 0)
        {
            TensorPrimitives.MultiplyAdd(gradient, -learningRate, w, w);
            return;
        }

        var v = _velocity[parameter].AsSpan();
        TensorPrimitives.MultiplyAdd(v, Options.Momentum, gradient, v);  // v = μ·v + g
        if (Options.Nesterov)
        {
            // w −= η·(g + μ·v)
            TensorPrimitives.MultiplyAdd(gradient, -learningRate, w, w);
            TensorPrimitives.MultiplyAdd(v, -learningRate * Options.Momentum, w, w);
        }
        else
        {
            TensorPrimitives.MultiplyAdd(v, -learningRate, w, w);
        }
    }
}
