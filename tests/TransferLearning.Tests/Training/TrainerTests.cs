using MathNet.Numerics.LinearAlgebra;
using TransferLearning.Data;
using TransferLearning.Networks;
using TransferLearning.Tests.Support;
using TransferLearning.Training;

namespace TransferLearning.Tests.Training;

/// <summary>What one call to Fit does step by step: the update, the progress reports and the history.</summary>
public class TrainerTests
{
    [Fact]
    public void Fit_OneEpochOneFullBatchSgd_WeightsMoveByRateTimesGradient()
    {
        var network = Network.Create(2)
            .Add(DenseLayer.FromWeights(Matrix<float>.Build.DenseOfArray(new float[,] { { 1f, -1f }, { 0.5f, 2f } }), Vector<float>.Build.DenseOfArray([0f, -1f]), Activation.ReLU))
            .Add(DenseLayer.FromWeights(Matrix<float>.Build.DenseOfArray(new float[,] { { 1f, 0.5f }, { -1f, 0.25f } }), Vector<float>.Build.DenseOfArray([0.1f, -0.1f]), Activation.Softmax));
        var data = Dataset.ForClassification(Matrix<float>.Build.DenseOfColumnArrays([1f, 2f], [3f, -1f]), [1, 0], 2);
        var before = Weights.Of(network);
        GradientChecker.ComputeGradients(network, data, Loss.SoftmaxCrossEntropy);   // checked by hand in ForwardBackwardByHandTests
        var gradients = network.Parameters.Select(p => p.Gradients.ToArray()).ToArray();

        new Trainer(new TrainingOptions { Epochs = 1, BatchSize = 2, Optimizer = new SgdOptions { LearningRate = 0.5f } }).Fit(network, data);

        var after = Weights.Of(network);
        for (int t = 0; t < after.Length; t++)
        {
            after[t].Should().Equal(before[t].Zip(gradients[t], (w, g) => w - (0.5f * g)), (a, e) => Math.Abs(a - e) < 1e-6f, "W ← W − η·dW for tensor {0}", t);
        }
    }

    [Fact]
    public void Fit_PartialLastBatch_ReportsEveryBatchThenTheEpoch()
    {
        var data = TestData.Blobs(perClass: 5, classes: 5, features: 3, seed: 2);   // 25 examples → batches of 10, 10, 5
        var network = Network.Create(3, seed: 1).Dense(5, Activation.Softmax);
        var progress = new SynchronousProgress(_ => { });

        var history = new Trainer(new TrainingOptions { Epochs = 2, BatchSize = 10 }).Fit(network, data, progress: progress);

        progress.Reports.Select(r => (r.Epoch, r.Batch, r.CompletedEpoch is null)).Should().Equal(
            (1, 1, true), (1, 2, true), (1, 3, true), (1, 3, false),
            (2, 1, true), (2, 2, true), (2, 3, true), (2, 3, false));
        progress.Reports.Should().OnlyContain(r => r.BatchesPerEpoch == 3);
        var epoch1 = progress.BatchReports.Where(r => r.Epoch == 1).Select(r => r.BatchLoss).ToArray();
        history.Epochs[0].TrainLoss.Should().BeApproximately(((epoch1[0] * 10) + (epoch1[1] * 10) + (epoch1[2] * 5)) / 25, 1e-12, "the epoch loss weights each batch by its size");
        progress.Reports[3].CompletedEpoch.Should().BeSameAs(history.Epochs[0]);
    }

    [Fact]
    public void Fit_WithAndWithoutValidation_HistoryFieldsFilledAccordingly()
    {
        var train = TestData.Blobs(perClass: 6, seed: 1);
        var validation = TestData.Blobs(perClass: 3, seed: 2);

        var without = new Trainer(new TrainingOptions { Epochs = 3 }).Fit(Network.Create(2, seed: 1).Dense(3, Activation.Softmax), train);
        var network = Network.Create(2, seed: 1).Dense(3, Activation.Softmax);
        var with = new Trainer(new TrainingOptions { Epochs = 3 }).Fit(network, train, validation);

        without.Epochs.Select(e => e.Epoch).Should().Equal(1, 2, 3);
        without.Epochs.Should().OnlyContain(e => e.ValidationLoss == null && e.ValidationAccuracy == null && e.TrainAccuracy != null);
        without.StoppedEarly.Should().BeFalse();
        with.Epochs.Should().OnlyContain(e => e.ValidationLoss != null && e.ValidationAccuracy != null);
        with.Last.ValidationLoss.Should().Be(network.Evaluate(validation).Loss, "the last epoch's validation score is the network's score");
        with.Last.Should().BeSameAs(with.Epochs[^1]);
        with.Epochs.Should().OnlyContain(e => e.LearningRate == 1e-3f);
    }
}
