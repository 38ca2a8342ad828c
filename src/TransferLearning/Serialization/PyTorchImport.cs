using System.Globalization;
using System.Text.RegularExpressions;
using TransferLearning.Networks;

namespace TransferLearning.Serialization;

/// <summary>
/// Loads weights trained with PyTorch from a safetensors file (<c>safetensors.torch.save_file(model.state_dict(), path)</c>)
/// into a network of the same architecture.
/// </summary>
/// <remarks>
/// <para>
/// PyTorch's <c>nn.Linear</c> stores <c>weight</c> as <c>[out_features, in_features]</c> and <c>bias</c> as
/// <c>[out_features]</c> — this library's <c>W[l]</c> and <c>b[l]</c>. F32, F64, F16 and BF16 tensors are
/// converted to float32 (F16 and BF16 exactly; F64 rounded to nearest). Activation modules have no tensors:
/// the network you build must use the same activations as the PyTorch model, in the same places.
/// </para>
/// <para>
/// Without a name map, the file is read as an <c>nn.Sequential</c>: tensors named <c>{k}.weight</c> and
/// <c>{k}.bias</c> (and, for <c>nn.BatchNorm1d</c>, <c>{k}.running_mean</c> and <c>{k}.running_var</c>), the
/// modules taken in increasing order of <c>k</c> (<c>0</c>, <c>2</c>, <c>4</c>, … with activations and dropout
/// between them), the i-th such module's tensors going to the i-th layer that has parameters (dense or
/// batch normalisation). <c>num_batches_tracked</c> is skipped. Any other model loads with a map
/// from the file's names to the network's (<c>"body.0.weight" → "layers.0.weight"</c>). Tensors that map to
/// nothing are listed as skipped in the report.
/// </para>
/// </remarks>
public static partial class PyTorchImport
{
    /// <summary>Loads the weights of a PyTorch safetensors file into <paramref name="network"/>.</summary>
    /// <param name="network">A network with the PyTorch model's architecture (or, with <paramref name="requireEveryParameter"/> off, a part of it).</param>
    /// <param name="path">The safetensors file.</param>
    /// <param name="nameMap">Maps the file's tensor names to the network's parameter names; <see langword="null"/> (the default) reads an <c>nn.Sequential</c>.</param>
    /// <param name="requireEveryParameter">Whether every parameter of the network must be loaded. The default is <see langword="true"/>.</param>
    /// <returns>Which tensors were loaded, which skipped (and why), and which parameters kept their own values.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="network"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="path"/> is empty.</exception>
    /// <exception cref="ModelFormatException">
    /// The file is not a valid safetensors file; a tensor to load is not floating-point or not finite; or a
    /// parameter has no tensor of its name and shape while <paramref name="requireEveryParameter"/> is set. The
    /// network is then unchanged.
    /// </exception>
    /// <exception cref="IOException">The file could not be read (also a directory given as the file or no permission, with the path and the cause as the inner exception).</exception>
    public static LoadReport Load(Network network, string path, IReadOnlyDictionary<string, string>? nameMap = null, bool requireEveryParameter = true)
    {
        ArgumentNullException.ThrowIfNull(network);
        return SafeTensorsReader.Read(path, reader =>
        {
            var map = nameMap ?? SequentialMap(network, reader.Header);
            return WeightLoader.Load(network, reader, name => map.GetValueOrDefault(name), requireEveryParameter);
        });
    }

    /// <summary>Maps <c>{k}.weight</c>/<c>{k}.bias</c> of the i-th module (by increasing k) to layer i's parameters.</summary>
    private static Dictionary<string, string> SequentialMap(Network network, SafeTensorsHeader header)
    {
        var modules = header.Tensors
            .Select(t => SequentialKey().Match(t.Name))
            .Where(m => m.Success && int.TryParse(m.Groups[1].ValueSpan, NumberStyles.None, CultureInfo.InvariantCulture, out _))
            .GroupBy(m => int.Parse(m.Groups[1].ValueSpan, NumberStyles.None, CultureInfo.InvariantCulture))
            .OrderBy(g => g.Key)
            .ToList();
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        var layers = Enumerable.Range(0, network.Layers.Count).Where(l => network.Layers[l].Parameters.Count > 0).ToList();
        for (int i = 0; i < modules.Count && i < layers.Count; i++)
        {
            foreach (var match in modules[i])
            {
                map[match.Value] = string.Create(CultureInfo.InvariantCulture, $"layers.{layers[i]}.{match.Groups[2].Value}");
            }
        }

        return map;
    }

    [GeneratedRegex(@"^(\d{1,9})\.(weight|bias|running_mean|running_var)$", RegexOptions.CultureInvariant)]
    private static partial Regex SequentialKey();
}
