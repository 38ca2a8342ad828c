using TransferLearning.Training;

namespace TransferLearning.Samples;

/// <summary>What to measure: which sizes, how many seeds, which columns, and the training budget of each run.</summary>
public sealed record ComparisonOptions
{
    /// <summary>Gets the target sizes, in examples per class.</summary>
    /// <value>The default is 10, 30, 100, 300 and 1,000.</value>
    public IReadOnlyList<int> PerClass { get; init; } = [10, 30, 100, 300, 1000];

    /// <summary>Gets how many seeds each cell is averaged over (each seed draws its own target sample and initialisation).</summary>
    /// <value>The default is 3.</value>
    public int Seeds { get; init; } = 3;

    /// <summary>Gets the table's columns.</summary>
    /// <value>The default is <see cref="ComparisonArm.All"/> with Auto's defaults.</value>
    public IReadOnlyList<ComparisonArm> Arms { get; init; } = ComparisonArm.All();

    /// <summary>Gets a value indicating whether to ask the advisor at each size.</summary>
    /// <value>The default is <see langword="true"/>.</value>
    public bool Advise { get; init; } = true;

    /// <summary>Gets the mini-batch size of every target run.</summary>
    /// <value>The default is 16.</value>
    public int BatchSize { get; init; } = 16;

    /// <summary>Gets the number of mini-batch steps every target run aims for (more epochs on small targets), within <see cref="MinEpochs"/>..<see cref="MaxEpochs"/>.</summary>
    /// <value>The default is 400.</value>
    public int Steps { get; init; } = 400;

    /// <summary>Gets the fewest epochs of a target run.</summary>
    /// <value>The default is 20.</value>
    public int MinEpochs { get; init; } = 20;

    /// <summary>Gets the most epochs of a target run.</summary>
    /// <value>The default is 200.</value>
    public int MaxEpochs { get; init; } = 200;

    /// <summary>
    /// The training options of one target run: Adam 1e-3 with a cosine decay to 0 — so that a run ends on
    /// settled weights, not wherever the last mini-batches left them — and the same budget for every column.
    /// </summary>
    /// <param name="examples">The target's example count.</param>
    /// <param name="seed">The run's seed.</param>
    public TrainingOptions TrainingFor(int examples, int seed)
    {
        int batchesPerEpoch = (examples + BatchSize - 1) / BatchSize;
        int epochs = Math.Clamp((Steps + batchesPerEpoch - 1) / batchesPerEpoch, MinEpochs, MaxEpochs);
        return new TrainingOptions { Epochs = epochs, BatchSize = BatchSize, Optimizer = new AdamOptions { LearningRate = 1e-3f }, Schedule = LearningRateSchedule.Cosine(), Seed = seed };
    }
}
