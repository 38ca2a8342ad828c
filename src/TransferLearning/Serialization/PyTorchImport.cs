using System.Globalization;
using System.Text.RegularExpressions;
using TransferLearning.Networks;

namespace TransferLearning.Serialization;

/// <summary>
/// Loads weights trained with PyTorch from a safetensors file (<c>safetensors.torch.save_file(model.state_dict(), path)</c>)
/// into a network of the same architecture, matching the file's keys to the network's parameters by name.
/// </summary>
/// <remarks>
/// <para>
/// PyTorch's <c>nn.Linear</c> stores <c>weight</c> as <c>[out_features, in_features]</c> and <c>bias</c> as
/// <c>[out_features]</c> — this library's <c>W[l]</c> and <c>b[l]</c>. F32, F64, F16 and BF16 tensors are
/// converted to float32 (F16 and BF16 exactly; F64 rounded to nearest). Activation modules have no tensors:
/// the network you build must use the same activations as the PyTorch model, in the same places.
/// </para>
/// <para>
/// Without a name map, the file is read as the <c>nn.Sequential</c> equivalent to the network, key by key: a dense
/// layer is an <c>nn.Linear</c> followed by its activation module (none for <see cref="Activation.Identity"/>), a
/// batch-normalisation layer an <c>nn.BatchNorm1d</c>, a dropout layer an <c>nn.Dropout</c>, each at its index. So
/// <c>Dense(8, ReLU), BatchNorm(), Dropout(0.3), Dense(3, Softmax)</c> reads <c>0.weight</c>, <c>0.bias</c>,
/// <c>2.weight</c>, <c>2.bias</c>, <c>2.running_mean</c>, <c>2.running_var</c>, <c>2.num_batches_tracked</c>,
/// <c>4.weight</c> and <c>4.bias</c>; a model with one more module has its keys at other indices, which is an error
/// naming them rather than a silent shift. Any other model loads with a map from the file's keys to the network's
/// parameter names (<c>"body.0.weight" → "layers.0.weight"</c>); an <c>nn.Sequential</c> inside a model, or one that
/// starts with a module the network has no layer for (<c>nn.Flatten()</c>), with <see cref="PyTorchImportOptions.KeyPrefix"/>
/// and <see cref="PyTorchImportOptions.FirstModuleIndex"/>. <see cref="LoadReport.Mapping"/> shows which key
/// went where. A batch-normalisation module's <c>num_batches_tracked</c> is checked (one non-negative I64) and
/// accepted but not kept: this library's batch normalisation always has a momentum, so the count changes nothing.
/// <see cref="PyTorchExport"/> writes the other direction.
/// </para>
/// <para>
/// <see cref="Load(Network, string, PyTorchImportOptions)"/> is strict by default, like PyTorch's
/// <c>load_state_dict(strict=True)</c>: a parameter without a tensor of its shape and a tensor that goes nowhere are
/// both errors. The 1.0 overload <see cref="Load(Network, string, IReadOnlyDictionary{string, string}?, bool)"/> keeps
/// its behaviour: tensors that go nowhere are listed as skipped, and missing parameters are an error only with
/// <c>requireEveryParameter</c> (without it, it is <c>Strict = false</c>).
/// </para>
/// </remarks>
public static partial class PyTorchImport
{
    /// <summary>
    /// Loads the weights of a PyTorch safetensors file into <paramref name="network"/>; tensors that map to no
    /// parameter are listed as skipped (use <see cref="Load(Network, string, PyTorchImportOptions)"/> to make them an error).
    /// </summary>
    /// <param name="network">A network with the PyTorch model's architecture (or, with <paramref name="requireEveryParameter"/> off, a part of it).</param>
    /// <param name="path">The safetensors file.</param>
    /// <param name="nameMap">Maps the file's tensor names to the network's parameter names; <see langword="null"/> (the default) reads an <c>nn.Sequential</c>.</param>
    /// <param name="requireEveryParameter">Whether every parameter of the network must be loaded. The default is <see langword="true"/>.</param>
    /// <returns>Which tensors were loaded (and into which parameters), which skipped (and why), and which parameters kept their own values.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="network"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="path"/> is empty.</exception>
    /// <exception cref="ModelFormatException">
    /// The file is not a valid safetensors file; a tensor to load is not floating-point or not finite; a
    /// <c>num_batches_tracked</c> is not one non-negative I64; or a parameter has no tensor of its key and shape
    /// while <paramref name="requireEveryParameter"/> is set. The network is then unchanged.
    /// </exception>
    /// <exception cref="IOException">The file could not be read (also a directory given as the file or no permission, with the path and the cause as the inner exception).</exception>
    public static LoadReport Load(Network network, string path, IReadOnlyDictionary<string, string>? nameMap = null, bool requireEveryParameter = true)
    {
        ArgumentNullException.ThrowIfNull(network);
        var mode = requireEveryParameter ? WeightLoader.LoadMode.RequireParameters : WeightLoader.LoadMode.Lax;
        var map = Map(network, nameMap);
        return SafeTensorsReader.Read(path, reader => WeightLoader.Load(network, reader, map, mode));
    }

    /// <summary>
    /// Loads the weights of a PyTorch safetensors file into <paramref name="network"/>, by default strictly: every
    /// parameter and buffer must have a tensor of its shape, and every tensor must go to one.
    /// </summary>
    /// <param name="network">A network with the PyTorch model's architecture (or, with <see cref="PyTorchImportOptions.Strict"/> off, a part of it).</param>
    /// <param name="path">The safetensors file.</param>
    /// <param name="options">The name map and the strictness.</param>
    /// <returns>Which tensors were loaded (and into which parameters), which skipped (and why), and which parameters kept their own values.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="network"/> or <paramref name="options"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="path"/> is empty, or <paramref name="options"/> give a name map with a key prefix or a first module index.</exception>
    /// <exception cref="ModelFormatException">
    /// The file is not a valid safetensors file; a tensor to load is not floating-point or not finite; a
    /// <c>num_batches_tracked</c> is not one non-negative I64; two keys map to one parameter; or, when strict, a
    /// parameter has no tensor of its key and shape or a tensor maps to no parameter (the message names the file's
    /// keys). The network is then unchanged.
    /// </exception>
    /// <exception cref="IOException">The file could not be read (also a directory given as the file or no permission, with the path and the cause as the inner exception).</exception>
    public static LoadReport Load(Network network, string path, PyTorchImportOptions options)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(options);
        var map = Map(network, options);
        return SafeTensorsReader.Read(path, reader => WeightLoader.Load(network, reader, map, Mode(options)));
    }

    /// <summary>As <see cref="Load(Network, string, PyTorchImportOptions)"/>, from <paramref name="stream"/> (from its current position to its end; it is not closed).</summary>
    /// <param name="network">A network with the PyTorch model's architecture (or, with <see cref="PyTorchImportOptions.Strict"/> off, a part of it).</param>
    /// <param name="stream">A readable stream holding a safetensors file.</param>
    /// <param name="options">The name map and the strictness.</param>
    /// <returns>Which tensors were loaded (and into which parameters), which skipped (and why), and which parameters kept their own values.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="network"/>, <paramref name="stream"/> or <paramref name="options"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="stream"/> cannot be read, or <paramref name="options"/> give a name map with a key prefix or a first module index.</exception>
    /// <exception cref="ModelFormatException">As for a file; the message calls the stream <c>(stream)</c>. The network is then unchanged.</exception>
    /// <exception cref="IOException">The stream could not be read.</exception>
    public static LoadReport Load(Network network, Stream stream, PyTorchImportOptions options)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(options);
        var map = Map(network, options);
        return SafeTensorsReader.Read(stream, NetworkFiles.StreamName, reader => WeightLoader.Load(network, reader, map, Mode(options)));
    }

    /// <summary>The map of <paramref name="options"/>.</summary>
    /// <exception cref="ArgumentException">The options give both a name map and a key prefix or first module index.</exception>
    private static WeightLoader.KeyMap Map(Network network, PyTorchImportOptions options)
    {
        if (options.NameMap is not null && (options.KeyPrefix.Length > 0 || options.FirstModuleIndex > 0))
        {
            throw new ArgumentException(
                Invariant.F($"Expected either a NameMap or an nn.Sequential's KeyPrefix and FirstModuleIndex but got a NameMap with KeyPrefix '{options.KeyPrefix}' and FirstModuleIndex {options.FirstModuleIndex}."),
                nameof(options));
        }

        return Map(network, options.NameMap, options.KeyPrefix, options.FirstModuleIndex);
    }

    private static WeightLoader.LoadMode Mode(PyTorchImportOptions options) =>
        options.Strict ? WeightLoader.LoadMode.Strict : WeightLoader.LoadMode.Lax;

    /// <summary>The keys of the equivalent <c>nn.Sequential</c>, or those of the name map.</summary>
    private static WeightLoader.KeyMap Map(Network network, IReadOnlyDictionary<string, string>? nameMap, string prefix = "", int firstIndex = 0)
    {
        if (nameMap is null)
        {
            var sequential = new PyTorchSequential(network, prefix, firstIndex);
            return new WeightLoader.KeyMap(sequential.ParameterOf, sequential.KeyOf, sequential.WhyNot)
            {
                Counters = sequential.Counters,
                Structure = sequential.ToString(),
            };
        }

        // A counter goes with the batch-normalisation layer its module's running_mean is mapped to (or is mapped itself).
        var counters = new Dictionary<string, int>(StringComparer.Ordinal);
        var keyOf = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, name) in nameMap)
        {
            if (name is null)
            {
                continue;
            }

            keyOf.TryAdd(name, key);
            int layer = BatchNormLayerOf(network, name, "running_mean");
            if (layer >= 0 && key.EndsWith(".running_mean", StringComparison.Ordinal))
            {
                counters.TryAdd(key[..^"running_mean".Length] + PyTorchSequential.BatchCounter, layer);
            }

            layer = BatchNormLayerOf(network, name, PyTorchSequential.BatchCounter);
            if (layer >= 0)
            {
                counters[key] = layer;
            }
        }

        return new WeightLoader.KeyMap(nameMap.GetValueOrDefault, keyOf.GetValueOrDefault, _ => "not in the name map") { Counters = counters };
    }

    /// <summary>The index of the batch-normalisation layer (one with a PyTorch batch counter) that <paramref name="name"/> (<c>layers.{i}.{local}</c>) is a tensor of, or −1.</summary>
    private static int BatchNormLayerOf(Network network, string name, string local)
    {
        var match = LayerKey().Match(name);
        return match.Success
            && match.Groups[2].Value == local
            && int.TryParse(match.Groups[1].ValueSpan, NumberStyles.None, CultureInfo.InvariantCulture, out int index)
            && index < network.Layers.Count
            && network.Layers[index].HasPyTorchBatchCounter
            ? index
            : -1;
    }

    [GeneratedRegex(@"^layers\.(\d{1,9})\.(\w+)$", RegexOptions.CultureInvariant)]
    private static partial Regex LayerKey();
}
