using System.Buffers;
using System.Globalization;
using System.Numerics.Tensors;
using MathNet.Numerics.LinearAlgebra;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using TransferLearning.Data;
using TransferLearning.Networks;

namespace TransferLearning.OnnxRuntime;

/// <summary>
/// A pretrained ONNX model, cut at a named value, used as a frozen feature extractor on ONNX Runtime: rows of raw
/// values in, the cut value's output out. Train a head of this library on its features (<see cref="Extract(Dataset)"/>).
/// </summary>
/// <remarks>
/// <para>
/// For each example <c>x</c> (a row of <see cref="InputSize"/> values), the body computes
/// <c>x' = (x·Scale − Mean) / Std</c> value by value (see <see cref="OnnxBodyOptions"/>), reshapes <c>x'</c> row-major to
/// <c>[batch, InputShape…]</c>, runs the model with ONNX Runtime and returns the cut value, flattened row-major to
/// <see cref="OutputSize"/> features per example. Nothing below the cut trains: the body is frozen by construction.
/// </para>
/// <para>
/// Cutting at an intermediate value declares that value one more output of the graph (an edit of the model's bytes
/// in memory; the file is not changed) so that ONNX Runtime returns it; what runs above the cut is still computed.
/// A model whose weights are in external data files must be cut at a graph output (the edited model is loaded from
/// memory). The features equal ONNX Runtime's own output for that graph bit for bit when the batches are the same,
/// and within float rounding otherwise.
/// </para>
/// <para>
/// The body is thread-safe: ONNX Runtime's sessions run concurrently, and each call has buffers of its own (dispose
/// the body only once no call is running).
/// </para>
/// </remarks>
public sealed class OnnxBody : FeatureExtractor, IDisposable
{
    private readonly InferenceSession _session;
    private readonly string _inputName;
    private readonly string _cut;
    private readonly long[] _inputShape;
    private readonly int _batchSize;
    private readonly bool _fixedBatch;
    private readonly float _scale;
    private readonly float _mean;
    private readonly float _std;
    private int _disposed;
    private int _outputSize;
    private string _modelDigest = string.Empty;
    private readonly float[]? _standardMeans;
    private readonly float[]? _standardScales;

    private OnnxBody(InferenceSession session, string path, string inputName, string cut, IReadOnlyList<int> inputShape, int batchSize, bool fixedBatch, OnnxBodyOptions options)
    {
        _session = session;
        Path = path;
        _inputName = inputName;
        _cut = cut;
        _inputShape = [batchSize, .. inputShape.Select(d => (long)d)];
        _batchSize = batchSize;
        _fixedBatch = fixedBatch;
        _scale = options.Scale;
        _standardMeans = options.Standardizer?.Means.ToArray();
        _standardScales = options.Standardizer?.StandardDeviations.Select(s => s > 0 ? 1f / s : 1f).ToArray();   // as Standardizer computes them
        _mean = options.Mean;
        _std = options.Std;
        InputSize = inputShape.Aggregate(1, (a, b) => a * b);
        Options = options;
    }

    /// <summary>Gets the full path of the model file.</summary>
    public string Path { get; }

    /// <summary>
    /// Gets what identifies the body's function: the SHA-256 of the model file's bytes, the input, the cut, the shape and
    /// the preprocessing (with a digest of the <see cref="OnnxBodyOptions.Standardizer"/>'s statistics), such as
    /// <c>onnx sha256=3f…; pixels [1, 28, 28] → conv_features; scale 1, mean 0.286, std 0.353</c>. A network saved on the
    /// body records it, and loads only on a body with the same (<c>Network.Load(path, body)</c>); the batch size and
    /// threads, which do not change the features' values beyond float rounding, are not part of it.
    /// </summary>
    public override string Identity => string.Create(
        CultureInfo.InvariantCulture,
        $"onnx sha256={_modelDigest}; {_inputName} [{string.Join(", ", Options.InputShape)}] → {_cut}; scale {Options.Scale:R}, mean {Options.Mean:R}, std {Options.Std:R}{StandardizerDigest()}");

    /// <summary>Gets the options the body was loaded with.</summary>
    public OnnxBodyOptions Options { get; }

    /// <summary>Gets the name of the model's input that takes the examples.</summary>
    public string InputName => _inputName;

    /// <summary>Gets the name of the value the model is cut at: its output are the features.</summary>
    public string Cut => _cut;

    /// <summary>Gets <c>n_x</c>, the number of raw values per example: the product of <see cref="OnnxBodyOptions.InputShape"/>.</summary>
    public override int InputSize { get; }

    /// <summary>Gets the number of features per example: the size of the cut value per example (from the model's shapes, or measured on one example when they are symbolic).</summary>
    public override int OutputSize => _outputSize;

    /// <summary>Loads an ONNX model and cuts it as <paramref name="options"/> say.</summary>
    /// <param name="path">The .onnx file.</param>
    /// <param name="options">The input's name and shape, the preprocessing, the cut and the batch size.</param>
    /// <returns>The body, ready to extract features; dispose it to free ONNX Runtime's session.</returns>
    /// <exception cref="ArgumentException"><paramref name="path"/> is empty; or <see cref="OnnxBodyOptions.Standardizer"/> standardises another number of values than <see cref="OnnxBodyOptions.InputShape"/> holds; or the model has no input named <see cref="OnnxBodyOptions.InputName"/> (or, with none given, more than one input); or no graph output or intermediate value named <see cref="OnnxBodyOptions.Cut"/> (or, with none given, more than one output); or the input is not float32, or its shape does not take <see cref="OnnxBodyOptions.InputShape"/> (the message names the expected and the actual); or the cut value is not float32.</exception>
    /// <exception cref="ArgumentNullException"><paramref name="path"/> or <paramref name="options"/> is <see langword="null"/>.</exception>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">The file is not an ONNX model that ONNX Runtime can load (its error is the inner exception).</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    /// <exception cref="UnauthorizedAccessException">The file may not be read.</exception>
    public static OnnxBody Load(string path, OnnxBodyOptions options)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(options);
        int inputSize = options.InputShape.Aggregate(1, (a, b) => a * b);
        if (options.Standardizer is { } standardizer && standardizer.FeatureCount != inputSize)
        {
            throw new ArgumentException(
                string.Create(CultureInfo.InvariantCulture, $"Expected OnnxBodyOptions.Standardizer to standardise {inputSize} values (the product of InputShape [{string.Join(", ", options.InputShape)}]) but it has {standardizer.FeatureCount} features."),
                nameof(options));
        }

        string full = System.IO.Path.GetFullPath(path);
        if (!File.Exists(full))
        {
            throw new FileNotFoundException($"Expected an ONNX model at '{full}' but there is no such file.", full);
        }

        byte[] model = File.ReadAllBytes(full);
        string modelDigest = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(model));
        OnnxModelBytes.GraphNames names;
        try
        {
            names = OnnxModelBytes.ReadNames(model);
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException($"Expected an ONNX model in '{full}': {e.Message}", e);
        }

        string cut = ChooseCut(options, names, full);
        bool declared = names.Outputs.Contains(cut);
        byte[]? edited = declared ? null : OnnxModelBytes.WithOutput(model, cut);

        var sessionOptions = new SessionOptions();
        InferenceSession session;
        try
        {
            sessionOptions.IntraOpNumThreads = options.IntraOpThreads;
            session = edited is null ? new InferenceSession(full, sessionOptions) : new InferenceSession(edited, sessionOptions);
        }
        catch (OnnxRuntimeException e)
        {
            throw new InvalidDataException($"ONNX Runtime cannot load '{full}'{(edited is null ? "" : $" with '{cut}' declared an output")}: {e.Message}", e);
        }
        finally
        {
            sessionOptions.Dispose();
        }

        try
        {
            string inputName = ChooseInput(options, session, full);
            var (batchSize, fixedBatch) = CheckInput(session, inputName, options, full);
            var body = new OnnxBody(session, full, inputName, cut, options.InputShape, batchSize, fixedBatch, options) { _modelDigest = modelDigest };
            body._outputSize = body.MeasureOutputSize();
            return body;
        }
        catch
        {
            session.Dispose();
            throw;
        }
    }

    /// <summary>Extracts the features of examples given as rows, in batches of <see cref="OnnxBodyOptions.BatchSize"/>.</summary>
    /// <param name="examples">The examples, one row of <see cref="InputSize"/> raw values each, one after the other.</param>
    /// <param name="features">Receives the features, one row of <see cref="OutputSize"/> values per example, in the same order.</param>
    /// <exception cref="ArgumentException"><paramref name="examples"/>' length is not a multiple of <see cref="InputSize"/>, or <paramref name="features"/>' length is not <see cref="OutputSize"/> per example.</exception>
    /// <exception cref="ObjectDisposedException">The body is disposed.</exception>
    /// <exception cref="InvalidOperationException">The model returned another number of features than <see cref="OutputSize"/> (a cut whose size depends on the input).</exception>
    /// <exception cref="OnnxRuntimeException">ONNX Runtime failed to run the model.</exception>
    public override void Extract(ReadOnlySpan<float> examples, Span<float> features)
    {
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        if (examples.Length % InputSize != 0)
        {
            throw new ArgumentException(
                $"Expected rows of {InputSize} values each in examples but its length {examples.Length} is not a multiple of {InputSize}.", nameof(examples));
        }

        int count = examples.Length / InputSize;
        if (features.Length != (long)count * OutputSize)
        {
            throw new ArgumentException(
                $"Expected {(long)count * OutputSize} values in features ({count} examples × {OutputSize} features) but got {features.Length}.", nameof(features));
        }

        float[] buffer = ArrayPool<float>.Shared.Rent(_batchSize * InputSize);
        try
        {
            for (int start = 0; start < count; start += _batchSize)
            {
                int rows = Math.Min(_batchSize, count - start);
                Preprocess(examples.Slice(start * InputSize, rows * InputSize), buffer);
                int runRows = _fixedBatch ? _batchSize : rows;
                if (runRows > rows)
                {
                    Array.Clear(buffer, rows * InputSize, (runRows - rows) * InputSize);
                }

                Run(buffer, runRows, features.Slice(start * OutputSize, rows * OutputSize));
            }
        }
        finally
        {
            ArrayPool<float>.Shared.Return(buffer);
        }
    }

    /// <summary>Extracts the features of every example of a set: a new set of <see cref="OutputSize"/> features per example, with the same labels and class names (or targets).</summary>
    /// <param name="data">The examples, <see cref="InputSize"/> raw values each.</param>
    /// <returns>The features set, ready to train a head on.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="data"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="data"/> has not <see cref="InputSize"/> features per example.</exception>
    /// <exception cref="ObjectDisposedException">The body is disposed.</exception>
    /// <exception cref="InvalidOperationException">The model returned another number of features than <see cref="OutputSize"/>.</exception>
    /// <exception cref="OnnxRuntimeException">ONNX Runtime failed to run the model.</exception>
    public Dataset Extract(Dataset data)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (data.FeatureCount != InputSize)
        {
            throw new ArgumentException($"Expected {InputSize} features per example in data but got {data.FeatureCount}.", nameof(data));
        }

        var features = new float[(long)data.Count * OutputSize];
        Extract(data.FeatureValues.Span, features);
        var matrix = Matrix<float>.Build.Dense(OutputSize, data.Count, features);
        if (!data.IsClassification)
        {
            return Dataset.ForRegression(matrix, data.Targets!);
        }

        var result = Dataset.ForClassification(matrix, data.Labels, data.ClassCount);
        return data.ClassNames is null ? result : result.WithClassNames(data.ClassNames);
    }

    /// <summary>Frees ONNX Runtime's session.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _session.Dispose();
        }
    }

    /// <summary>A one-line description: the file, the cut and the sizes.</summary>
    /// <returns>For example <c>OnnxBody(cnn.onnx: pixels [1, 28, 28] → features, 784 → 64)</c>.</returns>
    public override string ToString() => string.Create(
        CultureInfo.InvariantCulture,
        $"OnnxBody({System.IO.Path.GetFileName(Path)}: {_inputName} [{string.Join(", ", Options.InputShape)}] → {_cut}, {InputSize} → {OutputSize})");

    private string StandardizerDigest()
    {
        if (_standardMeans is null)
        {
            return string.Empty;
        }

        byte[] statistics = new byte[_standardMeans.Length * 8];
        System.Runtime.InteropServices.MemoryMarshal.AsBytes(_standardMeans.AsSpan()).CopyTo(statistics);
        System.Runtime.InteropServices.MemoryMarshal.AsBytes(_standardScales.AsSpan()).CopyTo(statistics.AsSpan(_standardMeans.Length * 4));
        return "; standardizer sha256=" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(statistics));
    }

    private void Preprocess(ReadOnlySpan<float> raw, Span<float> destination)
    {
        // Three exact IEEE operations per value, vectorised: the same bits as ((x·Scale) − Mean) / Std one by one.
        destination = destination[..raw.Length];
        if (_standardMeans is { } means)
        {
            // x' = (x − μ) ⊙ (1/σ), example by example: Standardizer's own operations, so the same bits.
            for (int start = 0; start < raw.Length; start += means.Length)
            {
                var example = destination.Slice(start, means.Length);
                TensorPrimitives.Subtract(raw.Slice(start, means.Length), means, example);
                TensorPrimitives.Multiply(example, _standardScales!, example);
            }

            raw = destination;
        }

        TensorPrimitives.Multiply(raw, _scale, destination);
        TensorPrimitives.Subtract(destination, _mean, destination);
        TensorPrimitives.Divide(destination, _std, destination);
    }

    private void Run(float[] input, int runRows, Span<float> features)
    {
        long[] shape = (long[])_inputShape.Clone();
        shape[0] = runRows;
        using var value = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, input.AsMemory(0, runRows * InputSize), shape);
        using var runOptions = new RunOptions();
        using var outputs = _session.Run(runOptions, [_inputName], [value], [_cut]);
        ReadOnlySpan<float> output = outputs[0].GetTensorDataAsSpan<float>();
        if (output.Length != (long)runRows * OutputSize)
        {
            throw new InvalidOperationException(
                $"Expected {OutputSize} features per example from '{_cut}' of '{Path}' but the model returned {output.Length} values for {runRows} examples.");
        }

        output[..features.Length].CopyTo(features);
    }

    private int MeasureOutputSize()
    {
        var metadata = _session.OutputMetadata[_cut];
        if (metadata.ElementDataType != TensorElementType.Float)
        {
            throw new ArgumentException($"Expected a float32 value at the cut '{_cut}' of '{Path}' but it is {metadata.ElementDataType}.", "options");
        }

        int[] dims = metadata.Dimensions;
        if (dims.Length >= 2 && dims.Skip(1).All(d => d > 0))
        {
            return dims.Skip(1).Aggregate(1, (a, b) => checked(a * b));
        }

        int runRows = _fixedBatch ? _batchSize : 1;
        var input = new float[runRows * InputSize];
        long[] shape = (long[])_inputShape.Clone();
        shape[0] = runRows;
        using var value = OrtValue.CreateTensorValueFromMemory(input, shape);
        using var runOptions = new RunOptions();
        using var outputs = _session.Run(runOptions, [_inputName], [value], [_cut]);
        var outShape = outputs[0].GetTensorTypeAndShape().Shape;
        if (outShape.Length == 0 || outShape[0] != runRows)
        {
            throw new ArgumentException(
                $"Expected the cut '{_cut}' of '{Path}' to have the batch as its first dimension ({runRows}) but its shape is [{string.Join(", ", outShape)}].", "options");
        }

        return checked((int)outShape.Skip(1).Aggregate(1L, (a, b) => a * b));
    }

    private static string ChooseInput(OnnxBodyOptions options, InferenceSession session, string path)
    {
        // ONNX Runtime's inputs: what must be fed (an old model may also list its initializers as graph inputs).
        var inputs = session.InputMetadata.Keys.ToList();
        if (options.InputName is { } name)
        {
            return inputs.Contains(name)
                ? name
                : throw new ArgumentException(
                    $"Expected an input named '{name}' (InputName) in '{path}' but its inputs are: {string.Join(", ", inputs)}.", nameof(options));
        }

        return inputs.Count == 1
            ? inputs[0]
            : throw new ArgumentException(
                $"Expected one input in '{path}' when InputName is not given but it has {inputs.Count}: {string.Join(", ", inputs)}.", nameof(options));
    }

    private static string ChooseCut(OnnxBodyOptions options, OnnxModelBytes.GraphNames names, string path)
    {
        if (options.Cut is { } cut)
        {
            if (!names.Outputs.Contains(cut) && !names.NodeOutputs.Contains(cut))
            {
                throw new ArgumentException(
                    $"Expected Cut '{cut}' to be a graph output or an intermediate value of '{path}' but it is neither; outputs: {string.Join(", ", names.Outputs)}; "
                    + $"values: {string.Join(", ", names.NodeOutputs.Take(20))}{(names.NodeOutputs.Count > 20 ? ", …" : "")}.", nameof(options));
            }

            return cut;
        }

        return names.Outputs.Count == 1
            ? names.Outputs[0]
            : throw new ArgumentException(
                $"Expected one graph output in '{path}' when Cut is not given but it has {names.Outputs.Count}: {string.Join(", ", names.Outputs)}.", nameof(options));
    }

    private static (int BatchSize, bool Fixed) CheckInput(InferenceSession session, string inputName, OnnxBodyOptions options, string path)
    {
        var metadata = session.InputMetadata[inputName];
        if (metadata.ElementDataType != TensorElementType.Float)
        {
            throw new ArgumentException($"Expected a float32 input '{inputName}' in '{path}' but it is {metadata.ElementDataType}.", nameof(options));
        }

        int[] dims = metadata.Dimensions;
        var shape = options.InputShape;
        string expected = $"[batch, {string.Join(", ", shape)}]";
        string actual = "[" + string.Join(", ", dims.Select(d => d < 0 ? "?" : d.ToString(CultureInfo.InvariantCulture))) + "]";
        if (dims.Length != shape.Count + 1)
        {
            throw new ArgumentException(
                $"Expected input '{inputName}' of '{path}' to take {expected} (InputShape) but its shape is {actual}: rank {dims.Length}, not {shape.Count + 1}.", nameof(options));
        }

        for (int i = 0; i < shape.Count; i++)
        {
            if (dims[i + 1] >= 0 && dims[i + 1] != shape[i])
            {
                throw new ArgumentException(
                    $"Expected input '{inputName}' of '{path}' to take {expected} (InputShape) but its shape is {actual}: dimension {i + 1} is {dims[i + 1]}, not {shape[i]}.", nameof(options));
            }
        }

        return dims[0] > 0 ? (dims[0], true) : (options.BatchSize, false);
    }
}
