using MathNet.Numerics.LinearAlgebra;
using TransferLearning.Data;
using TransferLearning.Networks;
using TransferLearning.Tests.Support;
using TransferLearning.Tests.Training;
using TransferLearning.Training;

namespace TransferLearning.Tests.Networks;

/// <summary>Feature extraction from a source: the body's predictions, block by block, written to .npy files and reopened as a source.</summary>
public sealed class NetworkFeaturesTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void ExtractFeaturesFromSource_GivesTheBodysPredictionsBitForBit_AndTheLabels()
    {
        // 5,000 examples: a full block of 4,096 and a partial one.
        var (pixels, labels, data) = SourceTrainingTests.Bytes(5000);
        string x = _folder.File("x.npy");
        string y = _folder.File("y.npy");
        NpyFormat.Save<byte>(x, pixels, 5000, 12);
        NpyFormat.Save<byte>(y, labels, 5000);
        var network = SourceTrainingTests.Mlp();
        new Trainer(new TrainingOptions { Epochs = 1, BatchSize = 50 }).Fit(network, data);

        using var file = NpySource.Open(x, y, scale: 1f / 255, classNames: ["a", "b", "c"]);
        using var features = network.ExtractFeaturesFromSource(file, 1, _folder.File("f.npy"), _folder.File("l.npy"));
        var expected = network.Clone().RemoveTopLayers(1).Predict(data.Features);

        (features.Count, features.FeatureCount, features.ClassCount).Should().Be((5000, 16, 3));
        features.ClassNames.Should().Equal("a", "b", "c");
        var extracted = features.ToDataset();
        extracted.FeatureValues.ToArray().Should().Equal(expected.AsColumnMajorArray());
        extracted.Labels.Should().Equal(data.Labels);
    }

    [Fact]
    public void ExtractFeaturesFromSource_RegressionTargets_AreCarriedOver()
    {
        var x = Matrix<float>.Build.Dense(3, 10, (i, j) => (i + j) / 10f);
        var y = Matrix<float>.Build.Dense(2, 10, (i, j) => i - j);
        var network = Network.Create(3, seed: 2).Dense(4, Activation.Tanh).Dense(2, Activation.Identity);

        using var features = network.ExtractFeaturesFromSource(DataSource.FromDataset(Dataset.ForRegression(x, y)), 1, _folder.File("f.npy"), _folder.File("t.npy"));

        (features.IsClassification, features.TargetCount, features.FeatureCount).Should().Be((false, 2, 4));
        features.ToDataset().TargetArray.Should().Equal(y.AsColumnMajorArray());
    }

    [Fact]
    public void ExtractFeaturesFromSource_LayersOutOfRange_NamesLayers()
    {
        var (_, _, data) = SourceTrainingTests.Bytes(10);

        var e = Assert.Throws<ArgumentOutOfRangeException>(() => SourceTrainingTests.Mlp().ExtractFeaturesFromSource(DataSource.FromDataset(data), 3, _folder.File("f.npy"), _folder.File("l.npy")));

        (e.ParamName, e.ActualValue).Should().Be(("layers", 3));
    }

    [Fact]
    public void ExtractFeaturesFromSource_WrongFeatureCount_NamesData()
    {
        var (_, _, data) = SourceTrainingTests.Bytes(10);

        var e = Assert.Throws<ArgumentException>(() => SourceTrainingTests.Mlp(inputs: 13).ExtractFeaturesFromSource(DataSource.FromDataset(data), 1, _folder.File("f.npy"), _folder.File("l.npy")));

        e.ParamName.Should().Be("data");
        e.Message.Should().Contain("13").And.Contain("12");
    }

    [Fact]
    public void ExtractFeaturesFromSource_SamePathTwice_NamesLabelsPath()
    {
        var (_, _, data) = SourceTrainingTests.Bytes(10);
        string path = _folder.File("f.npy");

        var e = Assert.Throws<ArgumentException>(() => SourceTrainingTests.Mlp().ExtractFeaturesFromSource(DataSource.FromDataset(data), 1, path, path));

        e.ParamName.Should().Be("labelsPath");
    }
}
