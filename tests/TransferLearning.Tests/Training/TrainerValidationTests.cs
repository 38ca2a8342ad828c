using MathNet.Numerics.LinearAlgebra;
using TransferLearning.Data;
using TransferLearning.Networks;
using TransferLearning.Tests.Support;
using TransferLearning.Training;

namespace TransferLearning.Tests.Training;

/// <summary>Data that does not fit the network or the loss, and nonsense optimiser set-ups, fail before any step.</summary>
public class TrainerValidationTests
{
    private static readonly Dataset TwoClasses = TestData.Blobs(perClass: 4, classes: 2);
    private static readonly Dataset ThreeClasses = TestData.Blobs(perClass: 4, classes: 3);

    private static TrainingHistory Fit(Network network, Dataset train, Dataset? validation = null, TrainingOptions? options = null) =>
        new Trainer(options ?? new TrainingOptions { Epochs = 1 }).Fit(network, train, validation);

    private static Network Softmax(int outputs = 2, int inputs = 2) => Network.Create(inputs, seed: 1).Dense(4, Activation.ReLU).Dense(outputs, Activation.Softmax);

    private static Network Sigmoid() => Network.Create(2, seed: 1).Dense(4, Activation.ReLU).Dense(1, Activation.Sigmoid);

    [Fact]
    public void Fit_TrainingRowsDifferFromInputSize_ThrowsNamingTrain()
    {
        var network = Softmax(inputs: 3);
        var before = Weights.Of(network);

        Throws.Argument<ArgumentException>(() => Fit(network, TwoClasses), "train", "3 feature rows", "got 2");
        Weights.ShouldBeIdentical(Weights.Of(network), before, "nothing trains when the input is rejected");
    }

    [Fact]
    public void Fit_ValidationRowsDifferFromInputSize_ThrowsNamingValidation() =>
        Throws.Argument<ArgumentException>(
            () => Fit(Softmax(), TwoClasses, Dataset.ForClassification(Matrix<float>.Build.Dense(3, 2), [0, 1])), "validation", "2 feature rows", "got 3");

    [Fact]
    public void Fit_SoftmaxCrossEntropyOnSigmoidOutput_ThrowsNamingTrain() =>
        Throws.Argument<ArgumentException>(
            () => Fit(Sigmoid(), TwoClasses, options: new TrainingOptions { Loss = Loss.SoftmaxCrossEntropy }), "train", "Softmax output", "Sigmoid");

    [Fact]
    public void Fit_BinaryCrossEntropyOnSoftmaxOutput_ThrowsNamingTrain() =>
        Throws.Argument<ArgumentException>(
            () => Fit(Softmax(), TwoClasses, options: new TrainingOptions { Loss = Loss.BinaryCrossEntropy }), "train", "Sigmoid output", "Softmax");

    [Fact]
    public void Fit_SoftmaxCrossEntropyOnRegressionTargets_ThrowsNamingTrain() =>
        Throws.Argument<ArgumentException>(
            () => Fit(Softmax(outputs: 2), TestData.Linear(8)), "train", "class labels", "regression targets");

    [Fact]
    public void Fit_MoreClassesThanSoftmaxUnits_ThrowsNamingTrain() =>
        Throws.Argument<ArgumentException>(() => Fit(Softmax(outputs: 2), ThreeClasses), "train", "at most 2 classes", "has 3");

    [Fact]
    public void Fit_MoreClassesThanSoftmaxUnitsInValidation_ThrowsNamingValidation() =>
        Throws.Argument<ArgumentException>(() => Fit(Softmax(outputs: 2), TwoClasses, ThreeClasses), "validation", "at most 2 classes", "has 3");

    [Fact]
    public void Fit_ThreeClassesOnOneSigmoidUnit_ThrowsNamingTrain() =>
        Throws.Argument<ArgumentException>(() => Fit(Sigmoid(), ThreeClasses), "train", "1 output unit", "3 classes");

    [Fact]
    public void Fit_MeanSquaredErrorWithMoreClassesThanUnits_ThrowsNamingTrain()
    {
        var network = Network.Create(2, seed: 1).Dense(2, Activation.Identity);

        Throws.Argument<ArgumentException>(() => Fit(network, ThreeClasses), "train", "2 target rows", "has 3 classes");
    }

    [Fact]
    public void Fit_RegressionTargetRowsDifferFromOutputs_ThrowsNamingTrain()
    {
        var network = Network.Create(2, seed: 1).Dense(3, Activation.Identity);

        Throws.Argument<ArgumentException>(() => Fit(network, TestData.Linear(8)), "train", "3 target rows", "has 1");
    }

    [Fact]
    public void Fit_NetworkWithoutLayers_ThrowsInvalidOperation() =>
        Throws.InvalidOperation(() => Fit(Network.Create(2), TwoClasses), "no layers");

    [Fact]
    public void Fit_NullArguments_ThrowArgumentNull()
    {
        Throws.Argument<ArgumentNullException>(() => new Trainer().Fit(null!, TwoClasses), "network");
        Throws.Argument<ArgumentNullException>(() => new Trainer().Fit(Softmax(), null!), "train");
    }

    [Fact]
    public void Fit_NesterovWithoutMomentum_ThrowsNamingNesterov()
    {
        var options = new TrainingOptions { Epochs = 1, Optimizer = new SgdOptions { LearningRate = 0.1f, Nesterov = true } };

        Throws.Argument<ArgumentException>(() => Fit(Softmax(), TwoClasses, options: options), "Nesterov", "Momentum > 0", "Momentum is 0");
    }

    [Fact]
    public void Fit_ParameterInTwoGroups_ThrowsNamingGroups()
    {
        var options = new TrainingOptions
        {
            Epochs = 1,
            ParameterGroups = network => [new ParameterGroup(network.Parameters), new ParameterGroup([network.DenseLayers[1].Weight])],
        };

        Throws.Argument<ArgumentException>(() => Fit(Softmax(), TwoClasses, options: options), "groups", "layers.1.weight", "more than one group");
    }

    [Fact]
    public void Create_NoGroups_ThrowsNamingGroups() =>
        Throws.Argument<ArgumentException>(() => new AdamOptions { LearningRate = 1e-3f }.Create([]), "groups", "at least one", "none");

    [Fact]
    public void ParameterGroup_NoParameters_ThrowsNamingParameters() =>
        Throws.Argument<ArgumentException>(() => _ = new ParameterGroup([]), "parameters", "at least one parameter", "none");

    [Theory]
    [InlineData(0f, "learningRateScale")]
    [InlineData(float.NaN, "learningRateScale")]
    public void ParameterGroup_LearningRateScaleNotPositive_ThrowsNamingIt(float scale, string name) =>
        Throws.Argument<ArgumentOutOfRangeException>(() => _ = new ParameterGroup(Softmax().Parameters, learningRateScale: scale), name, "greater than 0");

    [Fact]
    public void ParameterGroup_NegativeDecays_ThrowNamingThem()
    {
        Throws.Argument<ArgumentOutOfRangeException>(() => _ = new ParameterGroup(Softmax().Parameters, weightDecay: -1f), "weightDecay", "at least 0", "-1");
        Throws.Argument<ArgumentOutOfRangeException>(() => _ = new ParameterGroup(Softmax().Parameters, anchorDecay: -0.5f), "anchorDecay", "at least 0", "-0.5");
    }
}
