using System.Collections.Frozen;

namespace TransferLearning.Serialization;

/// <summary>
/// How <see cref="PyTorchImport.Load(Networks.Network, string, PyTorchImportOptions)"/> matches a PyTorch
/// <c>state_dict</c> to a network: by the <c>nn.Sequential</c> keys or a name map, strictly (PyTorch's
/// <c>load_state_dict(strict=True)</c>, the default) or not. Validated as set.
/// </summary>
public sealed record PyTorchImportOptions
{
    private readonly IReadOnlyDictionary<string, string>? _nameMap;
    private readonly string _keyPrefix = string.Empty;
    private readonly int _firstModuleIndex;

    /// <summary>
    /// Gets the map from the file's keys to the network's parameter names (<c>"head.weight" → "layers.2.weight"</c>),
    /// for a model that is not an <c>nn.Sequential</c>. A copy is kept. A key mapped to nothing is not loaded. A
    /// batch-normalisation module's <c>{prefix}.num_batches_tracked</c> need not be mapped: it goes with the layer
    /// that <c>{prefix}.running_mean</c> is mapped to.
    /// </summary>
    /// <value>
    /// The default is <see langword="null"/>: the file is read as the <c>nn.Sequential</c> equivalent to the network,
    /// each key matched to the module at its index (a dense layer is an <c>nn.Linear</c> and its activation module,
    /// an identity activation none; batch normalisation an <c>nn.BatchNorm1d</c>; dropout an <c>nn.Dropout</c>).
    /// </value>
    /// <exception cref="ArgumentException">A key or a parameter name is empty.</exception>
    public IReadOnlyDictionary<string, string>? NameMap
    {
        get => _nameMap;
        init
        {
            if (value is not null)
            {
                foreach (var (key, name) in value)
                {
                    if (string.IsNullOrEmpty(key) || string.IsNullOrEmpty(name))
                    {
                        throw new ArgumentException(
                            $"Expected a non-empty key and parameter name in every entry but got '{key}' → '{name}'.", nameof(NameMap));
                    }
                }
            }

            _nameMap = value?.ToFrozenDictionary(StringComparer.Ordinal);
        }
    }

    /// <summary>
    /// Gets the prefix of the <c>nn.Sequential</c>'s keys, for one that is a named part of a larger model:
    /// <c>"features."</c> reads <c>features.0.weight</c>, … (<c>self.features = nn.Sequential(…)</c>). Only without a <see cref="NameMap"/>.
    /// </summary>
    /// <value>The default is empty: the model is the <c>nn.Sequential</c> itself.</value>
    /// <exception cref="ArgumentNullException">The value is <see langword="null"/>.</exception>
    public string KeyPrefix
    {
        get => _keyPrefix;
        init => _keyPrefix = value ?? throw new ArgumentNullException(nameof(KeyPrefix), "Expected a prefix (empty for none) but got null.");
    }

    /// <summary>
    /// Gets the index of the network's first module in the <c>nn.Sequential</c>, for one that starts with modules
    /// without tensors the network has no layer for: 1 for <c>nn.Sequential(nn.Flatten(), nn.Linear(784, 256), …)</c>,
    /// whose keys are <c>1.weight</c>, <c>1.bias</c>, <c>3.weight</c>, …. Only without a <see cref="NameMap"/>.
    /// </summary>
    /// <value>The default is 0.</value>
    /// <exception cref="ArgumentOutOfRangeException">The value is negative.</exception>
    public int FirstModuleIndex
    {
        get => _firstModuleIndex;
        init
        {
            Guard.AtLeast(value, 0, nameof(FirstModuleIndex));
            _firstModuleIndex = value;
        }
    }

    /// <summary>
    /// Gets a value indicating whether the file and the network must match exactly, as PyTorch's
    /// <c>load_state_dict(strict=True)</c>: every parameter and buffer of the network has a tensor of its shape, and
    /// every tensor of the file is loaded (or is a <c>num_batches_tracked</c> counter); anything else is a
    /// <see cref="ModelFormatException"/> naming the file's keys. When <see langword="false"/> (PyTorch's
    /// <c>strict=False</c>), the tensors that match are loaded, the others are listed in
    /// <see cref="LoadReport.Skipped"/> with the reason, and the parameters without a tensor keep their values
    /// (<see cref="LoadReport.NewlyInitialized"/>): for a pretrained body under a new head.
    /// </summary>
    /// <value>The default is <see langword="true"/>.</value>
    public bool Strict { get; init; } = true;
}
