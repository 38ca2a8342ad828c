using TransferLearning.Data;
using TransferLearning.Networks;
using TransferLearning.Tests.Support;
using TransferLearning.Training;

namespace TransferLearning.Tests.Training;

/// <summary>Frozen means frozen: bit-identical after training with every optimiser and decay, and no gradient.</summary>
public class FrozenLayerTests
{
    private static readonly Dataset Data = TestData.Blobs(perClass: 20, seed: 4);

    public static TheoryData<string, int> OptimizerCases()
    {
        var cases = new TheoryData<string, int>();
        foreach (var optimizer in new[] { "SgdMomentum", "SgdNesterov", "Adam", "SgdWeightDecay", "AdamWeightDecay", "GroupDecayAndAnchor" })
        {
            foreach (int frozenLayer in new[] { 0, 1 })
            {
                cases.Add(optimizer, frozenLayer);
            }
        }

        return cases;
    }

    [Theory]
    [MemberData(nameof(OptimizerCases))]
    public void Fit_FrozenLayer_IsBitIdenticalAndOthersTrain(string optimizer, int frozenLayer)
    {
        var network = MakeNetwork();
        network.DenseLayers[frozenLayer].Freeze();
        var frozenBefore = Weights.Of(network.DenseLayers[frozenLayer]);
        var trainableBefore = TrainableLayers(network, frozenLayer).Select(Weights.Of).ToArray();

        new Trainer(OptionsFor(optimizer)).Fit(network, Data);

        Weights.ShouldBeIdentical(Weights.Of(network.DenseLayers[frozenLayer]), frozenBefore, $"layer {frozenLayer} is frozen ({optimizer})");
        TrainableLayers(network, frozenLayer).Select(Weights.Of).Zip(trainableBefore)
            .Should().OnlyContain(pair => !Weights.AreIdentical(pair.First, pair.Second), "every other layer trains");
        network.DenseLayers[frozenLayer].Weight.Gradients.ToArray().Should().OnlyContain(g => g == 0f, "a frozen weight gets no gradient");
        network.DenseLayers[frozenLayer].Bias.Gradients.ToArray().Should().OnlyContain(g => g == 0f, "a frozen bias gets no gradient");
    }

    [Fact]
    public void Fit_OnlyBiasFrozen_BiasUnchangedWeightTrains()
    {
        var network = MakeNetwork();
        var bias = network.DenseLayers[1].Bias;
        bias.IsFrozen = true;
        var biasBefore = bias.Values.ToArray();
        var weightBefore = network.DenseLayers[1].Weight.Values.ToArray();

        new Trainer(OptionsFor("SgdMomentum")).Fit(network, Data);

        bias.Values.ToArray().Should().Equal(biasBefore);
        network.DenseLayers[1].Weight.Values.ToArray().Should().NotEqual(weightBefore);
        network.DenseLayers[1].ToString().Should().EndWith("partly frozen]");
    }

    [Fact]
    public void Gradients_LayerFrozenAfterTraining_AreAllZero()
    {
        // Pretrain everything (gradients fill), then freeze the body as transfer does: the doc promises
        // "all zero for a frozen parameter", not the stale gradient of the last backward pass.
        var network = MakeNetwork();
        new Trainer(OptionsFor("Adam")).Fit(network, Data);
        network.DenseLayers[0].Weight.Gradients.ToArray().Should().Contain(g => g != 0f, "the pretraining computed gradients");

        network.DenseLayers[0].Freeze();
        GradientChecker.ComputeGradients(network, Data, Loss.SoftmaxCrossEntropy);

        network.DenseLayers[0].Weight.Gradients.ToArray().Should().OnlyContain(g => g == 0f);
        network.DenseLayers[0].Bias.Gradients.ToArray().Should().OnlyContain(g => g == 0f);
        network.DenseLayers[1].Weight.Gradients.ToArray().Should().Contain(g => g != 0f);
    }

    [Fact]
    public void Fit_EveryParameterFrozen_ThrowsInvalidOperation()
    {
        var network = MakeNetwork();
        foreach (var layer in network.DenseLayers)
        {
            layer.Freeze();
        }

        var act = () => new Trainer().Fit(network, Data);

        act.Should().Throw<InvalidOperationException>().WithMessage("*frozen*nothing to train*");
    }

    [Fact]
    public void Fit_EveryParameterFrozenWithCustomGroups_ThrowsInvalidOperation()
    {
        var network = MakeNetwork();
        foreach (var layer in network.DenseLayers)
        {
            layer.Freeze();
        }

        var options = new TrainingOptions { ParameterGroups = n => [new ParameterGroup(n.Parameters)] };
        var act = () => new Trainer(options).Fit(network, Data);

        act.Should().ThrowExactly<InvalidOperationException>().WithMessage("*frozen*nothing to train*");
    }

    internal static Network MakeNetwork() =>
        Network.Create(2, seed: 3).Dense(8, Activation.ReLU).Dense(8, Activation.ReLU).Dense(3, Activation.Softmax);

    private static IEnumerable<DenseLayer> TrainableLayers(Network network, int frozenLayer) =>
        network.DenseLayers.Where((_, l) => l != frozenLayer);

    private static TrainingOptions OptionsFor(string optimizer) => new()
    {
        Epochs = 3,
        BatchSize = 10,
        Optimizer = optimizer switch
        {
            "SgdMomentum" => new SgdOptions { LearningRate = 0.05f, Momentum = 0.9f },
            "SgdNesterov" => new SgdOptions { LearningRate = 0.05f, Momentum = 0.9f, Nesterov = true },
            "Adam" => new AdamOptions { LearningRate = 0.01f },
            "SgdWeightDecay" => new SgdOptions { LearningRate = 0.05f, Momentum = 0.9f, WeightDecay = 0.1f },
            "AdamWeightDecay" => new AdamOptions { LearningRate = 0.01f, WeightDecay = 0.1f },
            "GroupDecayAndAnchor" => new SgdOptions { LearningRate = 0.05f, Momentum = 0.9f },
            _ => throw new ArgumentOutOfRangeException(nameof(optimizer)),
        },

        // L2-SP: every parameter, frozen ones included, in one group with decay towards zero and towards its start.
        ParameterGroups = optimizer == "GroupDecayAndAnchor"
            ? network => [new ParameterGroup(network.Parameters, learningRateScale: 0.5f, weightDecay: 0.05f, anchorDecay: 0.5f)]
            : null,
    };
}
