using System.Buffers;
using MathNet.Numerics.LinearAlgebra;
using TransferLearning.Inference;

namespace TransferLearning.Networks;

/// <summary>Inference: the allocation-free prediction calls, and the rule that a network predicts or trains, never both.</summary>
public sealed partial class Network
{
    /// <summary>Batches of at most this many examples split each product between the cores; larger ones are cut into slices of examples, a slice per core at a time.</summary>
    internal const int SmallBatchLimit = 64;

    private InferencePlan? _inference;
    private int _trainers;
    private int _trainingStarts;
    private int _trainingThread;

    /// <summary>Computes <c>A[L]</c> for one example, writing into <paramref name="output"/>; allocates nothing once warm.</summary>
    /// <param name="example"><c>x</c>, the <see cref="InputSize"/> inputs of one example, finite.</param>
    /// <param name="output">Receives the <see cref="OutputSize"/> outputs (class probabilities for a softmax output).</param>
    /// <remarks>
    /// <para>
    /// The same numbers as <see cref="Predict(Matrix{float})"/> on a one-column matrix (within 1e-6: only the
    /// order of the sums differs). The weights are kept packed for the kernel, and re-packed only after
    /// training or <see cref="Parameter.SetValues"/> changed them.
    /// </para>
    /// <para>
    /// Thread safety: any number of threads may predict at once. A network that is training
    /// (<see cref="Training.Trainer.Fit"/>) refuses predictions from other threads with
    /// <see cref="InvalidOperationException"/>, and a prediction during which training started throws too,
    /// rather than return outputs of half-updated weights. The training thread itself (a progress callback)
    /// may predict: it runs between steps. A training loop of your own (<see cref="Training.TrainingStep"/> and
    /// <see cref="Training.Optimizer.Step"/>) is not watched: do not predict from other threads while it runs.
    /// Predicting never changes the network (dropout passes through, batch normalisation uses its running
    /// statistics).
    /// </para>
    /// </remarks>
    /// <exception cref="ArgumentException"><paramref name="example"/> does not hold <see cref="InputSize"/> values or holds NaN or ∞, or <paramref name="output"/> does not hold <see cref="OutputSize"/> values.</exception>
    /// <exception cref="InvalidOperationException">The network has no layers, or another thread is training it.</exception>
    public void Predict(ReadOnlySpan<float> example, Span<float> output)
    {
        EnsureLength(example.Length, InputSize, "inputs", nameof(example));
        EnsureLength(output.Length, OutputSize, "outputs", nameof(output));
        PredictCore(example, 1, output, nameof(example), 0);
    }

    /// <summary>
    /// Computes <c>A[L]</c> for a batch of examples held row-major, one example after another (as an app holds
    /// them: <c>examples[i·n_x + j]</c> is input <c>j</c> of example <c>i</c>); allocates nothing once warm.
    /// </summary>
    /// <param name="examples"><c>m · n_x</c> finite values, <c>m ≥ 1</c>.</param>
    /// <param name="outputs">Receives <c>m · n[L]</c> values, example after example.</param>
    /// <remarks>
    /// Row-major examples are the columns of <c>X</c> (column-major, <c>n_x × m</c>), so no copy is made. The same
    /// numbers as <see cref="Predict(Matrix{float})"/> within 1e-6; thread safety as for <see cref="Predict(ReadOnlySpan{float}, Span{float})"/>.
    /// Batches of up to 64 examples run kernels that read each packed weight once per tile of examples, each
    /// product split between the cores; larger ones are cut into slices of up to 64 examples, each slice through
    /// every layer on one core, the slices shared between the cores.
    /// </remarks>
    /// <exception cref="ArgumentException"><paramref name="examples"/> is empty, is not a whole number of examples, or holds NaN or ∞ (the examples are checked as they are read, so <paramref name="outputs"/> may then already hold some examples' outputs); or <paramref name="outputs"/> does not hold <c>m · n[L]</c> values.</exception>
    /// <exception cref="InvalidOperationException">The network has no layers, or another thread is training it.</exception>
    public void PredictBatch(ReadOnlySpan<float> examples, Span<float> outputs)
    {
        EnsureHasLayers();
        if (examples.IsEmpty || examples.Length % InputSize != 0)
        {
            throw new ArgumentException(
                $"Expected a positive whole number of examples of {InputSize} inputs but got {examples.Length} values.", nameof(examples));
        }

        int count = examples.Length / InputSize;
        EnsureLength(outputs.Length, count * OutputSize, "outputs", nameof(outputs));
        PredictCore(examples, count, outputs, nameof(examples), InputSize);
    }

    /// <summary>Predicts the class of one example: the arg-max of <c>A[L]</c>, or <c>a ≥ 0.5</c> for a single output unit.</summary>
    /// <param name="example"><c>x</c>, the <see cref="InputSize"/> inputs of one example, finite.</param>
    /// <returns>The class.</returns>
    /// <remarks>Allocates nothing once warm; thread safety as for <see cref="Predict(ReadOnlySpan{float}, Span{float})"/>.</remarks>
    /// <exception cref="ArgumentException"><paramref name="example"/> does not hold <see cref="InputSize"/> values or holds NaN or ∞.</exception>
    /// <exception cref="InvalidOperationException">The network has no layers, or another thread is training it.</exception>
    public int PredictClass(ReadOnlySpan<float> example)
    {
        EnsureLength(example.Length, InputSize, "inputs", nameof(example));
        const int StackLimit = 256;
        float[]? rented = OutputSize > StackLimit ? ArrayPool<float>.Shared.Rent(OutputSize) : null;
        Span<float> output = rented is null ? stackalloc float[StackLimit] : rented;
        try
        {
            output = output[..OutputSize];
            PredictCore(example, 1, output, nameof(example), 0);
            return ArgMax(output);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<float>.Shared.Return(rented);
            }
        }
    }

    /// <summary>Computes <c>A[L]</c> for every column of <paramref name="x"/> into <paramref name="result"/>; allocates nothing once warm.</summary>
    /// <param name="x"><c>X</c>, <c>n_x × m</c>, finite (a dense matrix, or it is copied).</param>
    /// <param name="result">A dense <c>n[L] × m</c> matrix that receives the outputs.</param>
    /// <remarks>The same numbers as <see cref="Predict(Matrix{float})"/>; thread safety as for <see cref="Predict(ReadOnlySpan{float}, Span{float})"/>.</remarks>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="x"/> does not have <see cref="InputSize"/> rows, has no columns, or holds NaN or ∞ (the columns are checked as they are read, so <paramref name="result"/> may then already hold some columns' outputs); or <paramref name="result"/> is not a dense <c>n[L] × m</c> matrix.</exception>
    /// <exception cref="InvalidOperationException">The network has no layers, or another thread is training it.</exception>
    public void Predict(Matrix<float> x, Matrix<float> result)
    {
        var data = ValidatedInput(x, nameof(x), checkFinite: false);
        ArgumentNullException.ThrowIfNull(result);
        var target = result.AsColumnMajorArray();
        if (result.RowCount != OutputSize || result.ColumnCount != x.ColumnCount || target is null)
        {
            throw new ArgumentException(
                $"Expected a dense {OutputSize} × {x.ColumnCount} result but got a {(target is null ? "non-dense " : string.Empty)}{result.RowCount} × {result.ColumnCount} matrix.",
                nameof(result));
        }

        PredictCore(data, x.ColumnCount, target, nameof(x), InputSize);
    }

    /// <summary>
    /// Gets the one inference path of this network (<see cref="InferencePlan.TryRun"/>): every prediction call,
    /// and every internal consumer that needs outputs or features (evaluation, the frozen-feature cache, the Auto
    /// policy, the advisor), so that they give the same bits.
    /// </summary>
    internal InferencePlan Inference => Volatile.Read(ref _inference) ?? CreateInference();

    /// <summary>Marks the network as training until the scope is disposed (predictions from other threads are refused meanwhile).</summary>
    internal TrainingScope BeginTraining()
    {
        Volatile.Write(ref _trainingThread, Environment.CurrentManagedThreadId);
        Interlocked.Increment(ref _trainers);
        Interlocked.Increment(ref _trainingStarts);
        return new TrainingScope(this);
    }

    /// <summary>
    /// Every public prediction, after its shapes are checked, guarded against concurrent training: the inference
    /// plan, which checks that the inputs are finite as it reads them; when they are not, the exception names the
    /// first value that is not (by index in a one-example span, or as example and feature when <paramref name="rows"/> is not 0).
    /// </summary>
    private void PredictCore(ReadOnlySpan<float> x, int columns, Span<float> output, string paramName, int rows)
    {
        int starts = Volatile.Read(ref _trainingStarts);
        EnsureNotTrainingElsewhere();
        if (!Inference.TryRun(x, columns, 0, _layers.Count, output))
        {
            if (rows > 0)
            {
                Guard.AllFiniteExamples(x, paramName, rows);   // "example j, feature i", as the rows were given
            }
            else
            {
                Guard.AllFinite(x, paramName);                 // one example: "index i" of the span
            }

            throw new ArgumentException(
                "Expected only finite values, but a value was NaN or ∞ when the prediction read it and is finite now: the inputs changed during the call.", paramName);
        }

        EnsureFiniteOutput(output, paramName);
        if (Volatile.Read(ref _trainingStarts) != starts)
        {
            EnsureNotTrainingElsewhere();
            throw new InvalidOperationException(
                "Training started on another thread while this prediction ran, so its outputs may mix old and new weights. Predict after Fit returns.");
        }
    }

    private InferencePlan CreateInference()
    {
        Interlocked.CompareExchange(ref _inference, new InferencePlan(this), null);
        return Volatile.Read(ref _inference)!;
    }

    private void EnsureNotTrainingElsewhere()
    {
        if (Volatile.Read(ref _trainers) != 0 && Volatile.Read(ref _trainingThread) != Environment.CurrentManagedThreadId)
        {
            throw new InvalidOperationException(
                "The network is training on another thread: predicting now would read weights in the middle of an update. Predict after Fit returns, or predict from a Clone().");
        }
    }

    private void EnsureHasLayers()
    {
        if (_layers.Count == 0)
        {
            throw new InvalidOperationException("The network has no layers.");
        }
    }

    private void EnsureLength(int actual, int expected, string what, string paramName)
    {
        EnsureHasLayers();
        if (actual != expected)
        {
            throw new ArgumentException($"Expected {expected} {what} but got {actual}.", paramName);
        }
    }

    /// <summary>Ends a training scope (<see cref="BeginTraining"/>); a struct, so that entering one allocates nothing.</summary>
    internal readonly struct TrainingScope(Network network) : IDisposable
    {
        public void Dispose() => Interlocked.Decrement(ref network._trainers);
    }
}
