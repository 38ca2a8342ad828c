using System.Globalization;
using TransferLearning.Networks;

namespace TransferLearning.Serialization;

/// <summary>
/// A network as the equivalent PyTorch <c>nn.Sequential</c>: which module index each layer (and each dense layer's
/// activation) has there, and the <c>state_dict</c> key of each parameter and buffer.
/// </summary>
/// <remarks>
/// Each layer kind gives its own modules (<see cref="Layer.PyTorchModules"/>): a dense layer is an <c>nn.Linear</c> followed by its activation module (<c>nn.ReLU</c>, <c>nn.LeakyReLU(slope)</c>,
/// <c>nn.Sigmoid</c>, <c>nn.Tanh</c>, <c>nn.Softmax(dim=1)</c>); an identity activation has no module. Batch
/// normalisation is one <c>nn.BatchNorm1d</c> (keys <c>weight</c>, <c>bias</c>, <c>running_mean</c>,
/// <c>running_var</c>, <c>num_batches_tracked</c>), dropout one <c>nn.Dropout</c>. So
/// <c>Dense(8, ReLU), BatchNorm, Dropout, Dense(3, Softmax)</c> is <c>0 Linear, 1 ReLU, 2 BatchNorm1d, 3 Dropout,
/// 4 Linear, 5 Softmax</c>, and its keys are <c>0.weight</c>, <c>0.bias</c>, <c>2.weight</c>, …, <c>4.bias</c>.
/// </remarks>
internal sealed class PyTorchSequential
{
    /// <summary>PyTorch's name of a batch-normalisation module's batch counter.</summary>
    public const string BatchCounter = "num_batches_tracked";

    private readonly List<string> _modules = [];
    private readonly string _prefix;
    private readonly int _first;
    private readonly Dictionary<string, string> _keyOfParameter = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _parameterOfKey = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _counters = new(StringComparer.Ordinal);

    /// <summary>Lays out <paramref name="network"/>: its first module at index <paramref name="firstIndex"/>, every key after <paramref name="prefix"/>.</summary>
    /// <exception cref="NotSupportedException">A layer's kind has no PyTorch module.</exception>
    public PyTorchSequential(Network network, string prefix = "", int firstIndex = 0)
    {
        _prefix = prefix;
        _first = firstIndex;
        for (int l = 0; l < network.Layers.Count; l++)
        {
            var layer = network.Layers[l];
            int index = firstIndex + _modules.Count;
            _modules.AddRange(layer.PyTorchModules ?? throw new NotSupportedException(Invariant.F($"Layer {l} ({layer}) has no PyTorch module.")));
            if (layer.HasPyTorchBatchCounter)
            {
                _counters.Add(Key(index, BatchCounter), l);
            }

            foreach (var (parameter, _) in layer.SavedTensors())
            {
                string key = Key(index, parameter.LocalName);
                _keyOfParameter.Add(parameter.Name, key);
                _parameterOfKey.Add(key, parameter.Name);
            }
        }
    }

    /// <summary>Gets the modules in order, as Python code: <c>nn.Linear(6, 8)</c>, <c>nn.ReLU()</c>, <c>nn.BatchNorm1d(8, eps=1e-05, momentum=0.1)</c>.</summary>
    public IReadOnlyList<string> Modules => _modules;

    /// <summary>Gets the keys of the batch-normalisation counters (<c>2.num_batches_tracked</c>) and their layers' indices.</summary>
    public IReadOnlyDictionary<string, int> Counters => _counters;

    /// <summary>The <c>state_dict</c> key of a parameter or buffer (<c>layers.1.weight</c> → <c>2.weight</c>).</summary>
    public string KeyOf(string parameterName) => _keyOfParameter[parameterName];

    /// <summary>The parameter a key names, or <see langword="null"/>.</summary>
    public string? ParameterOf(string key) => _parameterOfKey.GetValueOrDefault(key);

    /// <summary>Why <paramref name="key"/> is not a key of this <c>nn.Sequential</c>, for messages.</summary>
    public string WhyNot(string key)
    {
        if (key.StartsWith("layers.", StringComparison.Ordinal) && !_prefix.StartsWith("layers.", StringComparison.Ordinal))
        {
            return "a key of this library's own format: load the file with network.LoadWeights or Network.Load";
        }

        if (!key.StartsWith(_prefix, StringComparison.Ordinal))
        {
            return $"not an nn.Sequential key under '{_prefix}'";
        }

        string local = key[_prefix.Length..];
        int dot = local.IndexOf('.', StringComparison.Ordinal);
        if (dot > 0 && int.TryParse(local.AsSpan(0, dot), NumberStyles.None, CultureInfo.InvariantCulture, out int index))
        {
            return index >= _first && index - _first < _modules.Count
                ? Invariant.F($"module {index} of the network's nn.Sequential is {_modules[index - _first]}, which has no '{local[(dot + 1)..]}'")
                : Invariant.F($"the network's nn.Sequential has modules {_first} to {_first + _modules.Count - 1}");
        }

        return _prefix.Length == 0 ? "not an nn.Sequential key" : $"not an nn.Sequential key under '{_prefix}'";
    }

    /// <summary>Returns the modules with their indices: <c>0 nn.Linear(6, 8), 1 nn.ReLU(), …</c>.</summary>
    public override string ToString() => string.Join(", ", _modules.Select((m, i) => Invariant.F($"{_first + i} {m}")));

    /// <summary>Returns the Python code of the <c>nn.Sequential</c>: <c>nn.Sequential(nn.Linear(6, 8), nn.ReLU(), …)</c>.</summary>
    public string Code() => "nn.Sequential(" + string.Join(", ", _modules) + ")";

    /// <summary>The tensors of the <c>state_dict</c> in module order, float32, with an I64 zero for each batch counter.</summary>
    public List<SavedTensor> StateDict(Network network)
    {
        var tensors = new List<SavedTensor>();
        foreach (var layer in network.Layers)
        {
            string? prefix = null;
            foreach (var (parameter, shape) in layer.SavedTensors())
            {
                string key = KeyOf(parameter.Name);
                prefix ??= key[..(key.LastIndexOf('.') + 1)];
                tensors.Add(new SavedTensor(key, shape, NetworkFormat.RowMajor(parameter)));
            }

            if (layer.HasPyTorchBatchCounter && prefix is not null)
            {
                tensors.Add(SavedTensor.Int64(prefix + BatchCounter, [], [0]));
            }
        }

        return tensors;
    }

    /// <summary>A float as Python reads it back to the same float32 (<c>0.1</c>, <c>1e-05</c>), for the modules' code.</summary>
    public static string Float(float value) => value.ToString("R", CultureInfo.InvariantCulture).Replace("E", "e", StringComparison.Ordinal);

    private string Key(int index, string name) => Invariant.F($"{_prefix}{index}.{name}");
}
