using TransferLearning.Data;

namespace TransferLearning.OnnxRuntime;

/// <summary>
/// How an <see cref="OnnxBody"/> feeds an ONNX model and where it cuts it: the input's name and shape per example,
/// the preprocessing of the raw values, the value whose output are the features, and the batch size.
/// </summary>
/// <remarks>
/// Each example is a row of <c>n_x</c> values (a row of 784 pixels for Fashion-MNIST), reshaped row-major to
/// <see cref="InputShape"/> (<c>[1, 28, 28]</c>) and preprocessed value by value as
/// <c>x' = (x·<see cref="Scale"/> − <see cref="Mean"/>) / <see cref="Std"/></c> in float32 before the model sees it:
/// for a model trained on pixels in [0, 1] standardised with mean 0.2860 and standard deviation 0.3530, and rows of
/// raw bytes 0–255, <c>Scale = 1/255, Mean = 0.2860, Std = 0.3530</c>. A model trained on standardised features (a
/// <see cref="Data.Standardizer"/> fitted on its training data, as a deployable <c>Model</c> keeps it) takes the same
/// transform as <see cref="Standardizer"/>, applied first. Every option is checked as it is set.
/// </remarks>
public sealed record OnnxBodyOptions
{
    /// <summary>Gets the shape of one example as the model's input takes it, without the batch dimension (<c>[1, 28, 28]</c> for a one-channel 28 × 28 image).</summary>
    /// <value>Required. Its product is <see cref="OnnxBody.InputSize"/>.</value>
    /// <exception cref="ArgumentNullException">The value is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The value is empty or has a dimension that is not positive.</exception>
    public required IReadOnlyList<int> InputShape
    {
        get;
        init
        {
            ArgumentNullException.ThrowIfNull(value, nameof(InputShape));
            if (value.Count == 0)
            {
                throw new ArgumentException("Expected at least one dimension in InputShape but got none.", nameof(InputShape));
            }

            long size = 1;
            for (int i = 0; i < value.Count; i++)
            {
                if (value[i] <= 0)
                {
                    throw new ArgumentException($"Expected positive dimensions in InputShape but dimension {i} is {value[i]}.", nameof(InputShape));
                }

                size *= value[i];
                if (size > int.MaxValue)
                {
                    throw new ArgumentException($"Expected at most {int.MaxValue} values per example in InputShape but got more.", nameof(InputShape));
                }
            }

            field = [.. value];
        }
    }

    /// <summary>Gets the name of the model's input that takes the examples.</summary>
    /// <value>The default is <see langword="null"/>: the model's only input (an error when it has several).</value>
    /// <exception cref="ArgumentException">The value is empty or white space.</exception>
    public string? InputName
    {
        get;
        init => field = value is null ? null : ValidName(value, nameof(InputName));
    }

    /// <summary>
    /// Gets where the model is cut: the name of a graph output, or of an intermediate value (any node's output),
    /// which the body declares an extra graph output. The features of an example are that value, flattened row-major.
    /// </summary>
    /// <value>The default is <see langword="null"/>: the model's only graph output (an error when it has several).</value>
    /// <exception cref="ArgumentException">The value is empty or white space.</exception>
    public string? Cut
    {
        get;
        init => field = value is null ? null : ValidName(value, nameof(Cut));
    }

    /// <summary>Gets the factor each raw value is multiplied by first: <c>x' = (x·Scale − Mean) / Std</c>.</summary>
    /// <value>The default is 1.</value>
    /// <exception cref="ArgumentOutOfRangeException">The value is zero, NaN or infinite.</exception>
    public float Scale
    {
        get;
        init
        {
            if (value == 0 || !float.IsFinite(value))
            {
                throw new ArgumentOutOfRangeException(nameof(Scale), value, $"Expected a finite, non-zero Scale but got {value}.");
            }

            field = value;
        }
    } = 1f;

    /// <summary>Gets the mean subtracted after scaling: <c>x' = (x·Scale − Mean) / Std</c>.</summary>
    /// <value>The default is 0.</value>
    /// <exception cref="ArgumentOutOfRangeException">The value is NaN or infinite.</exception>
    public float Mean
    {
        get;
        init
        {
            if (!float.IsFinite(value))
            {
                throw new ArgumentOutOfRangeException(nameof(Mean), value, $"Expected a finite Mean but got {value}.");
            }

            field = value;
        }
    }

    /// <summary>Gets the standard deviation divided by last: <c>x' = (x·Scale − Mean) / Std</c>.</summary>
    /// <value>The default is 1.</value>
    /// <exception cref="ArgumentOutOfRangeException">The value is not positive, or is NaN or infinite.</exception>
    public float Std
    {
        get;
        init
        {
            if (!(value > 0) || !float.IsFinite(value))
            {
                throw new ArgumentOutOfRangeException(nameof(Std), value, $"Expected a positive, finite Std but got {value}.");
            }

            field = value;
        }
    } = 1f;

    /// <summary>Gets the number of examples the model runs on at once. A model whose batch dimension is fixed runs in batches of that size instead.</summary>
    /// <value>The default is 64.</value>
    /// <exception cref="ArgumentOutOfRangeException">The value is not positive.</exception>
    public int BatchSize
    {
        get;
        init
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(value, nameof(BatchSize));
            field = value;
        }
    } = 64;

    /// <summary>
    /// Gets the per-value standardisation applied to each raw example before <see cref="Scale"/>, <see cref="Mean"/> and
    /// <see cref="Std"/>: <c>x_i' = (x_i − μ_i)·(1/σ_i)</c> (1 for a constant value, σ_i = 0), the same bits as
    /// <see cref="Data.Standardizer.Transform(Dataset)"/>; <see langword="null"/> for none. Its
    /// <see cref="Data.Standardizer.FeatureCount"/> must be the product of <see cref="InputShape"/> (checked by <see cref="OnnxBody.Load"/>).
    /// </summary>
    /// <value>The default is <see langword="null"/>.</value>
    public Standardizer? Standardizer { get; init; }

    /// <summary>Gets the number of threads ONNX Runtime uses within one run (its intra-op thread pool).</summary>
    /// <value>The default is 0: ONNX Runtime's own choice (one per physical core).</value>
    /// <exception cref="ArgumentOutOfRangeException">The value is negative.</exception>
    public int IntraOpThreads
    {
        get;
        init
        {
            ArgumentOutOfRangeException.ThrowIfNegative(value, nameof(IntraOpThreads));
            field = value;
        }
    }

    private static string ValidName(string value, string name)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            throw new ArgumentException($"Expected a non-empty name for {name} but got '{value}'.", name);
        }

        return value;
    }
}
