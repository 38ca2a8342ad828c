using TransferLearning.Data;
using TransferLearning.Networks;
using TransferLearning.Tests.Support;
using TransferLearning.Training;

namespace TransferLearning.Tests.Training;

public class TrainingStepTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void ComputeGradients_InACustomLoop_MatchesFitBitForBit(bool withDropoutAndBatchNorm)
    {
        var data = TestData.Blobs(perClass: 25, features: 4);
        const int BatchSize = 16;
        const int Epochs = 3;
        Network Make()
        {
            var network = Network.Create(4, seed: 9).Dense(12, Activation.ReLU);
            if (withDropoutAndBatchNorm)
            {
                network.BatchNorm().Dropout(0.3f);
            }

            return network.Dense(3, Activation.Softmax);
        }

        var fitted = Make();
        new Trainer(new TrainingOptions { Epochs = Epochs, BatchSize = BatchSize, Shuffle = false, Optimizer = new AdamOptions { LearningRate = 1e-2f } }).Fit(fitted, data);

        var custom = Make();
        var step = new TrainingStep(custom, batchCapacity: BatchSize);
        var optimizer = new AdamOptions { LearningRate = 1e-2f }.Create([new ParameterGroup(custom.Parameters)]);
        var batches = Enumerable.Range(0, (data.Count + BatchSize - 1) / BatchSize)
            .Select(b => data.Subset(Enumerable.Range(b * BatchSize, Math.Min(BatchSize, data.Count - (b * BatchSize))).ToArray()))
            .ToArray();
        var losses = new List<double>();
        for (int epoch = 0; epoch < Epochs; epoch++)
        {
            foreach (var batch in batches)
            {
                losses.Add(step.ComputeGradients(batch));
                optimizer.Step();
            }
        }

        custom.Parameters.Concat(custom.Buffers).Select(p => p.Values.ToArray())
            .Should().BeEquivalentTo(fitted.Parameters.Concat(fitted.Buffers).Select(p => p.Values.ToArray()), o => o.WithStrictOrdering());
        losses[^1].Should().BeLessThan(losses[0], "the custom loop learns");
    }

    [Fact]
    public void ComputeGradients_BatchLargerThanCapacity_Throws()
    {
        var network = Network.Create(2).Dense(3, Activation.Softmax);
        var step = new TrainingStep(network, batchCapacity: 4);

        Throws.Argument<ArgumentException>(() => step.ComputeGradients(TestData.Blobs(perClass: 2)), "batch", "at most 4", "got 6");
    }

    [Fact]
    public void Constructor_TopLayerNotDense_Throws()
    {
        var network = Network.Create(2).Dense(3, Activation.ReLU).Dropout(0.5f);

        Throws.InvalidOperation(() => _ = new TrainingStep(network), "Dense output layer", "Dropout");
    }
}
