using Microsoft.ML.OnnxRuntime;
using TransferLearning.Networks;
using TransferLearning.Onnx;

namespace TransferLearning.Benchmarks.Workloads;

// ONNX Runtime running a network's weights, exported by TransferLearning.Onnx: 2 intra-op threads,
// sequential execution, every graph optimisation, and input and output tensors bound once over pinned arrays
// for each batch size, so that a call is the engine's run and nothing else (ORT at its best).
public sealed class OnnxRuntimeReference : IDisposable
{
    private readonly InferenceSession _session;
    private readonly SessionOptions _options;
    private readonly RunOptions _runOptions = new();
    private readonly Dictionary<int, Binding> _bindings = [];
    private readonly int _inputs;
    private readonly int _outputs;

    public OnnxRuntimeReference(Network network, int threads = 2)
    {
        _inputs = network.InputSize;
        _outputs = network.OutputSize;
        _options = new SessionOptions
        {
            IntraOpNumThreads = threads,
            InterOpNumThreads = 1,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
        };
        _session = new InferenceSession(network.ToOnnx(), _options);
        Name = $"ONNX Runtime {OrtEnv.Instance().GetVersionString()} ({threads} thread{(threads == 1 ? string.Empty : "s")})";
    }

    public string Name { get; }

    // outputs ← the model's outputs for `examples` (row-major, a whole number of examples).
    public void Predict(ReadOnlySpan<float> examples, Span<float> outputs)
    {
        int batch = examples.Length / _inputs;
        if (!_bindings.TryGetValue(batch, out var binding))
        {
            binding = new Binding(batch, _inputs, _outputs);
            _bindings[batch] = binding;
        }

        examples.CopyTo(binding.Input);
        _session.Run(_runOptions, binding.InputNames, binding.InputValues, binding.OutputNames, binding.OutputValues);
        binding.Output.AsSpan(0, outputs.Length).CopyTo(outputs);
    }

    public void Dispose()
    {
        foreach (var binding in _bindings.Values)
        {
            binding.Dispose();
        }

        _session.Dispose();
        _runOptions.Dispose();
        _options.Dispose();
    }

    private sealed class Binding : IDisposable
    {
        public Binding(int batch, int inputs, int outputs)
        {
            Input = new float[batch * inputs];
            Output = new float[batch * outputs];
            InputValues = [OrtValue.CreateTensorValueFromMemory(Input, [batch, inputs])];
            OutputValues = [OrtValue.CreateTensorValueFromMemory(Output, [batch, outputs])];
        }

        public float[] Input { get; }

        public float[] Output { get; }

        public string[] InputNames { get; } = ["input"];

        public string[] OutputNames { get; } = ["output"];

        public OrtValue[] InputValues { get; }

        public OrtValue[] OutputValues { get; }

        public void Dispose()
        {
            InputValues[0].Dispose();
            OutputValues[0].Dispose();
        }
    }
}
