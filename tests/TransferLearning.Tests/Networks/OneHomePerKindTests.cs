using System.Text.RegularExpressions;
using TransferLearning.Tests.Support;

namespace TransferLearning.Tests.Networks;

/// <summary>
/// Each layer kind and each activation has one home: no code in <c>src/</c> outside a kind's own file tests for its
/// type, casts to it or switches on it (see the notes on <c>LayerKinds</c>). The rest of the library asks
/// <c>Layer</c>'s virtual members, <c>Layer.Kind</c> or <c>Activation.Kind</c>.
/// </summary>
public partial class OneHomePerKindTests
{
    private const string LayerKindNames = "dense|dropout|batchnorm";

    private const string ActivationKindNames = "Identity|ReLU|LeakyReLU|Sigmoid|Tanh|Softmax";

    private static readonly string[] LayerKinds = ["DenseLayer", "DropoutLayer", "BatchNormLayer"];

    // No file is exempt: the inference wing (src/TransferLearning/Inference) asks Layer.IsIdentityAtInference, the
    // IAffineLayer capability and Activation.FusedSlope / IsAppliedByProducts / IsSoftmax instead of testing kinds.
    private static readonly string[] InferenceFiles = [];

    // The ONNX package's one table of kinds (Layer.Kind → nodes) casts each layer to its kind inside its table entry.
    private const string OnnxTable = "src/TransferLearning.Onnx/OnnxExport.cs";

    [Fact]
    public void Sources_OutsideEachKindsOwnFile_HaveNoTypeTestCastOrSwitchOnALayerKindOrActivationClass()
    {
        var offenders = new List<string>();
        foreach (string file in Directory.EnumerateFiles(Path.Combine(Repository.Root(), "src"), "*.cs", SearchOption.AllDirectories))
        {
            string relative = Path.GetRelativePath(Repository.Root(), file).Replace('\\', '/');
            if (relative.Contains("/obj/", StringComparison.Ordinal) || relative.Contains("/bin/", StringComparison.Ordinal) || InferenceFiles.Contains(relative))
            {
                continue;
            }

            string[] lines = File.ReadAllLines(file);
            for (int i = 0; i < lines.Length; i++)
            {
                foreach (string kind in Offences(lines[i]))
                {
                    if (!IsHomeOf(relative, kind))
                    {
                        offenders.Add($"{relative}:{i + 1}: {kind}: {lines[i].Trim()}");
                    }
                }
            }
        }

        offenders.Should().BeEmpty("a layer kind or an activation is tested for, cast to or switched on only in its own file");
    }

    [Theory]
    [InlineData("            if (layer is DenseLayer dense)", "DenseLayer")]
    [InlineData("        lastNode = layers[l] is DropoutLayer ? lastNode : l;", "DropoutLayer")]
    [InlineData("                case BatchNormLayer batchNorm:", "BatchNormLayer")]
    [InlineData("                DenseLayer dense => AddDense(graph, dense, l, previous, graphOutput),", "DenseLayer")]
    [InlineData("        : _layers[^1] as DenseLayer ?? throw new InvalidOperationException(", "DenseLayer")]
    [InlineData("                ((DenseLayer)_layers[l]).BackwardFromPreActivation(_backend, aPrev);", "DenseLayer")]
    [InlineData("        if (layers.OfType<BatchNormLayer>().Any())", "BatchNormLayer")]
    [InlineData("        LeakyReluActivation { Slope: 0f } => \"ReLU\",", "Activation classes")]
    [InlineData("using TransferLearning.Networks.Activations;", "Activation classes")]
    [InlineData("            case \"Softmax\": return Activation.Softmax;", "Kind names")]
    [InlineData("        [\"dense\"] = (graph, layer) => AddDense(graph, layer),", "Kind names")]
    [InlineData("        (\"LeakyReLU\", 1) => LeakyReLU(values[0]),", "Kind names")]
    [InlineData("        \"batchnorm\" => PlanBatchNorm(),", "Kind names")]
    public void Offences_TheTestsAndSwitchesThisIssueRemoved_AreFound(string line, string kind) =>
        Offences(line).Should().Contain(kind);

    [Theory]
    [InlineData("        return Add(DenseLayer.Create(OutputSize, units, activation, _random, initializer));")]
    [InlineData("    public IReadOnlyList<DenseLayer> DenseLayers => DenseLayer.In(_layers);")]
    [InlineData("    public static BatchNormSpec BatchNorm(float momentum = BatchNormLayer.DefaultMomentum)")]
    [InlineData("        if (_layers.Count > 0 && _layers[^1].IsOutputOnly)")]
    [InlineData("    internal const string KindName = \"dense\";")]
    [InlineData("            throw new ArgumentException($\"Expected a dense layer\");")]
    public void Offences_UsesOfAKindThatAreNoTypeTest_AreNotFound(string line) => Offences(line).Should().BeEmpty();

    /// <summary>The kinds (or "Activation classes") that <paramref name="line"/> tests for, casts to or switches on.</summary>
    private static IEnumerable<string> Offences(string line)
    {
        string code = line.TrimStart();
        if (code.StartsWith("//", StringComparison.Ordinal))
        {
            yield break;
        }

        foreach (string kind in LayerKinds)
        {
            string k = Regex.Escape(kind);
            string pattern = $@"\bis\s+(not\s+)?{k}\b|\bas\s+{k}\b|\(\s*{k}\s*\)\s*[\w(]|\bcase\s+{k}\b|^{k}\b[^.(<]*=>|OfType<{k}>|typeof\({k}\)";
            if (Regex.IsMatch(code, pattern))
            {
                yield return kind;
            }
        }

        if (ActivationClass().IsMatch(code))
        {
            yield return "Activation classes";
        }

        // A switch or table on a kind's name: layers' (Layer.Kind) and activations' (Activation.Kind).
        if (Regex.IsMatch(code, $@"(\[|\bcase\s+|\(|^)""({LayerKindNames}|{ActivationKindNames})""(\s*,\s*\d+\))?\s*(\]\s*=[^=]|=>|:)"))
        {
            yield return "Kind names";
        }
    }

    private static bool IsHomeOf(string relative, string kind) => kind switch
    {
        "Activation classes" => relative == "src/TransferLearning/Networks/Activation.cs"
            || relative.StartsWith("src/TransferLearning/Networks/Activations/", StringComparison.Ordinal),
        "Kind names" => relative == "src/TransferLearning/Networks/Activation.cs" || relative == OnnxTable,
        _ => relative.EndsWith($"/{kind}.cs", StringComparison.Ordinal) || relative == OnnxTable,
    };

    [GeneratedRegex(@"\b(LeakyRelu|Identity|Sigmoid|Softmax|Tanh)Activation\b|Networks\.Activations\b")]
    private static partial Regex ActivationClass();
}
