using MathNet.Numerics.LinearAlgebra;
using TransferLearning.Data;
using TransferLearning.Networks;
using TransferLearning.Tests.Support;
using TransferLearning.Transfer;

namespace TransferLearning.Tests.Transfer;

public class TransferAdvisorSizeTests
{
    [Fact]
    public void Advise_TargetsBeyondOneArray_ThrowsNamingTheFactors()
    {
        // 10 examples × 2 classes × (1 + 200,000,000) blocks = 4,000,000,020 floats: more than an int counts, so the
        // old unchecked product wrapped to a negative array size (OverflowException) instead of a clear error.
        var network = Network.Create(inputSize: 3, seed: 1).Dense(4, Activation.ReLU).Dense(2, Activation.Softmax);
        var target = Dataset.ForClassification(Matrix<float>.Build.Dense(3, 10, (i, j) => i + j), [0, 1, 0, 1, 0, 1, 0, 1, 0, 1]);
        var advisor = new TransferAdvisor(new AdvisorOptions { Permutations = 200_000_000, ProbeRepeats = 1 });

        Throws.Argument<ArgumentException>(
            () => advisor.Advise(new PretrainedNetwork { Network = network }, target),
            "target",
            "10 examples",
            "2 outputs",
            "200,000,001 target blocks",
            "4,000,000,020");
    }
}
