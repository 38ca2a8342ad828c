using TransferLearning.Networks;
using TransferLearning.Tests.Support;
using TransferLearning.Training;

namespace TransferLearning.Tests.Training;

/// <summary>Schedule factors worked out by hand, and the trainer applying them per epoch.</summary>
public class LearningRateScheduleTests
{
    [Fact]
    public void Constant_AnyEpoch_FactorIsOne() =>
        Enumerable.Range(0, 5).Select(e => LearningRateSchedule.Constant.Factor(e, 5)).Should().OnlyContain(f => f == 1f);

    [Fact]
    public void Step_EveryTwoEpochsHalf_HalvesEveryTwoEpochs() =>
        Enumerable.Range(0, 6).Select(e => LearningRateSchedule.Step(2, 0.5f).Factor(e, 6))
            .Should().Equal(1f, 1f, 0.5f, 0.5f, 0.25f, 0.25f);

    [Fact]
    public void Step_DefaultGamma_IsOneTenth() =>
        LearningRateSchedule.Step(1).Factor(2, 3).Should().BeApproximately(0.01f, 1e-7f);

    [Fact]
    public void Cosine_FourEpochs_FollowsHalfCosineFromOne()
    {
        // factor(e) = (1 + cos(π·e/4)) / 2: 1, (1 + √2/2)/2, 1/2, (1 − √2/2)/2.
        double half = Math.Sqrt(2) / 2;
        double[] expected = [1, (1 + half) / 2, 0.5, (1 - half) / 2];

        Enumerable.Range(0, 4).Select(e => (double)LearningRateSchedule.Cosine().Factor(e, 4))
            .Should().Equal(expected, (a, b) => Math.Abs(a - b) < 1e-6);
    }

    [Fact]
    public void Cosine_MinFactor_ScalesIntoMinToOne()
    {
        var schedule = LearningRateSchedule.Cosine(0.2f);

        schedule.Factor(0, 4).Should().BeApproximately(1f, 1e-6f);
        schedule.Factor(2, 4).Should().BeApproximately(0.2f + (0.8f * 0.5f), 1e-6f);
        schedule.Factor(4, 4).Should().BeApproximately(0.2f, 1e-6f, "at the end of the run the factor reaches f_min");
    }

    [Fact]
    public void Fit_StepSchedule_EachEpochReportsTheScaledRate()
    {
        var network = Network.Create(2, seed: 1).Dense(3, Activation.Softmax);
        var options = new TrainingOptions { Epochs = 5, BatchSize = 10, Optimizer = new SgdOptions { LearningRate = 0.4f }, Schedule = LearningRateSchedule.Step(2, 0.5f) };

        var history = new Trainer(options).Fit(network, TestData.Blobs(perClass: 5, seed: 1));

        history.Epochs.Select(e => e.LearningRate).Should().Equal(0.4f, 0.4f, 0.2f, 0.2f, 0.1f);
    }

    [Fact]
    public void Fit_StepScheduleToTinyRate_LaterEpochsBarelyMoveTheWeights()
    {
        // The schedule must reach the optimiser, not just the report: with gamma 1e-6 after epoch 1, epochs 2–3 change almost nothing.
        var network = Network.Create(2, seed: 1).Dense(3, Activation.Softmax);
        var snapshots = new List<float[][]> { Weights.Of(network) };
        var progress = new SynchronousProgress(p =>
        {
            if (p.CompletedEpoch is not null)
            {
                snapshots.Add(Weights.Of(network));
            }
        });
        var options = new TrainingOptions { Epochs = 3, BatchSize = 5, Optimizer = new SgdOptions { LearningRate = 0.5f }, Schedule = LearningRateSchedule.Step(1, 1e-6f) };

        new Trainer(options).Fit(network, TestData.Blobs(perClass: 5, seed: 1), progress: progress);

        MaxChange(snapshots[0], snapshots[1]).Should().BeGreaterThan(1e-2f);
        MaxChange(snapshots[1], snapshots[2]).Should().BeLessThan(1e-5f);
    }

    private static float MaxChange(float[][] before, float[][] after) =>
        before.Zip(after).SelectMany(pair => pair.First.Zip(pair.Second, (a, b) => Math.Abs(a - b))).Max();
}
