using TorchSharp;
using TorchSharp.Modules;
using TransferLearning.Data;
using TransferLearning.Networks;
using TransferLearning.Training;
using static TorchSharp.torch;

namespace TransferLearning.Benchmarks.Torch;

// W1's network in TorchSharp, the way a TorchSharp user writes it: nn.Sequential of Linear and ReLU,
// functional.cross_entropy on the logits (softmax + cross-entropy, mean over the batch), torch.optim's SGD or Adam
// with the settings of our TrainingOptions, float32. The weights start as a copy of one of our networks'. The data
// are tensors made once; an epoch shuffles them into a second tensor allocated once (index_copy_ with a random
// permutation: no allocation but the permutation's 60,000 indices), and each step's batch is a view of it (narrow),
// the step's temporaries released by a dispose scope.
internal sealed class TorchMlp : IDisposable
{
    private readonly Linear[] _layers;
    private readonly Sequential _model;
    private readonly optim.Optimizer _optimizer;
    private readonly Tensor _x;
    private readonly Tensor _y;
    private readonly Tensor _shuffledX;
    private readonly Tensor _shuffledY;
    private readonly int _count;
    private readonly int _batchSize;

    public TorchMlp(Network initial, Dataset data, TrainingOptions options)
    {
        _count = data.Count;
        _batchSize = options.BatchSize;
        _layers = initial.DenseLayers.Select(d => nn.Linear(d.InputSize, d.OutputSize)).ToArray();
        _model = nn.Sequential(("fc1", _layers[0]), ("relu1", nn.ReLU()), ("fc2", _layers[1]), ("relu2", nn.ReLU()), ("fc3", _layers[2]));
        using (no_grad())
        {
            for (int l = 0; l < _layers.Length; l++)
            {
                var dense = initial.DenseLayers[l];

                // Ours is column-major out × in, which read row-major is in × out: the transpose of torch's layout.
                using var w = tensor(dense.Weight.Values.ToArray(), [dense.InputSize, dense.OutputSize]);
                using var wt = w.t();
                _layers[l].weight!.copy_(wt);
                using var b = tensor(dense.Bias.Values.ToArray());
                _layers[l].bias!.copy_(b);
            }
        }

        _optimizer = options.Optimizer switch
        {
            SgdOptions sgd => optim.SGD(_model.parameters(), sgd.LearningRate, sgd.Momentum, nesterov: sgd.Nesterov, weight_decay: sgd.WeightDecay),
            AdamOptions adam => optim.Adam(_model.parameters(), adam.LearningRate, adam.Beta1, adam.Beta2, adam.Epsilon, adam.WeightDecay),
            _ => throw new ArgumentException($"Expected SGD or Adam options but got {options.Optimizer.GetType().Name}.", nameof(options)),
        };

        // Examples as rows: our column-major features × examples is row-major examples × features.
        _x = tensor(data.FeatureValues.ToArray(), [data.Count, data.FeatureCount]);
        _y = tensor(data.Labels.Select(l => (long)l).ToArray(), [data.Count]);
        _shuffledX = empty_like(_x);
        _shuffledY = empty_like(_y);
    }

    // One epoch in batches of the options' size (the last one smaller). shuffle: a new random order (torch's
    // generator); else the stored order. trackLoss: read each batch's loss and return the epoch's mean over the
    // examples (as our Trainer reports it); else NaN, and no value leaves libtorch during the epoch. examples: an
    // epoch over the first ones only (in the stored order).
    public double Epoch(bool shuffle, bool trackLoss, int? examples = null)
    {
        int count = examples ?? _count;
        var (x, y) = (_x, _y);
        if (shuffle)
        {
            using var order = randperm(_count);
            _shuffledX.index_copy_(0, order, _x);
            _shuffledY.index_copy_(0, order, _y);
            (x, y) = (_shuffledX, _shuffledY);
        }

        double lossSum = 0;
        for (int start = 0; start < count; start += _batchSize)
        {
            int n = Math.Min(_batchSize, count - start);
            using var scope = NewDisposeScope();
            var logits = _model.call(x.narrow(0, start, n));
            var loss = nn.functional.cross_entropy(logits, y.narrow(0, start, n));
            _optimizer.zero_grad();
            loss.backward();
            _optimizer.step();
            if (trackLoss)
            {
                lossSum += loss.item<float>() * (double)n;
            }
        }

        return trackLoss ? lossSum / count : double.NaN;
    }

    // Layer l's weight in our layout (column-major out × in) and its bias.
    public (float[] Weight, float[] Bias) Parameters(int l)
    {
        using var w = _layers[l].weight!.detach().t().contiguous();
        using var b = _layers[l].bias!.detach();
        return (w.data<float>().ToArray(), b.data<float>().ToArray());
    }

    public void Dispose()
    {
        _optimizer.Dispose();
        _model.Dispose();
        _x.Dispose();
        _y.Dispose();
        _shuffledX.Dispose();
        _shuffledY.Dispose();
    }
}
