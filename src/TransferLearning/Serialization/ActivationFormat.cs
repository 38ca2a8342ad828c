using System.Globalization;
using TransferLearning.Networks;
using TransferLearning.Networks.Activations;

namespace TransferLearning.Serialization;

/// <summary>
/// The closed mapping between activations and the names a file stores: <c>Identity</c>, <c>ReLU</c>,
/// <c>LeakyReLU(slope)</c>, <c>Sigmoid</c>, <c>Tanh</c>, <c>Softmax</c>. Nothing else is read.
/// </summary>
internal static class ActivationFormat
{
    private const string LeakyPrefix = "LeakyReLU(";

    /// <summary>The stored name of <paramref name="activation"/>.</summary>
    public static string Name(Activation activation) => activation switch
    {
        LeakyReluActivation { Slope: 0f } => "ReLU",
        LeakyReluActivation leaky => LeakyPrefix + leaky.Slope.ToString("R", CultureInfo.InvariantCulture) + ")",
        IdentityActivation => "Identity",
        SigmoidActivation => "Sigmoid",
        TanhActivation => "Tanh",
        SoftmaxActivation => "Softmax",
        _ => throw new NotSupportedException($"The activation {activation.Name} has no stored form."),
    };

    /// <summary>Parses a stored name, or throws a <see cref="ModelFormatException"/> naming the key.</summary>
    public static Activation Parse(MetadataReader metadata, string key)
    {
        string name = metadata.String(key);
        switch (name)
        {
            case "Identity": return Activation.Identity;
            case "ReLU": return Activation.ReLU;
            case "Sigmoid": return Activation.Sigmoid;
            case "Tanh": return Activation.Tanh;
            case "Softmax": return Activation.Softmax;
        }

        if (name.StartsWith(LeakyPrefix, StringComparison.Ordinal) && name.EndsWith(')')
            && float.TryParse(name.AsSpan(LeakyPrefix.Length, name.Length - LeakyPrefix.Length - 1), NumberStyles.Float, CultureInfo.InvariantCulture, out float slope)
            && slope >= 0f && slope < 1f)
        {
            return Activation.LeakyReLU(slope);
        }

        throw metadata.Error($"metadata '{key}' is '{name}'; expected Identity, ReLU, LeakyReLU(slope in [0, 1)), Sigmoid, Tanh or Softmax.");
    }
}
