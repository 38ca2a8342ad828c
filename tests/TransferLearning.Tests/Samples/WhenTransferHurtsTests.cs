using TransferLearning.Samples;
using TransferLearning.Tests.Support;
using TransferLearning.Transfer;
using WhenTransferHurts;

namespace TransferLearning.Tests.Samples;

/// <summary>WhenTransferHurts' must-shows on the full Fashion-MNIST (fixed seeds), and a smoke run of its quick path.</summary>
[Trait("Category", "Slow")]
public class WhenTransferHurtsTests
{
    [SkippableFact]
    public void BothPairs_HundredSourceThousandTarget_PolicyAndAdvisorSayFromScratchAndNoStrategyGainsMoreThanOnePoint()
    {
        var images = FashionMnistImages.From(FashionMnistFixture.Require());
        var pairs = WhenTransferHurtsExperiment.Pairs(images);

        foreach (var (setup, perClass) in pairs)
        {
            // Every fixed strategy and the policy, 3 seeds; Auto is left to the sample (it costs 26 runs a seed).
            var options = WhenTransferHurtsExperiment.Options(perClass, quick: false) with
            {
                Arms = [.. ComparisonArm.All().Where(a => a.Name != "Auto")],
            };
            var verdict = WhenTransferHurtsExperiment.Verdict(StrategyComparison.Run(setup, options));

            verdict.PolicyChoices.Should().AllBe(TransferStrategy.FromScratch.ToString(), setup.Name);
            verdict.AdvisorSaysTransferMakesSense.Should().BeFalse(verdict.AdvisorReport);
            verdict.AdvisorReport.Should().Contain("100 source examples against 1,000 target examples");
            verdict.BestTransferGainPoints.Should().BeLessThanOrEqualTo(1.0, $"{setup.Name}: {verdict.BestTransfer} must not gain more than 1 point over FromScratch ({verdict.FromScratchAccuracy:F3})");
        }
    }

    [SkippableFact]
    public void Run_Quick_PrintsBothPairsTheVerdictsAndWritesThePlotAndTheNumbers()
    {
        FashionMnistFixture.Require();

        using var run = new SampleRun(WhenTransferHurts.Program.Run, "--quick");

        run.ExitCode.Should().Be(0, run.Output);
        run.Output.Should().Contain("Data: Fashion-MNIST, 60,000 training and 10,000 test images")
            .And.Contain("Does transfer help with 100 source and 1,000 target examples?")
            .And.Contain("Policy chose FromScratch");
        run.PlotIsPng().Should().BeTrue();
        using var json = run.Json();
        json.RootElement.GetProperty("verdicts").EnumerateArray().Select(v => v.GetProperty("setup").GetString()).Should().Equal("related", "unrelated");
    }
}
