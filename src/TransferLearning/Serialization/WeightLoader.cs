using MathNet.Numerics.LinearAlgebra;
using TransferLearning.Networks;

namespace TransferLearning.Serialization;

/// <summary>
/// Loads tensors of a checked file into the parameters of an existing network by name: each parameter with a
/// tensor of the same (mapped) name and shape takes its values; every other tensor is skipped with a reason,
/// every other parameter keeps its values. All tensors are read before any parameter changes.
/// </summary>
internal static class WeightLoader
{
    /// <summary>Loads into <paramref name="network"/>; <paramref name="parameterName"/> maps a tensor's name to a parameter's (or <see langword="null"/> to skip it).</summary>
    /// <exception cref="ModelFormatException">A tensor that would be loaded is not floating-point or holds NaN or ±∞; or
    /// <paramref name="requireEveryParameter"/> is set and a parameter has no tensor. The network is then unchanged.</exception>
    public static LoadReport Load(Network network, SafeTensorsReader reader, Func<string, string?> parameterName, bool requireEveryParameter = false)
    {
        var tensors = NetworkFormat.Tensors(network).ToList();
        var parameters = tensors.ToDictionary(t => t.Parameter.Name, StringComparer.Ordinal);
        var matched = new List<(Layer Layer, Parameter Parameter, TensorEntry Tensor)>();
        var skipped = new List<SkippedTensor>();
        var taken = new HashSet<string>(StringComparer.Ordinal);
        foreach (var tensor in reader.Header.Tensors)
        {
            string? name = parameterName(tensor.Name);
            if (name is null || !parameters.TryGetValue(name, out var target))
            {
                skipped.Add(new SkippedTensor { Name = tensor.Name, Reason = name is null ? "not mapped to a parameter" : $"the network has no parameter '{name}'" });
                continue;
            }

            var (layer, parameter, shape) = target;
            if (!tensor.HasShape(shape))
            {
                skipped.Add(new SkippedTensor { Name = tensor.Name, Reason = $"shape {tensor.ShapeText} in the file, {TensorEntry.FormatShape(shape)} in the network" });
                continue;
            }

            if (!taken.Add(name))
            {
                throw reader.Error($"two tensors map to parameter '{name}' (the second is '{tensor.Name}').");
            }

            matched.Add((layer, parameter, tensor));
        }

        var fresh = tensors.Select(t => t.Parameter.Name).Where(n => !taken.Contains(n)).ToList();
        if (requireEveryParameter && fresh.Count > 0)
        {
            throw reader.Error(
                $"it has no tensor for parameter{(fresh.Count > 1 ? "s" : string.Empty)} {string.Join(", ", fresh)} of the network"
                + (skipped.Count > 0 ? $" (skipped: {string.Join("; ", skipped)})." : "."));
        }

        var values = matched.Select(m => NetworkFormat.ColumnMajor(reader.ReadFloats(m.Tensor), m.Parameter.Rows, m.Parameter.Columns)).ToList();
        for (int i = 0; i < matched.Count; i++)
        {
            NetworkFormat.CheckValues(reader, matched[i].Tensor.Name, matched[i].Layer, matched[i].Parameter, values[i]);
        }

        for (int i = 0; i < matched.Count; i++)
        {
            matched[i].Parameter.SetValues(Matrix<float>.Build.Dense(matched[i].Parameter.Rows, matched[i].Parameter.Columns, values[i]));
        }

        var loaded = matched.Select(m => m.Parameter.Name).ToList();
        return new LoadReport { Loaded = loaded, Skipped = skipped, NewlyInitialized = fresh };
    }
}
