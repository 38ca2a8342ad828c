using Microsoft.ML;
using TransferLearning.MLNet;
using TransferLearning.Tests.Support;
using TransferLearning.Training;
using TransferLearning.Transfer;

namespace TransferLearning.Tests.MLNet;

public sealed class DataViewDatasetsTests(SmallTransfer small) : IClassFixture<SmallTransfer>
{
    [Fact]
    public void ToDataset_KeyLabel_SameFeaturesLabelsAreKeysMinusOneNamedByKeyValues()
    {
        var context = new MLContext(seed: 1);
        var target = small.Tasks.Target;
        var view = DataViews.Keyed(context, target, DataViews.KeyOrder(context, target));

        var data = context.Data.ToDataset(view);

        data.FeatureValues.ToArray().Should().Equal(target.FeatureValues.ToArray());
        data.Labels.Should().Equal(target.Labels);
        data.ClassCount.Should().Be(target.ClassCount);
        data.ClassNames.Should().Equal(Enumerable.Range(0, target.ClassCount).Select(c => DataViews.Name(target, c)));
    }

    [Fact]
    public void ToDataset_FloatLabel_OneRegressionTarget()
    {
        var context = new MLContext(seed: 1);
        var target = small.Tasks.Target;

        var data = context.Data.ToDataset(DataViews.Regression(context, target));

        var rows = DataViews.Rows(target);
        data.IsClassification.Should().BeFalse();
        data.TargetCount.Should().Be(1);
        data.Targets!.Row(0).ToArray().Should().Equal(rows.Select(r => (2 * r[0]) + r[1]));
    }

    [Fact]
    public void ToDataset_ViewWithoutARowCount_CountsThenReads()
    {
        var context = new MLContext(seed: 1);
        var rows = DataViews.Rows(small.Tasks.Target);
        var kept = rows.Select(r => (2 * r[0]) + r[1]).Where(y => y >= 0).ToArray();
        var filtered = context.Data.FilterRowsByColumn(DataViews.Regression(context, small.Tasks.Target), "Label", lowerBound: 0);

        var data = context.Data.ToDataset(filtered);

        filtered.GetRowCount().Should().BeNull();
        kept.Length.Should().BeInRange(1, rows.Length - 1);
        data.Targets!.Row(0).ToArray().Should().Equal(kept);
    }

    [Fact]
    public void ToDataset_NotAKeyNorAFloatLabel_NamesTheColumn()
    {
        var context = new MLContext(seed: 1);

        Throws.Argument<ArgumentOutOfRangeException>(
            () => context.Data.ToDataset(DataViews.Classification(context, small.Tasks.Target)), "data", "'Label'", "String");
    }

    [Fact]
    public void ToDataset_LabelNotInTheKeys_NamesTheColumnAndTheRow()
    {
        var context = new MLContext(seed: 1);
        var target = small.Tasks.Target;
        var keysOfClassZero = DataViews.Classification(context, target.FilterClasses(0));
        var view = context.Transforms.Conversion.MapValueToKey("Label").Fit(keysOfClassZero).Transform(DataViews.Classification(context, target));
        int firstOther = target.Labels.ToList().FindIndex(l => l != 0);

        Throws.Argument<ArgumentException>(() => context.Data.ToDataset(view), "data", "'Label'", $"row {firstOther}", "missing key");
    }

    [Fact]
    public void ToDataset_NaNFeature_NamesTheColumnTheExampleAndTheFeature()
    {
        var context = new MLContext(seed: 1);
        var rows = DataViews.Rows(small.Tasks.Target);
        rows[4][7] = float.NaN;
        var definition = Microsoft.ML.Data.SchemaDefinition.Create(typeof(DataViews.FloatLabelRow));
        definition["Features"].ColumnType = new Microsoft.ML.Data.VectorDataViewType(Microsoft.ML.Data.NumberDataViewType.Single, 32);
        var view = context.Data.LoadFromEnumerable(rows.Select(r => new DataViews.FloatLabelRow { Features = r, Label = 1 }), definition);

        Throws.Argument<ArgumentException>(() => context.Data.ToDataset(view), "data", "'Features'", "example 4", "feature 7");
    }

    [Fact]
    public void Evaluate_MLNetsMetricsEqualTheLibrarysReportOfTheSameNetwork()
    {
        var context = new MLContext(seed: 1);
        var target = small.Tasks.Target;
        var keyOrder = DataViews.KeyOrder(context, target);
        var transformer = context.MulticlassClassification.Trainers.Transfer(small.Pretrained, new TransferTrainerOptions { Transfer = SmallTransfer.Options(TransferStrategy.FullFineTune) })
            .Fit(DataViews.Keyed(context, target, keyOrder));
        var test = DataViews.Keyed(context, small.Tasks.TargetTest, keyOrder);

        var metrics = context.MulticlassClassification.Evaluate(transformer.Transform(test));
        var report = transformer.Model.Network.Report(context.Data.ToDataset(test)).Classification!;

        metrics.MicroAccuracy.Should().BeApproximately(report.Accuracy, 1e-12);
        metrics.MacroAccuracy.Should().BeApproximately(report.BalancedAccuracy, 1e-12);
        metrics.LogLoss.Should().BeApproximately(report.LogLoss, 1e-6);
        metrics.ConfusionMatrix.Counts.Select(row => row.Select(c => (int)c)).Should().BeEquivalentTo(report.ConfusionMatrix, o => o.WithStrictOrdering());
        report.Accuracy.Should().BeInRange(0.3, 0.999, "a set where the two could disagree: neither chance nor perfect");
    }
}
