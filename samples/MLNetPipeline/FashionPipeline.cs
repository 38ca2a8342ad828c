using System.Diagnostics;
using Microsoft.ML;
using Microsoft.ML.Data;
using TransferLearning.Data;
using TransferLearning.MLNet;
using TransferLearning.Networks;
using TransferLearning.Samples;
using TransferLearning.Training;
using TransferLearning.Transfer;

namespace MLNetPipeline;

/// <summary>The ML.NET side of the sample: reading the CSV rows, the featurizer, and the three trainers' pipelines.</summary>
public static class FashionPipeline
{
    /// <summary>Reads a CSV file of <see cref="CsvRows"/> (784 pixel values 0–255, then the class name) with ML.NET's text loader.</summary>
    public static IDataView Load(MLContext context, string csv) =>
        context.Data.LoadFromTextFile(
            csv,
            [new TextLoader.Column("Pixels", DataKind.Single, 0, 783), new TextLoader.Column("Label", DataKind.String, 784)],
            separatorChar: ',',
            hasHeader: true);

    /// <summary>Pixels → Features in [0, 1]: what each network and SDCA read.</summary>
    public static IEstimator<ITransformer> Featurizer(MLContext context) =>
        context.Transforms.Concatenate("Features", "Pixels").Append(context.Transforms.NormalizeMinMax("Features"));

    /// <summary>The network of every arm: 784 → 256 → 128 → classes.</summary>
    public static Network Architecture(int classes, int seed) =>
        Network.Create(784, seed).Dense(256, Activation.ReLU).Dense(128, Activation.ReLU).Dense(classes, Activation.Softmax);

    /// <summary>Pretrains the architecture on <paramref name="source"/> inside ML.NET (the NeuralNetwork trainer); returns the featurizer fitted on the source (the input transform the network learned behind) and the network.</summary>
    public static (ITransformer Featurizer, PretrainedNetwork Pretrained, TimeSpan Elapsed) Pretrain(MLContext context, IDataView source, int classes, int epochs, int seed)
    {
        var watch = Stopwatch.StartNew();
        var featurizer = Featurizer(context).Fit(source);
        var trainer = context.Transforms.Conversion.MapValueToKey("Label").Append(context.MulticlassClassification.Trainers.NeuralNetwork(new NetworkTrainerOptions
        {
            Architecture = Architecture(classes, seed),
            Training = new TrainingOptions { Epochs = epochs, BatchSize = 128, Optimizer = new AdamOptions { LearningRate = 1e-3f }, Seed = seed },
        }));
        var network = trainer.Fit(featurizer.Transform(source)).LastTransformer;
        return (featurizer, network.Pretrained!, watch.Elapsed);
    }

    /// <summary>The transfer's pipeline, fitted on <paramref name="target"/>: the source's featurizer (already fitted), the label's keys, and the transfer.</summary>
    public static TransformerChain<ITransformer> Transfer(MLContext context, ITransformer featurizer, PretrainedNetwork pretrained, IDataView target, int seed)
    {
        var fitted = context.Transforms.Conversion.MapValueToKey("Label")
            .Append(context.MulticlassClassification.Trainers.Transfer(pretrained, new TransferTrainerOptions { Transfer = new TransferOptions { Seed = seed } }))
            .Fit(featurizer.Transform(target));
        return new TransformerChain<ITransformer>([featurizer, .. fitted]);
    }

    /// <summary>The same network trained from scratch on the target, as an ML.NET pipeline.</summary>
    public static ITransformer Scratch(MLContext context, IDataView target, int classes, int epochs, int seed) =>
        context.Transforms.Conversion.MapValueToKey("Label")
            .Append(Featurizer(context))
            .Append(context.MulticlassClassification.Trainers.NeuralNetwork(new NetworkTrainerOptions
            {
                Architecture = Architecture(classes, seed),
                Training = new TrainingOptions { Epochs = epochs, BatchSize = 32, Optimizer = new AdamOptions { LearningRate = 1e-3f }, Seed = seed },
            }))
            .Fit(target);

    /// <summary>ML.NET's own multiclass trainer on the same rows.</summary>
    public static ITransformer Sdca(MLContext context, IDataView target) =>
        context.Transforms.Conversion.MapValueToKey("Label")
            .Append(Featurizer(context))
            .Append(context.MulticlassClassification.Trainers.SdcaMaximumEntropy())
            .Fit(target);

    /// <summary>Fits with <paramref name="fit"/>, timed, and evaluates on <paramref name="test"/> with ML.NET's evaluator.</summary>
    public static (T Model, MulticlassClassificationMetrics Metrics, TimeSpan Elapsed) FitAndEvaluate<T>(MLContext context, Func<T> fit, IDataView test)
        where T : ITransformer
    {
        var watch = Stopwatch.StartNew();
        var model = fit();
        var elapsed = watch.Elapsed;
        return (model, context.MulticlassClassification.Evaluate(model.Transform(test)), elapsed);
    }

    /// <summary>Writes the rows of <paramref name="data"/> as CSV and returns the path.</summary>
    public static string Write(string folder, string name, Dataset data)
    {
        string path = Path.Combine(folder, name);
        CsvRows.Write(path, data);
        return path;
    }
}
