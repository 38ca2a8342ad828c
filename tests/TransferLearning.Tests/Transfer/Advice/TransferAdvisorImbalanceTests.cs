using TransferLearning.Data;
using TransferLearning.Networks;
using TransferLearning.Training;
using TransferLearning.Transfer;

namespace TransferLearning.Tests.Transfer;

/// <summary>
/// On an imbalanced target (a rare class against the rest, as in wake-word detection) the probes score
/// balanced accuracy: plain accuracy is near the majority share for every representation, so it cannot
/// show that the pretrained features separate the rare class.
/// </summary>
public class TransferAdvisorImbalanceTests
{
    // The rare class is the disk r² = x₀² + x₁² < 0.1 (5 % of Gaussian inputs): no linear function of x
    // separates it, while a body pretrained to tell radius bands apart computes features that do. On
    // plain accuracy every probe scores the 95.7 % majority share (measured: gain 0.0 points, "unlikely to
    // help"); on balanced accuracy the pretrained features gain about 40 points.
    [Fact]
    public void Advise_RareDiskClass_ScoresBalancedAccuracy_AndSaysFeaturesHelp()
    {
        var source = Disks(20_000, seed: 1, bands: true);
        var architecture = Network.Create(8, seed: 0).Dense(64, Activation.ReLU).Dense(10, Activation.Softmax);
        var pretrained = new TransferPipeline().Pretrain(architecture, source, new TrainingOptions { Epochs = 6, BatchSize = 64, Optimizer = new AdamOptions { LearningRate = 3e-3f } });
        var target = Disks(2_000, seed: 2, bands: false);
        int positives = target.CountPerClass()[1];
        positives.Should().BeInRange(70, 130, "about 5 % of 2,000 Gaussian points fall in the disk");

        var advice = new TransferAdvisor().Advise(pretrained, target);

        advice.FeaturesHelp.Holds.Should().BeTrue(advice.ToString());
        advice.Gain!.IsClassification.Should().BeTrue("a 2-class target is probed by balanced accuracy");
        advice.FeaturesHelp.Reason.Code.Should().Be(DecisionReasonCode.FeaturesHelp);
        advice.Probes[0].Score.Should().BeLessThan(0.75, $"no linear function of x finds the disk: {advice}");
        advice.Gain!.Gain.Should().BeGreaterThan(2.0 * positives / target.Count, $"the gain is in the rare class's recall, which plain accuracy weighs at {positives / (double)target.Count:P1}");
    }

    [Fact]
    public void BalancedAccuracy_DividesByTheTrainingPriors_AndAveragesTheRecalls()
    {
        // Training part: 9 of class 0, 1 of class 1 (priors 0.9 and 0.1). Held out: one 0, two 1s.
        int[] labels = [0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 1, 1];
        int[] train = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
        int[] test = [10, 11, 12];
        float[] predictions =
        [
            0.90f, 0.05f, // 0.90 / 0.9 = 1.00 > 0.05 / 0.1 = 0.50: class 0, right
            0.80f, 0.20f, // 0.80 / 0.9 = 0.89 < 0.20 / 0.1 = 2.00: class 1, right (plain argmax says 0)
            0.95f, 0.05f, // class 0, wrong
        ];

        double score = ProbeExperiment.BalancedAccuracy(predictions, 2, 0, 2, train, test, labels);

        score.Should().BeApproximately((1.0 + 0.5) / 2, 1e-12, "class 0's recall is 1 of 1 and class 1's is 1 of 2");
    }

    [Fact]
    public void BalancedAccuracy_EqualClasses_IsPlainAccuracy()
    {
        var random = new MathNet.Numerics.Random.Xoshiro256StarStar(3);
        int[] labels = Enumerable.Range(0, 60).Select(i => i % 3).ToArray();
        int[] train = Enumerable.Range(0, 30).ToArray();
        int[] test = Enumerable.Range(30, 30).ToArray();
        var predictions = Enumerable.Range(0, 3 * 30).Select(_ => (float)random.NextDouble()).ToArray();
        int correct = test.Select((e, j) => Enumerable.Range(0, 3).MaxBy(c => predictions[(3 * j) + c]) == labels[e] ? 1 : 0).Sum();

        double score = ProbeExperiment.BalancedAccuracy(predictions, 3, 0, 3, train, test, labels);

        score.Should().BeApproximately(correct / 30.0, 1e-12);
    }

    [Fact]
    public void BalancedAccuracy_NeverPredictsAClassAbsentFromTraining()
    {
        int[] labels = [0, 0, 1, 1, 2];
        int[] train = [0, 1, 2, 3];
        int[] test = [4];
        float[] predictions = [0.1f, 0.2f, 5f]; // class 2 scores highest but was never seen in training

        ProbeExperiment.BalancedAccuracy(predictions, 3, 0, 3, train, test, labels).Should().Be(0, "class 2 cannot be predicted, so its one example is missed");
    }

    /// <summary>
    /// Gaussian points in 8 dimensions labelled by r² = x₀² + x₁²: with <paramref name="bands"/>, in 10 bands of
    /// equal probability (r² is χ² with 2 degrees of freedom: band edges −2·ln(1 − k/10)); otherwise 1 inside
    /// the disk r² &lt; 0.1 and 0 outside.
    /// </summary>
    private static Dataset Disks(int count, int seed, bool bands)
    {
        var random = new MathNet.Numerics.Random.Xoshiro256StarStar(seed);
        var x = MathNet.Numerics.LinearAlgebra.Matrix<float>.Build.Dense(8, count, (_, _) => (float)MathNet.Numerics.Distributions.Normal.Sample(random, 0, 1));
        var labels = new int[count];
        for (int j = 0; j < count; j++)
        {
            double r2 = (x[0, j] * x[0, j]) + (x[1, j] * x[1, j]);
            labels[j] = bands ? Math.Min(9, (int)(10 * (1 - Math.Exp(-r2 / 2)))) : r2 < 0.1 ? 1 : 0;
        }

        return Dataset.ForClassification(x, labels, bands ? 10 : 2);
    }
}
