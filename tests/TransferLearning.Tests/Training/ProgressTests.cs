using TransferLearning.Networks;
using TransferLearning.Tests.Support;
using TransferLearning.Training;

namespace TransferLearning.Tests.Training;

public class ProgressTests
{
    private static Network Net() => Network.Create(2, seed: 1).Dense(8, Activation.ReLU).Dense(3, Activation.Softmax);

    [Fact]
    public void Fit_SynchronousProgress_DeliversEveryReportInOrderOnTheTrainingThreadBeforeReturning()
    {
        var train = TestData.Blobs(perClass: 10, seed: 2); // 30 examples, batch 8: 4 mini-batches per epoch
        var reports = new List<(TrainingProgress Report, int Thread)>();
        int thread = Environment.CurrentManagedThreadId;

        var history = new Trainer(new TrainingOptions { Epochs = 3, BatchSize = 8 })
            .Fit(Net(), train, TestData.Blobs(perClass: 5, seed: 3), new SynchronousProgress<TrainingProgress>(r => reports.Add((r, Environment.CurrentManagedThreadId))));

        reports.Should().HaveCount(3 * (4 + 1), "4 mini-batch reports and 1 epoch report per epoch, all in before Fit returned");
        reports.Select(r => r.Thread).Should().OnlyContain(t => t == thread);
        var expected = Enumerable.Range(1, 3).SelectMany(e => Enumerable.Range(1, 4).Select(b => (e, b, false)).Append((e, 4, true)));
        reports.Select(r => (r.Report.Epoch, r.Report.Batch, r.Report.CompletedEpoch is not null)).Should().Equal(expected);
        reports.Where(r => r.Report.CompletedEpoch is not null).Select(r => r.Report.CompletedEpoch).Should().Equal(history.Epochs);
    }

    [Fact]
    public void SynchronousProgress_NullHandler_Throws() =>
        Throws.Argument<ArgumentNullException>(() => _ = new SynchronousProgress<int>(null!), "handler");

    [Fact]
    public void Fit_ConsoleProgress_WritesOneLinePerEpoch()
    {
        using var writer = new StringWriter();

        var history = new Trainer(new TrainingOptions { Epochs = 3, BatchSize = 8 })
            .Fit(Net(), TestData.Blobs(perClass: 10, seed: 2), TestData.Blobs(perClass: 5, seed: 3), new ConsoleProgress(writer));

        var lines = writer.ToString().Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries);
        lines.Should().Equal(history.Epochs.Select(e => e.ToString()));
        lines[0].Should().StartWith("epoch   1: loss ").And.Contain(" | validation loss ").And.EndWith(" s");
    }

    [Fact]
    public void ConsoleProgress_WithoutWriter_WritesToTheConsole()
    {
        var saved = Console.Out;
        using var writer = new StringWriter();
        Console.SetOut(writer);
        try
        {
            var epoch = new EpochReport { Epoch = 2, TrainLoss = 0.5, LearningRate = 0.01f, Elapsed = TimeSpan.FromSeconds(1.5) };
            new ConsoleProgress().Report(new TrainingProgress { Epoch = 2, Batch = 1, BatchesPerEpoch = 3, BatchLoss = 0.7 });
            new ConsoleProgress().Report(new TrainingProgress { Epoch = 2, Batch = 3, BatchesPerEpoch = 3, BatchLoss = 0.4, CompletedEpoch = epoch });

            writer.ToString().Should().Be("epoch   2: loss 0.5000 | lr 0.01, 1.50 s" + Environment.NewLine, "mini-batch reports are not written");
        }
        finally
        {
            Console.SetOut(saved);
        }
    }
}
