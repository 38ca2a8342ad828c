using TransferLearning.Data;
using TransferLearning.Deployment;
using TransferLearning.Networks;
using TransferLearning.Training;

namespace Deploy;

/// <summary>What <c>train</c> does with a user's CSV file: read it with its text labels, standardise, train, package.</summary>
public static class DeployTraining
{
    /// <summary>Reads <paramref name="csvPath"/> (raw rows; the class names in <paramref name="labelColumn"/>) and returns the trained model.</summary>
    /// <param name="csvPath">The training file.</param>
    /// <param name="labelColumn">The header of the label column.</param>
    /// <param name="epochs">Training epochs.</param>
    /// <param name="seed">The one seed of the run: same seed, same model.</param>
    public static (Model Model, Dataset Raw, TrainingHistory History) Train(string csvPath, string labelColumn, int epochs, int seed)
    {
        // 1. The file's text labels become the label map: class i is ClassNames[i], fixed from here on.
        var raw = CsvReader.ReadDataset(csvPath, new CsvOptions { LabelColumn = labelColumn });

        // 2. Standardise with statistics of the training rows only; the model keeps them.
        var standardizer = Standardizer.Fit(raw);
        var network = Network.Create(raw.FeatureCount, seed: seed)
            .Dense(128, Activation.ReLU)
            .Dense(raw.ClassCount, Activation.Softmax);
        var history = new Trainer(new TrainingOptions
        {
            Epochs = epochs,
            BatchSize = 32,
            Optimizer = new AdamOptions { LearningRate = 1e-3f },
            Seed = seed,
        }).Fit(network, standardizer.Transform(raw));

        // 3. One object: the network, its input standardisation, the class names, and how it was trained.
        var model = Model.Create(network, raw, standardizer, new ModelProvenance { SourceDescription = Path.GetFileName(csvPath), History = history });
        return (model, raw, history);
    }
}
