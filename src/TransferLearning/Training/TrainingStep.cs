using TransferLearning.Data;
using TransferLearning.Networks;
using TransferLearning.Training.Losses;

namespace TransferLearning.Training;

/// <summary>
/// One step of gradient descent without the loop: the forward pass in training mode, the loss, and the
/// backward pass, leaving <c>∂J/∂θ</c> in every trainable parameter's <see cref="Parameter.Gradients"/>; the
/// caller then calls <see cref="Optimizer.Step"/>. <see cref="Trainer.Fit"/> is built on the same step.
/// </summary>
/// <example>
/// A loop of one's own (as in TorchSharp):
/// <code>
/// var step = new TrainingStep(network, batchCapacity: 32);
/// var optimizer = new AdamOptions { LearningRate = 1e-3f }.Create([new ParameterGroup(network.Parameters)]);
/// foreach (Dataset batch in batches)
/// {
///     double loss = step.ComputeGradients(batch);
///     optimizer.Step();
/// }
/// </code>
/// </example>
/// <remarks>
/// The step owns the buffers of its batches (sized once for <see cref="BatchCapacity"/>; a step allocates
/// nothing). Dropout masks come from each dropout layer's seed, restarted for every new step object. Layers
/// below the lowest one that trains get no backward work.
/// </remarks>
public sealed class TrainingStep
{
    private readonly Workspace _workspace;

    /// <summary>Creates a step for <paramref name="network"/>.</summary>
    /// <param name="network">The network; its top layer must be dense.</param>
    /// <param name="loss">The loss; <see langword="null"/> (the default) picks <see cref="Loss.For(Activation)"/> of the output activation.</param>
    /// <param name="batchCapacity">The largest batch it will be given, at least 1. The default is 128.</param>
    /// <exception cref="ArgumentNullException"><paramref name="network"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="batchCapacity"/> is less than 1.</exception>
    /// <exception cref="InvalidOperationException">The network has no layers or its top layer is not dense.</exception>
    public TrainingStep(Network network, Loss? loss = null, int batchCapacity = 128)
        : this(network, loss ?? Loss.For(OutputOf(network).Activation), batchCapacity, 0)
    {
    }

    internal TrainingStep(Network network, Loss loss, int batchCapacity, int firstLayer)
    {
        Guard.AtLeast(batchCapacity, 1, nameof(batchCapacity));
        Network = network;
        Loss = loss;
        BatchCapacity = batchCapacity;
        _workspace = new Workspace(network, batchCapacity, firstLayer);
    }

    /// <summary>The buffers of the last pass (diagnostics for tests).</summary>
    internal Workspace Workspace => _workspace;

    /// <summary>Gets the network whose gradients the step computes.</summary>
    public Network Network { get; }

    /// <summary>Gets the loss.</summary>
    public Loss Loss { get; }

    /// <summary>Gets the largest batch the step takes.</summary>
    public int BatchCapacity { get; }

    /// <summary>
    /// Runs forward (training mode: dropout on, batch normalisation on batch statistics unless frozen), the
    /// loss <c>J = (1/m)·Σ L</c>, and backward over every example of <paramref name="batch"/> as one mini-batch.
    /// </summary>
    /// <param name="batch">The mini-batch, at most <see cref="BatchCapacity"/> examples that fit the network and the loss.</param>
    /// <returns>
    /// <c>J</c> of the batch before the update. When it is not finite, no gradient is computed (the parameters'
    /// gradients are those of the previous step): do not call <see cref="Optimizer.Step"/>.
    /// </returns>
    /// <exception cref="ArgumentNullException"><paramref name="batch"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The batch has more than <see cref="BatchCapacity"/> examples, or does not fit the network or the loss.</exception>
    public double ComputeGradients(Dataset batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        if (batch.Count > BatchCapacity)
        {
            throw new ArgumentException(
                Invariant.F($"Expected a batch of at most {BatchCapacity} examples (the step's capacity) but got {batch.Count}."), nameof(batch));
        }

        NetworkEvaluation.EnsureFits(Network, batch, nameof(batch));
        Loss.Validate(Network.OutputLayer, batch, nameof(batch));
        return ComputeGradients(batch.FeatureData, NetworkEvaluation.TargetsOf(batch, 0, batch.Count), batch.Count);
    }

    /// <summary>
    /// The step itself: <paramref name="input"/> feeds the workspace's first layer; returns the batch's mean loss,
    /// and computes the gradients only when it is finite.
    /// </summary>
    internal double ComputeGradients(ReadOnlySpan<float> input, in BatchTargets targets, int count)
    {
        var ws = _workspace;
        Network.Forward(ws, input, count);
        var z = ws.OutputPreActivation(count);
        var a = ws.Output(count);
        int rows = Network.OutputSize;
        double loss = Loss.Sum(z, a, rows, targets) / count;
        if (!double.IsFinite(loss))
        {
            return loss;
        }

        Loss.OutputGradient(z, a, rows, targets, Network.OutputLayer.Activation, ws.OutputGradient(count));
        Network.Backward(ws, input, count);
        return loss;
    }

    /// <summary><c>A[L]</c> of the last forward pass, for a batch of <paramref name="count"/> columns.</summary>
    internal ReadOnlySpan<float> Output(int count) => _workspace.Output(count);

    private static DenseLayer OutputOf(Network network)
    {
        ArgumentNullException.ThrowIfNull(network);
        return network.OutputLayer;
    }
}
