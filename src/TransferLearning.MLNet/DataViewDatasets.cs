using Microsoft.ML;
using Microsoft.ML.Data;
using TransferLearning.Data;
using TransferLearning.Deployment;

namespace TransferLearning.MLNet;

/// <summary>Turns an ML.NET <see cref="IDataView"/> into a <see cref="Dataset"/> of this library.</summary>
public static class DataViewDatasets
{
    /// <summary>
    /// Reads a feature-vector column and a label column of <paramref name="data"/> into a <see cref="Dataset"/>, copying
    /// each value once: from the cursor into the set's own storage (a row of the view is an example, a column of <c>X</c>).
    /// A key label becomes a class label (key <c>k</c> is class <c>k − 1</c>; the class count is the key count; the class
    /// names are the key values as text when the column has them); a <see cref="float"/> label becomes one regression target.
    /// </summary>
    /// <param name="catalog">The data catalog (<c>mlContext.Data</c>).</param>
    /// <param name="data">The data view.</param>
    /// <param name="featureColumnName">The feature column: a vector of <see cref="float"/> of known size.</param>
    /// <param name="labelColumnName">The label column: a key, or a <see cref="float"/>.</param>
    /// <returns>The set, classification for a key label and regression for a <see cref="float"/> one.</returns>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A column is missing or of the wrong type (the message names it, the expected and the actual type).</exception>
    /// <exception cref="ArgumentException">The view has no rows, a label is the missing key (0) or not finite, or a feature is not finite.</exception>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Style", "IDE0060:Remove unused parameter", Justification = "The catalog is where ML.NET users look for data operations (mlContext.Data.ToDataset).")]
    public static Dataset ToDataset(this DataOperationsCatalog catalog, IDataView data, string featureColumnName = "Features", string labelColumnName = "Label")
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(data);
        var options = new TransferTrainerOptions { FeatureColumnName = featureColumnName, LabelColumnName = labelColumnName };
        return Read(data, TrainingColumns.Check(data.Schema, options, task: null, nameof(data)), nameof(data));
    }

    /// <summary>Reads the checked columns: rows counted first when the view does not know its count, then one pass of copies.</summary>
    internal static Dataset Read(IDataView data, TrainingColumns columns, string paramName)
    {
        long count = data.GetRowCount() ?? CountRows(data);
        int n = columns.FeatureCount;
        if (count == 0)
        {
            throw new ArgumentException("Expected at least one row but the data view has none.", paramName);
        }

        if (count * n > Array.MaxLength)
        {
            throw new ArgumentException($"Expected at most {Array.MaxLength} feature values but the view has {count} rows of {n}.", paramName);
        }

        int m = (int)count;
        var x = new float[m * n];
        var labels = columns.Task == ModelTask.Classification ? new int[m] : null;
        var targets = columns.Task == ModelTask.Regression ? new float[m] : null;
        var feature = data.Schema[columns.Feature];
        var label = data.Schema[columns.Label];
        using (var cursor = data.GetRowCursor([feature, label]))
        {
            var features = cursor.GetGetter<VBuffer<float>>(feature);
            var keys = labels is null ? null : cursor.GetGetter<uint>(label);
            var values = targets is null ? null : cursor.GetGetter<float>(label);
            VBuffer<float> row = default;
            int j = 0;
            for (; cursor.MoveNext(); j++)
            {
                if (j == m)
                {
                    throw new InvalidOperationException($"Expected {m} rows, as the data view counted them, but its cursor gives more.");
                }

                features(ref row);
                row.CopyTo(x.AsSpan(j * n, n));
                if (labels is not null)
                {
                    uint key = 0;
                    keys!(ref key);
                    labels[j] = key != 0
                        ? (int)(key - 1)
                        : throw new ArgumentException($"Expected a key in [1, {columns.ClassCount}] in label column '{columns.Label}' but row {j} has the missing key (0).", paramName);
                }
                else
                {
                    float value = 0;
                    values!(ref value);
                    targets![j] = float.IsFinite(value)
                        ? value
                        : throw new ArgumentException($"Expected a finite label in column '{columns.Label}' but row {j} is {value}.", paramName);
                }
            }

            if (j != m)
            {
                throw new InvalidOperationException($"Expected {m} rows, as the data view counted them, but its cursor gave {j}.");
            }
        }

        Dataset set;
        try
        {
            set = labels is null
                ? Dataset.ForRegressionTakingOwnership(x, m, n, targets!)
                : Dataset.ForClassificationTakingOwnership(x, m, n, labels, columns.ClassCount);
        }
        catch (ArgumentException e)
        {
            // The set's own check (a NaN or infinite feature, with the example and the feature) names its parameter; name the column.
            throw new ArgumentException($"Expected finite values in feature column '{columns.Feature}': {e.Message}", paramName, e);
        }

        if (labels is null)
        {
            return set;
        }

        return columns.KeyValues is { } keyValues && keyValues.Names.All(s => !string.IsNullOrWhiteSpace(s)) && keyValues.Names.Distinct().Count() == keyValues.Names.Count
            ? set.WithClassNames(keyValues.Names)
            : set;
    }

    private static long CountRows(IDataView data)
    {
        long count = 0;
        using var cursor = data.GetRowCursor([]);
        while (cursor.MoveNext())
        {
            count++;
        }

        return count;
    }
}
