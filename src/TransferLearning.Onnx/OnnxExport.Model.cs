using System.Text.Json;
using TransferLearning.Data;
using TransferLearning.Deployment;
using TransferLearning.Onnx.Protobuf;
using static TransferLearning.Onnx.Protobuf.OnnxFields;

namespace TransferLearning.Onnx;

/// <summary>Exports a deployable <see cref="Model"/>: its input standardisation as the graph's first nodes, its class names as metadata.</summary>
public static partial class OnnxExport
{
    // The values the input standardisation adds to the graph; no option may take these names.
    private static readonly string[] StandardizationNames = ["input.mean", "input.scale", "input.centred", "input.standardized"];

    /// <summary>
    /// Returns the ONNX model of a deployable <paramref name="model"/>: the graph takes raw rows, as
    /// <see cref="Model.Predict(ReadOnlySpan{float})"/> does, and returns the network's outputs (the class probabilities of a
    /// softmax classifier, <c>P(class 1)</c> of a one-unit sigmoid, or the regression targets).
    /// </summary>
    /// <param name="model">The model.</param>
    /// <param name="options">The names of the input, output and batch dimension; <see langword="null"/> for the defaults.</param>
    /// <returns>The bytes of the model (an ONNX <c>ModelProto</c>).</returns>
    /// <remarks>
    /// <para>
    /// A model with an <see cref="Model.InputStandardizer"/> starts with <c>Sub(input, input.mean)</c> and
    /// <c>Mul(·, input.scale)</c> (<c>input.scale = 1/σ</c>, 1 for a constant feature), the float32 operations
    /// <see cref="Standardizer"/> performs, so ONNX Runtime reproduces <see cref="Model.Predict(ReadOnlySpan{float})"/>'s outputs within
    /// 1e-5. The model's <c>metadata_props</c> hold <c>task</c> (<c>classification</c> or <c>regression</c>) and
    /// <c>class_names</c> (a JSON array in label order), which ONNX Runtime returns in <c>ModelMetadata.CustomMetadataMap</c>.
    /// </para>
    /// <para>
    /// The graph gives probabilities, never a class: it has no label output, and a <see cref="Model.DecisionThreshold"/>
    /// does not change it. A model with one adds <c>decision_threshold</c> to the <c>metadata_props</c> (the threshold
    /// <c>t</c> as a round-trip number, <c>0.3125</c>); an app that runs the graph decides as <see cref="Model.Predict(ReadOnlySpan{float})"/>
    /// does — class 1 exactly when <c>P(class 1) ≥ t</c>, that is the output's last row (the sigmoid's <c>p</c>, or the
    /// softmax's second probability) — and takes the most probable class when the key is absent.
    /// </para>
    /// </remarks>
    /// <exception cref="ArgumentNullException"><paramref name="model"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="options"/> gives the input and the output the same name, or either the name of a weight or of an inner value of the graph (such as <c>layers.0.weight</c> or <c>input.mean</c>).</exception>
    /// <exception cref="NotSupportedException">A layer, or its activation, has no ONNX operator here.</exception>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("ApiDesign", "RS0026:Do not add multiple public overloads with optional parameters", Justification = "The overloads differ in what they export (a network or a model), not in optional parameters; a later setting goes into OnnxExportOptions, never into a new optional parameter.")]
    public static byte[] ToOnnx(this Model model, OnnxExportOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        List<KeyValuePair<string, string>> properties =
        [
            new("task", model.Task == ModelTask.Classification ? "classification" : "regression"),
            new("class_names", JsonSerializer.Serialize(model.ClassNames)),
        ];
        if (model.DecisionThreshold is double threshold)
        {
            properties.Add(new("decision_threshold", threshold.ToString("R", System.Globalization.CultureInfo.InvariantCulture)));
        }

        return Build(model.Network, options ?? new OnnxExportOptions(), model.InputStandardizer, properties);
    }

    /// <summary>Writes the ONNX model of <paramref name="model"/> (see <see cref="ToOnnx(Model, OnnxExportOptions?)"/>) to <paramref name="stream"/>.</summary>
    /// <param name="model">The model.</param>
    /// <param name="stream">A writable stream; left open.</param>
    /// <param name="options">The names of the input, output and batch dimension; <see langword="null"/> for the defaults.</param>
    /// <exception cref="ArgumentNullException"><paramref name="model"/> or <paramref name="stream"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="stream"/> is not writable, or the names of <paramref name="options"/> collide (see <see cref="ToOnnx(Model, OnnxExportOptions?)"/>); nothing is written.</exception>
    /// <exception cref="NotSupportedException">A layer, or its activation, has no ONNX operator here.</exception>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("ApiDesign", "RS0026:Do not add multiple public overloads with optional parameters", Justification = "The overloads differ in their target (a path or a stream), not in optional parameters; a later setting goes into OnnxExportOptions, never into a new optional parameter.")]
    public static void ExportOnnx(this Model model, Stream stream, OnnxExportOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        if (!stream.CanWrite)
        {
            throw new ArgumentException("Expected a writable stream but got a read-only one.", nameof(stream));
        }

        stream.Write(model.ToOnnx(options));
    }

    /// <summary>Writes the ONNX model of <paramref name="model"/> (see <see cref="ToOnnx(Model, OnnxExportOptions?)"/>) to the file <paramref name="path"/>, atomically.</summary>
    /// <param name="model">The model.</param>
    /// <param name="path">The file to write (conventionally <c>*.onnx</c>).</param>
    /// <param name="options">The names of the input, output and batch dimension; <see langword="null"/> for the defaults.</param>
    /// <exception cref="ArgumentNullException"><paramref name="model"/> or <paramref name="path"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="path"/> is empty, or the names of <paramref name="options"/> collide; nothing is written.</exception>
    /// <exception cref="NotSupportedException">A layer, or its activation, has no ONNX operator here.</exception>
    /// <exception cref="IOException">The file could not be written (also when the folder is not writable or <paramref name="path"/> is a directory: the cause is the inner exception); an earlier file at <paramref name="path"/> is unchanged.</exception>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("ApiDesign", "RS0026:Do not add multiple public overloads with optional parameters", Justification = "The overloads differ in their target (a path or a stream), not in optional parameters; a later setting goes into OnnxExportOptions, never into a new optional parameter.")]
    public static void ExportOnnx(this Model model, string path, OnnxExportOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        WriteAtomically(model.ToOnnx(options), path);
    }

    // x' = (x − μ)·(1/σ) over dimension 1 of [batch, n]: two broadcasting nodes reading [1, n] initialisers.
    private static string AddStandardization(ProtoMessage graph, Standardizer standardizer, string input)
    {
        int n = standardizer.FeatureCount;
        var scales = standardizer.StandardDeviations.Select(s => s > 0 ? 1f / s : 1f).ToArray();
        graph.Message(GraphInitializer, Tensor(StandardizationNames[0], [.. standardizer.Means], 1, n));
        graph.Message(GraphInitializer, Tensor(StandardizationNames[1], scales, 1, n));
        graph.Message(GraphNode, Node("input.sub", "Sub", [input, StandardizationNames[0]], StandardizationNames[2], null));
        graph.Message(GraphNode, Node("input.mul", "Mul", [StandardizationNames[2], StandardizationNames[1]], StandardizationNames[3], null));
        return StandardizationNames[3];
    }
}
