using MathNet.Numerics.LinearAlgebra;
using TransferLearning.Networks;

namespace TransferLearning.Serialization;

/// <summary>
/// Loads tensors of a checked file into the parameters of an existing network by key: each tensor whose key
/// maps to a parameter of the same shape gives it its values. What happens to the rest depends on the
/// <see cref="LoadMode"/>. All tensors are read and checked before any parameter changes.
/// </summary>
internal static class WeightLoader
{
    /// <summary>The most keys one message lists.</summary>
    private const int ListedKeys = 12;

    /// <summary>How a file and a network that do not match exactly are treated.</summary>
    public enum LoadMode
    {
        /// <summary>Load what matches; skip the other tensors and keep the other parameters' values (<c>strict=False</c>).</summary>
        Lax,

        /// <summary>Every parameter must be loaded; other tensors are skipped (<c>PyTorchImport.Load(…, requireEveryParameter: true)</c>).</summary>
        RequireParameters,

        /// <summary>Every parameter loaded and every tensor used (<c>strict=True</c>).</summary>
        Strict,
    }

    /// <summary>Loads a file whose keys are the parameters' names (<c>network.LoadWeights</c>), as <see cref="LoadMode.Lax"/>.</summary>
    /// <exception cref="ModelFormatException">A tensor that would be loaded is not floating-point or holds NaN or ±∞. The network is then unchanged.</exception>
    public static LoadReport Load(Network network, SafeTensorsReader reader) =>
        Load(network, reader, new KeyMap(key => key, name => name, _ => "not mapped to a parameter"), LoadMode.Lax);

    /// <summary>Loads into <paramref name="network"/> the tensors <paramref name="map"/> maps to its parameters.</summary>
    /// <exception cref="ModelFormatException">
    /// A tensor that would be loaded is not floating-point or holds NaN or ±∞; a counter is not a non-negative I64
    /// scalar; two tensors map to one parameter; or the file does not match as <paramref name="mode"/> requires. The
    /// network is then unchanged.
    /// </exception>
    public static LoadReport Load(Network network, SafeTensorsReader reader, KeyMap map, LoadMode mode)
    {
        var tensors = NetworkFormat.Tensors(network).ToList();
        var parameters = tensors.ToDictionary(t => t.Parameter.Name, StringComparer.Ordinal);
        var matched = new List<(Layer Layer, Parameter Parameter, TensorEntry Tensor)>();
        var unexpected = new List<SkippedTensor>();
        var mismatched = new List<SkippedTensor>();
        var skipped = new List<SkippedTensor>();
        var mapping = new Dictionary<string, string>(StringComparer.Ordinal);
        var taken = new HashSet<string>(StringComparer.Ordinal);
        var wrongShape = new HashSet<string>(StringComparer.Ordinal);
        foreach (var tensor in reader.Header.Tensors)
        {
            if (map.Counters.TryGetValue(tensor.Name, out int counterLayer))
            {
                CheckCounter(reader, tensor);
                mapping.Add(tensor.Name, Invariant.F($"layers.{counterLayer}.{PyTorchSequential.BatchCounter}"));
                continue;
            }

            string? name = map.Target(tensor.Name);
            if (name is null || !parameters.TryGetValue(name, out var target))
            {
                var skip = new SkippedTensor { Name = tensor.Name, Reason = name is null ? map.WhyNot(tensor.Name) : $"the network has no parameter '{name}'" };
                unexpected.Add(skip);
                skipped.Add(skip);
                continue;
            }

            var (layer, parameter, shape) = target;
            if (!tensor.HasShape(shape))
            {
                var skip = new SkippedTensor { Name = tensor.Name, Reason = $"shape {tensor.ShapeText} in the file, {TensorEntry.FormatShape(shape)} in the network" + (name == tensor.Name ? string.Empty : $" ({name})") };
                mismatched.Add(skip);
                skipped.Add(skip);
                wrongShape.Add(name);
                continue;
            }

            if (!taken.Add(name))
            {
                throw reader.Error($"two tensors map to parameter '{name}' (the second is '{tensor.Name}').");
            }

            matched.Add((layer, parameter, tensor));
            mapping.Add(tensor.Name, name);
        }

        var fresh = tensors.Select(t => t.Parameter.Name).Where(n => !taken.Contains(n)).ToList();
        if (mode == LoadMode.Strict && (fresh.Count > 0 || skipped.Count > 0))
        {
            throw reader.Error(StrictProblem(map, fresh.Where(n => !wrongShape.Contains(n)).ToList(), unexpected, mismatched));
        }

        if (mode == LoadMode.RequireParameters && fresh.Count > 0)
        {
            throw reader.Error(
                $"it has no tensor for parameter{(fresh.Count > 1 ? "s" : string.Empty)} {List(fresh.Select(map.Describe))} of the network"
                + (skipped.Count > 0 ? $" (skipped: {List(skipped)})." : "."));
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
        return new LoadReport { Loaded = loaded, Skipped = skipped, NewlyInitialized = fresh, Mapping = mapping };
    }

    /// <summary>A batch counter must be one non-negative signed 64-bit integer, as PyTorch writes it.</summary>
    private static void CheckCounter(SafeTensorsReader reader, TensorEntry tensor)
    {
        if (tensor.DType != SafeTensorsDType.I64 || tensor.ElementCount != 1)
        {
            throw reader.Error($"tensor '{tensor.Name}' is {tensor.DType.Name()} {tensor.ShapeText}; expected one I64 (PyTorch's batch count).");
        }

        long count = reader.ReadInt64s(tensor)[0];
        if (count < 0)
        {
            throw reader.Error(Invariant.F($"tensor '{tensor.Name}' holds the batch count {count}; expected at least 0."));
        }
    }

    /// <summary>PyTorch's three lists: missing keys (parameters without a tensor, other than those of another shape), unexpected keys, size mismatches.</summary>
    private static string StrictProblem(KeyMap map, List<string> fresh, List<SkippedTensor> unexpected, List<SkippedTensor> mismatched)
    {
        var parts = new List<string>();
        if (fresh.Count > 0)
        {
            parts.Add($"missing key{(fresh.Count > 1 ? "s" : string.Empty)} {List(fresh.Select(map.Describe))}");
        }

        if (unexpected.Count > 0)
        {
            parts.Add($"unexpected key{(unexpected.Count > 1 ? "s" : string.Empty)} {List(unexpected.Select(s => $"'{s.Name}' ({s.Reason})"))}");
        }

        if (mismatched.Count > 0)
        {
            parts.Add($"size mismatch for {List(mismatched.Select(s => $"'{s.Name}': {s.Reason}"))}");
        }

        return $"its tensors do not match the network's parameters (strict): {string.Join("; ", parts)}."
            + (map.Structure is string structure ? $" The network as an nn.Sequential is {structure}." : string.Empty)
            + " Load with Strict = false to load what matches and list the rest.";
    }

    private static string List<T>(IEnumerable<T> items)
    {
        var all = items.Select(i => i?.ToString() ?? string.Empty).ToList();
        return all.Count <= ListedKeys
            ? string.Join(", ", all)
            : string.Join(", ", all.Take(ListedKeys)) + Invariant.F($" and {all.Count - ListedKeys} more");
    }

    /// <summary>How a file's keys map to a network's parameters, and how to explain a key that maps to nothing.</summary>
    /// <param name="Target">The parameter a key maps to, or <see langword="null"/>.</param>
    /// <param name="KeyOf">The key expected for a parameter, or <see langword="null"/> when none is known.</param>
    /// <param name="WhyNot">Why a key maps to nothing.</param>
    internal sealed record KeyMap(Func<string, string?> Target, Func<string, string?> KeyOf, Func<string, string> WhyNot)
    {
        /// <summary>Gets the batch counters' keys, each with the index of its batch-normalisation layer.</summary>
        public IReadOnlyDictionary<string, int> Counters { get; init; } = new Dictionary<string, int>();

        /// <summary>Gets the network's modules as text for strict errors (<c>0 Linear(6, 8), 1 ReLU, …</c>), or <see langword="null"/>.</summary>
        public string? Structure { get; init; }

        /// <summary>A parameter as messages name it: its key in the file, and the parameter when they differ (<c>'2.weight' (layers.1.weight)</c>).</summary>
        public string Describe(string parameterName) => KeyOf(parameterName) is string key && key != parameterName
            ? $"'{key}' ({parameterName})"
            : parameterName;
    }
}
