using Microsoft.ML;
using TransferLearning.Deployment;
using TransferLearning.Transfer;

namespace TransferLearning.MLNet;

/// <summary>The trainers of this package where ML.NET users look for them: <c>mlContext.MulticlassClassification.Trainers</c> and <c>mlContext.Regression.Trainers</c>.</summary>
public static class MLNetCatalogs
{
    /// <summary>Transfers a pretrained network to a multiclass task (key label).</summary>
    /// <param name="catalog">The multiclass trainers.</param>
    /// <param name="pretrained">The pretrained network.</param>
    /// <param name="options">The columns and the transfer's options; <see langword="null"/> for the defaults.</param>
    /// <returns>The trainer.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="catalog"/> or <paramref name="pretrained"/> is <see langword="null"/>.</exception>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("ApiDesign", "RS0026:Do not add multiple public overloads with optional parameters", Justification = "The overloads extend different catalogs (multiclass, regression), as ML.NET's trainers do; a later setting goes into the options record.")]
    public static TransferTrainer Transfer(this MulticlassClassificationCatalog.MulticlassClassificationTrainers catalog, PretrainedNetwork pretrained, TransferTrainerOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return new TransferTrainer(pretrained, options, ModelTask.Classification);
    }

    /// <summary>Transfers a pretrained network to a regression task (<see cref="float"/> label).</summary>
    /// <param name="catalog">The regression trainers.</param>
    /// <param name="pretrained">The pretrained network.</param>
    /// <param name="options">The columns and the transfer's options; <see langword="null"/> for the defaults.</param>
    /// <returns>The trainer.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="catalog"/> or <paramref name="pretrained"/> is <see langword="null"/>.</exception>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("ApiDesign", "RS0026:Do not add multiple public overloads with optional parameters", Justification = "The overloads extend different catalogs (multiclass, regression), as ML.NET's trainers do; a later setting goes into the options record.")]
    public static TransferTrainer Transfer(this RegressionCatalog.RegressionTrainers catalog, PretrainedNetwork pretrained, TransferTrainerOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return new TransferTrainer(pretrained, options, ModelTask.Regression);
    }

    /// <summary>Trains a network on a multiclass task (key label).</summary>
    /// <param name="catalog">The multiclass trainers.</param>
    /// <param name="options">The columns, the network and how it trains.</param>
    /// <returns>The trainer.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="catalog"/> or <paramref name="options"/> is <see langword="null"/>.</exception>
    public static NetworkTrainer NeuralNetwork(this MulticlassClassificationCatalog.MulticlassClassificationTrainers catalog, NetworkTrainerOptions options)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return new NetworkTrainer(options, ModelTask.Classification);
    }

    /// <summary>Trains a network on a regression task (<see cref="float"/> label).</summary>
    /// <param name="catalog">The regression trainers.</param>
    /// <param name="options">The columns, the network and how it trains.</param>
    /// <returns>The trainer.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="catalog"/> or <paramref name="options"/> is <see langword="null"/>.</exception>
    public static NetworkTrainer NeuralNetwork(this RegressionCatalog.RegressionTrainers catalog, NetworkTrainerOptions options)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return new NetworkTrainer(options, ModelTask.Regression);
    }
}
