using TransferLearning.Networks;
using TransferLearning.Tests.Support;
using TransferLearning.Transfer;
using TransferLearning.Training;

namespace TransferLearning.Tests.Transfer;

public class TransferPipelineTests(SmallTransfer fixture) : IClassFixture<SmallTransfer>
{
    private readonly TransferPipeline _pipeline = new();

    private Network Pretrained => fixture.Pretrained.Network;

    [Fact]
    public void Transfer_HeadOnly_KeepsPretrainedLayersBitIdenticalAndReplacesTheHead()
    {
        var before = Weights.Of(Pretrained);

        var result = _pipeline.Transfer(fixture.Pretrained, fixture.Tasks.Target, SmallTransfer.Options(TransferStrategy.HeadOnly));

        var net = result.Network;
        net.DenseLayers.Should().HaveCount(3);
        for (int l = 0; l < 2; l++)
        {
            net.DenseLayers[l].Weight.Values.ToArray().Should().Equal(Pretrained.DenseLayers[l].Weight.Values.ToArray());
            net.DenseLayers[l].Bias.Values.ToArray().Should().Equal(Pretrained.DenseLayers[l].Bias.Values.ToArray());
        }

        var head = net.DenseLayers[2];
        head.Weight.Rows.Should().Be(5, "the new head is sized to the target's 5 classes");
        head.Weight.Columns.Should().Be(16);
        head.Activation.Should().Be(Activation.Softmax);
        Pretrained.DenseLayers[2].Weight.Rows.Should().Be(64, "the old head had the source's 64 classes");
        head.Weight.Values.ToArray().Should().NotEqual(Pretrained.DenseLayers[2].Weight.Values[..head.Weight.Length].ToArray());
        Weights.Same(before, Pretrained).Should().BeTrue("the network passed in is never modified");
    }

    [Fact]
    public void Build_SameSeed_SameNewHead_OtherSeed_OtherHead()
    {
        var a = _pipeline.Build(fixture.Pretrained, fixture.Tasks.Target, TransferStrategy.HeadOnly, SmallTransfer.Options(TransferStrategy.HeadOnly, seed: 3));
        var b = _pipeline.Build(fixture.Pretrained, fixture.Tasks.Target, TransferStrategy.HeadOnly, SmallTransfer.Options(TransferStrategy.HeadOnly, seed: 3));
        var c = _pipeline.Build(fixture.Pretrained, fixture.Tasks.Target, TransferStrategy.HeadOnly, SmallTransfer.Options(TransferStrategy.HeadOnly, seed: 4));

        a.DenseLayers[2].Weight.Values.ToArray().Should().Equal(b.DenseLayers[2].Weight.Values.ToArray());
        a.DenseLayers[2].Weight.Values.ToArray().Should().NotEqual(c.DenseLayers[2].Weight.Values.ToArray());
        a.DenseLayers[2].Bias.Values.ToArray().Should().OnlyContain(v => v == 0f, "new biases start at zero");
        a.DenseLayers.Take(2).Should().OnlyContain(l => l.IsFrozen);
        a.DenseLayers[2].IsFrozen.Should().BeFalse();
    }

    [Fact]
    public void Transfer_SameSeed_GivesBitIdenticalNetworks()
    {
        var options = SmallTransfer.Options(TransferStrategy.FullFineTune, seed: 9);
        var a = _pipeline.Transfer(fixture.Pretrained, fixture.Tasks.Target, options).Network;
        var b = _pipeline.Transfer(fixture.Pretrained, fixture.Tasks.Target, options).Network;

        Weights.Same(Weights.Of(a), b).Should().BeTrue();
    }

    [Fact]
    public void Transfer_FullFineTune_ChangesEveryLayer_AndNotTheInput()
    {
        var before = Weights.Of(Pretrained);

        var net = _pipeline.Transfer(fixture.Pretrained, fixture.Tasks.Target, SmallTransfer.Options(TransferStrategy.FullFineTune)).Network;

        for (int l = 0; l < 2; l++)
        {
            Weights.Same(Weights.Of(Pretrained.DenseLayers[l]), net.DenseLayers[l]).Should().BeFalse($"layer {l} trains under FullFineTune");
        }

        Weights.Same(before, Pretrained).Should().BeTrue();
    }

    [Fact]
    public void Transfer_LastLayers1_ChangesOnlyTheTopPretrainedLayerAndTheHead()
    {
        var before = Weights.Of(Pretrained);
        var built = _pipeline.Build(fixture.Pretrained, fixture.Tasks.Target, TransferStrategy.LastLayers(1), SmallTransfer.Options(TransferStrategy.LastLayers(1)));
        var initialHead = Weights.Of(built.DenseLayers[2]);

        var net = _pipeline.Transfer(fixture.Pretrained, fixture.Tasks.Target, SmallTransfer.Options(TransferStrategy.LastLayers(1))).Network;

        Weights.Same(Weights.Of(Pretrained.DenseLayers[0]), net.DenseLayers[0]).Should().BeTrue("layer 0 stays frozen");
        Weights.Same(Weights.Of(Pretrained.DenseLayers[1]), net.DenseLayers[1]).Should().BeFalse("the top pretrained layer trains");
        Weights.Same(initialHead, net.DenseLayers[2]).Should().BeFalse("the new head trains");
        Weights.Same(before, Pretrained).Should().BeTrue();
    }

    [Fact]
    public void Transfer_FromScratch_HasTheSameArchitectureWithRandomWeights()
    {
        var before = Weights.Of(Pretrained);

        var net = _pipeline.Transfer(fixture.Pretrained, fixture.Tasks.Target, SmallTransfer.Options(TransferStrategy.FromScratch)).Network;

        Weights.Same(before, Pretrained).Should().BeTrue();
        net.DenseLayers.Select(l => (l.InputSize, l.OutputSize)).Should().Equal((32, 24), (24, 16), (16, 5));
        net.DenseLayers[0].Weight.Values.ToArray().Should().NotEqual(Pretrained.DenseLayers[0].Weight.Values.ToArray());
    }

    [Fact]
    public void Transfer_TwoPhase_TrainsTheHeadThenEverything()
    {
        var options = SmallTransfer.Options(TransferStrategy.TwoPhase);
        var before = Weights.Of(Pretrained);

        var result = _pipeline.Transfer(fixture.Pretrained, fixture.Tasks.Target, options);

        Weights.Same(before, Pretrained).Should().BeTrue();
        result.History.Epochs.Should().HaveCount(2 * options.Training.Epochs);
        result.History.Epochs.Select(e => e.Epoch).Should().BeInAscendingOrder().And.OnlyHaveUniqueItems();
        result.History.Epochs[^1].LearningRate.Should().BeApproximately(options.Training.Optimizer.LearningRate, 1e-9f,
            "the reported rate is the base rate; the 0.1 scale lives in the parameter groups");
        Weights.Same(Weights.Of(Pretrained.DenseLayers[0]), result.Network.DenseLayers[0]).Should().BeFalse("phase two fine-tunes the body");
        result.Network.DenseLayers.Should().OnlyContain(l => !l.IsFrozen);
    }

    [Fact]
    public void Transfer_SeveralNewLayers_AreAllAddedAndTrained()
    {
        var options = SmallTransfer.Options(TransferStrategy.HeadOnly) with
        {
            NewLayers = [LayerSpec.Dense(12, Activation.ReLU), LayerSpec.Dense(5, Activation.Softmax)],
        };

        var net = _pipeline.Transfer(fixture.Pretrained, fixture.Tasks.Target, options).Network;

        net.DenseLayers.Select(l => (l.InputSize, l.OutputSize)).Should().Equal((32, 24), (24, 16), (16, 12), (12, 5));
        net.TrainableParameterCount.Should().Be((16 * 12) + 12 + (12 * 5) + 5);
    }

    [Fact]
    public void Transfer_RemovedLayers2_StripsTheTopTwoLayers()
    {
        var options = SmallTransfer.Options(TransferStrategy.HeadOnly) with { RemovedLayers = 2 };

        var net = _pipeline.Transfer(fixture.Pretrained, fixture.Tasks.Target, options).Network;

        net.DenseLayers.Select(l => (l.InputSize, l.OutputSize)).Should().Equal((32, 24), (24, 5));
    }

    [Fact]
    public void Transfer_L2SP_KeepsFineTunedWeightsNearerThePretrainedOnes()
    {
        var plain = SmallTransfer.Options(TransferStrategy.FullFineTune);
        var anchored = plain with { AnchorDecay = 5f };

        double Drift(Network net) => Enumerable.Range(0, 2).Sum(l =>
            net.DenseLayers[l].Weight.Values.ToArray().Zip(Pretrained.DenseLayers[l].Weight.Values.ToArray(), (a, b) => (double)(a - b) * (a - b)).Sum());

        double free = Drift(_pipeline.Transfer(fixture.Pretrained, fixture.Tasks.Target, plain).Network);
        double held = Drift(_pipeline.Transfer(fixture.Pretrained, fixture.Tasks.Target, anchored).Network);

        free.Should().BeGreaterThan(0);
        held.Should().BeLessThan(free * 0.5, "L2-SP pulls the fine-tuned body towards its pretrained values");
    }

    [Fact]
    public void Transfer_HeadOnly_ComputesTheFrozenBodyOncePerDataSet_AndMatchesTheUncachedHead()
    {
        var options = SmallTransfer.Options(TransferStrategy.HeadOnly) with
        {
            Training = SmallTransfer.Options(TransferStrategy.HeadOnly).Training with { Epochs = 6 },
        };
        var cached = _pipeline.Build(fixture.Pretrained, fixture.Tasks.Target, TransferStrategy.HeadOnly, options);
        var uncached = _pipeline.Build(fixture.Pretrained, fixture.Tasks.Target, TransferStrategy.HeadOnly, options);
        int before = TestHooks.PassesOf(cached.DenseLayers[1]);

        new TransferLearning.Training.Trainer(options.Training).Fit(cached, fixture.Tasks.Target, fixture.Tasks.TargetTest);
        new TransferLearning.Training.Trainer(options.Training with { CacheFrozenFeatures = false }).Fit(uncached, fixture.Tasks.Target, fixture.Tasks.TargetTest);

        (TestHooks.PassesOf(cached.DenseLayers[1]) - before).Should().Be(2, "once for the training set and once for the validation set, not once per epoch");
        TestHooks.PassesOf(uncached.DenseLayers[1]).Should().BeGreaterThan(6);
        cached.DenseLayers[2].Weight.Values.ToArray().Should().Equal(uncached.DenseLayers[2].Weight.Values.ToArray());
        cached.DenseLayers[2].Bias.Values.ToArray().Should().Equal(uncached.DenseLayers[2].Bias.Values.ToArray());
    }

    [Fact]
    public void Transfer_Result_ExplainsTheDecisionWithTheNumbers()
    {
        var result = _pipeline.Transfer(fixture.Pretrained, fixture.Tasks.Target, SmallTransfer.Options(TransferStrategy.HeadOnly) with { Policy = DataSizePolicy.RuleOfThumb });

        result.Strategy.Should().Be(TransferStrategy.HeadOnly, "100 target examples (20 per class) is little data");
        var reasons = result.Decision.Reasons;   // reasons[0] is TopLayersRemoved
        reasons[2].Should().BeEquivalentTo(new { Code = DecisionReasonCode.EnoughSourceData, Value = 20.0, Threshold = 10.0 }, "2,000 source examples against 100 target examples");
        reasons[^1].Should().BeEquivalentTo(new { Code = DecisionReasonCode.LittleTargetData, Strategy = TransferStrategy.HeadOnly, Value = 20.0, Threshold = 100.0 });
    }

    [Fact]
    public void Transfer_AutoWithOneCandidateBesidesDefaultsOwn_ProgressEndsAtItsTotal()
    {
        var reports = new List<AutoSelectionProgress>();
        var auto = new AutoSelectionOptions { Folds = 3, Candidates = [TransferStrategy.FromScratch, TransferStrategy.FullFineTune], Progress = new SynchronousProgress<AutoSelectionProgress>(reports.Add) };
        var options = SmallTransfer.Options(TransferStrategy.HeadOnly) with { Policy = TransferPolicy.Auto(auto) };

        _pipeline.Transfer(fixture.Pretrained, fixture.Tasks.Target, options);

        reports.Select(r => r.Completed).Should().Equal(1, 2);
        reports.Should().OnlyContain(r => r.Total == 2 && r.Strategy == TransferStrategy.FullFineTune, "Default measured FromScratch against its rule's HeadOnly on the same parts; FullFineTune's rung 0 and rung 1 are left");
    }

    [Fact]
    public void Transfer_Auto_ListsEveryCandidateWithItsScoreAndTime_AndLeavesThePretrainedNetworkAlone()
    {
        var before = Weights.Of(Pretrained);
        var reports = new List<AutoSelectionProgress>();
        var auto = new AutoSelectionOptions { Folds = 3, Progress = new SynchronousProgress<AutoSelectionProgress>(reports.Add) };
        var options = SmallTransfer.Options(TransferStrategy.HeadOnly) with { Policy = TransferPolicy.Auto(auto) };

        var clock = System.Diagnostics.Stopwatch.StartNew();
        var result = _pipeline.Transfer(fixture.Pretrained, fixture.Tasks.Target, options);
        var wall = clock.Elapsed;

        var candidates = result.Decision.Candidates;
        candidates.Select(c => c.Strategy.ToString()).Should().Equal("FromScratch", "HeadOnly", "LastLayers(1)", "FullFineTune", "TwoPhase");
        candidates.Should().OnlyContain(c => c.Metric == "Accuracy" && c.Score >= 0 && c.Score <= 1 && c.BalancedAccuracy >= 0 && c.BalancedAccuracy <= 1 && c.SquaredError == null && c.Elapsed > TimeSpan.Zero);
        TimeSpan.FromTicks(candidates.Sum(c => c.Elapsed.Ticks)).Should().BeLessThan(wall, "each candidate's time is its own, counted once, within the call");
        candidates.Where(c => c.Epochs == 3).Select(c => c.Strategy).Should().Contain([TransferStrategy.FromScratch, TransferStrategy.HeadOnly, TransferStrategy.LastLayers(1)], "FromScratch (in Default's cross-validation) and the frozen candidates (on cached features) train the full 3 epochs");
        candidates.Count(c => c.Epochs == 3).Should().Be(4, "so does one survivor of FullFineTune and TwoPhase; the other stops after the first rung");
        candidates.Select(c => c.Strategy).Should().Contain(result.Strategy);
        var reasons = result.Decision.Reasons;
        // Default on Auto's 3 parts (its own cross-validation has 5).
        var byDefault = _pipeline.Decide(fixture.Pretrained, fixture.Tasks.Target, options with { Policy = new DataSizePolicy { EvidenceFolds = 3 } });
        reasons.First(r => r.Code == DecisionReasonCode.CandidatesMeasured).Should().BeEquivalentTo(new { byDefault.Strategy }, "Default decides first, and its choice is the baseline");
        reasons.Should().ContainInOrder(byDefault.Reasons, "its reasons come with it");
        int scored = reasons.ToList().FindIndex(r => r.Code == DecisionReasonCode.CandidateScored);
        reasons[scored - 1].Should().BeEquivalentTo(new { Code = DecisionReasonCode.CandidatesMeasured, Value = 100.0 }, "each of the 3 parts holds out about 34 of the 100 examples, fewer than the 100 asked for, so the frozen candidates are scored on all 3");
        reasons.Skip(scored).Take(5).Should().BeEquivalentTo(
            candidates.Select(c => new { Code = DecisionReasonCode.CandidateScored, c.Strategy, Value = (double?)c.Score }), o => o.WithStrictOrdering());
        reasons.Single(r => r.Code == DecisionReasonCode.Chosen).Should().BeEquivalentTo(new { result.Strategy, Value = 100.0 });
        Weights.Same(before, Pretrained).Should().BeTrue();
        byDefault.Reasons.Should().Contain(r => r.Code == DecisionReasonCode.LittleTargetData && r.Strategy == TransferStrategy.HeadOnly, "the rule says HeadOnly at 20 per class, so Default measured it against FromScratch");
        reports.Select(r => r.Completed).Should().Equal(1, 2, 3, 4);
        reports.Should().OnlyContain(r => r.Total == 4, "LastLayers(1), the frozen candidate Default did not measure, FullFineTune's and TwoPhase's rung 0, and one survivor's rung 1");
        reports[0].Strategy.Should().Be(TransferStrategy.LastLayers(1));
        reports[1].Stage.Should().StartWith("rung 0");
        reports[^1].Stage.Should().StartWith("rung 1");
    }

    [Fact]
    public void Transfer_Auto_HonoursCancellation_BetweenCandidates()
    {
        using var cancel = new CancellationTokenSource();
        var auto = new AutoSelectionOptions { Progress = new SynchronousProgress<AutoSelectionProgress>(r => { if (r.Completed == 2) { cancel.Cancel(); } }) };
        var options = SmallTransfer.Options(TransferStrategy.HeadOnly) with { Policy = TransferPolicy.Auto(auto) };

        var act = () => _pipeline.Transfer(fixture.Pretrained, fixture.Tasks.Target, options, cancellationToken: cancel.Token);

        act.Should().Throw<OperationCanceledException>();
    }

    [Fact]
    public void Decide_TellsTheStrategyAndReasons_WithoutTraining()
    {
        var before = Weights.Of(Pretrained);
        var options = SmallTransfer.Options(TransferStrategy.HeadOnly) with { Policy = DataSizePolicy.RuleOfThumb };

        var decision = _pipeline.Decide(fixture.Pretrained, fixture.Tasks.Target, options);
        var result = _pipeline.Transfer(fixture.Pretrained, fixture.Tasks.Target, options);

        decision.Should().BeEquivalentTo(result.Decision);
        decision.Reasons[2].Should().BeEquivalentTo(new { Code = DecisionReasonCode.EnoughSourceData, Value = 20.0, Threshold = 10.0 });
        Weights.Same(before, Pretrained).Should().BeTrue();
    }

    [Fact]
    public void Add_LayerOfAnotherNetwork_IsRefused_ButItsCloneIsWelcome()
    {
        var other = Network.Create(16, seed: 2);
        var layer = Pretrained.DenseLayers[2];

        var act = () => other.Add(layer);

        act.Should().Throw<ArgumentException>().WithParameterName("layer").WithMessage("*belongs to another network*Clone*");
        layer.Weight.Name.Should().Be("layers.2.weight", "the refused layer keeps its name");
        other.Add(layer.Clone()).DenseLayers[0].Weight.Name.Should().Be("layers.0.weight");
        other.DenseLayers[0].Weight.Values.ToArray().Should().Equal(layer.Weight.Values.ToArray());
    }
}
