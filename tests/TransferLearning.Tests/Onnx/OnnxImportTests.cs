using System.Globalization;
using System.Text.Json;
using MathNet.Numerics.LinearAlgebra;
using Microsoft.ML.OnnxRuntime;
using TransferLearning.Compute;
using TransferLearning.Networks;
using TransferLearning.Onnx;
using TransferLearning.Serialization;
using TransferLearning.Tests.Networks;
using TransferLearning.Tests.Support;
using TransferLearning.Training;

namespace TransferLearning.Tests.Onnx;

/// <summary>
/// Imports the ONNX models tests/fixtures/onnx-import/make_fixtures.py exported from PyTorch (and built by hand), and
/// compares the predictions with PyTorch's, the weights with the file's, and the import with the library's own export.
/// </summary>
public class OnnxImportTests
{
    private static readonly string Fixtures = Path.Combine(Repository.Root(), "tests", "fixtures", "onnx-import");

    private static readonly Lazy<JsonElement> Expected = new(() =>
        JsonDocument.Parse(File.ReadAllText(Path.Combine(Fixtures, "expected.json"))).RootElement);

    public static TheoryData<string> Cases()
    {
        var names = new TheoryData<string>();
        foreach (var c in Expected.Value.GetProperty("cases").EnumerateArray())
        {
            names.Add(c.GetProperty("name").GetString()!);
        }

        return names;
    }

    public static TheoryData<string> Refused()
    {
        var files = new TheoryData<string>();
        foreach (var e in Expected.Value.GetProperty("errors").EnumerateArray())
        {
            files.Add(e.GetProperty("file").GetString()!);
        }

        return files;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Load_PyTorchExportedModel_PredictsWithin1e6OfPyTorch(string name)
    {
        var c = Case(name);

        var network = OnnxImport.Load(Path.Combine(Fixtures, c.GetProperty("file").GetString()!));

        var predicted = Predict(network, c);
        float[] expected = Floats(c.GetProperty("outputs"));
        predicted.Should().HaveCount(expected.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            predicted[i].Should().BeApproximately(expected[i], 1e-6f, $"output {i} of {name}");
        }
    }

    [Theory]
    [InlineData("gemm", "dense:ReLU", "dense:Tanh", "dense:Softmax")]
    [InlineData("activations", "dense:LeakyReLU(0.1)", "dense:Sigmoid", "dense:Identity")]
    [InlineData("batchnorm", "batchnorm", "dense:Identity", "batchnorm", "dense:ReLU", "dense:Softmax")]
    [InlineData("matmul", "dense:ReLU", "dense:Identity")]
    [InlineData("matmul_add", "dense:ReLU", "dense:Identity")]
    [InlineData("flatten", "dense:Sigmoid")]
    [InlineData("handbuilt", "dense:ReLU", "dropout", "dense:Identity")]
    [InlineData("opset11", "dense:Tanh", "dense:Softmax")]
    [InlineData("constant_weight", "dense:ReLU", "dense:Sigmoid")]
    public void Load_PyTorchExportedModel_BuildsTheLayersOfTheGraph(string name, params string[] layers)
    {
        var network = OnnxImport.Load(Path.Combine(Fixtures, name + ".onnx"));

        network.Layers.Select(Describe).Should().Equal(layers);
    }

    [Fact]
    public void Load_PyTorchModel_IsTrainable()
    {
        var network = OnnxImport.Load(Path.Combine(Fixtures, "batchnorm.onnx"));
        float[] before = [.. network.Parameters.SelectMany(p => p.Values.ToArray())];
        var data = TestData.Blobs(perClass: 20, classes: 3, features: 6, seed: 2);

        network.TrainableParameterCount.Should().Be(network.Parameters.Sum(p => (long)p.Length));
        new Trainer(new TrainingOptions { Epochs = 2, BatchSize = 10, Optimizer = new AdamOptions { LearningRate = 0.01f } }).Fit(network, data);

        network.Parameters.SelectMany(p => p.Values.ToArray()).Should().NotEqual(before);
    }

    [Fact]
    public void Load_LinearBatchNormRelu_ReluGetsAnIdentityDenseLayerOfItsOwn()
    {
        var network = OnnxImport.Load(Path.Combine(Fixtures, "batchnorm.onnx"));

        var identity = (DenseLayer)network.Layers[3];
        identity.Weight.ToMatrix().Should().Be(Matrix<float>.Build.DenseIdentity(8));
        identity.Bias.Values.ToArray().Should().OnlyContain(v => v == 0f);
    }

    [Theory]
    [InlineData("gemm", 0, "0.weight", "0.bias", false)]
    [InlineData("gemm", 2, "4.weight", "4.bias", false)]
    [InlineData("matmul", 0, "onnx::MatMul_8", null, true)]
    [InlineData("matmul_add", 0, "0.weight", "0.bias", true)]
    [InlineData("handbuilt", 0, "w1", "c1", true)]
    [InlineData("handbuilt", 2, "w2", null, false)]
    [InlineData("batchnorm", 1, "1.weight", "1.bias", false)]
    [InlineData("constant_weight", 1, "w", "b", false)]
    public void Load_DenseLayer_WeightsEqualTheFilesBitForBit(string name, int layer, string weight, string? bias, bool transposed)
    {
        var initializers = Case(name).GetProperty("initializers");
        var dense = (DenseLayer)OnnxImport.Load(Path.Combine(Fixtures, name + ".onnx")).Layers[layer];

        float[] w = Floats(initializers.GetProperty(weight).GetProperty("values"));
        var actual = dense.Weight.ToMatrix();
        int rows = dense.OutputSize;
        int columns = dense.InputSize;
        for (int i = 0; i < rows; i++)
        {
            for (int j = 0; j < columns; j++)
            {
                float expected = transposed ? w[(j * rows) + i] : w[(i * columns) + j];
                Bits(actual[i, j]).Should().Be(Bits(expected), $"W[{i}, {j}]");
            }
        }

        float[] b = bias is null ? new float[rows] : Floats(initializers.GetProperty(bias).GetProperty("values"));
        dense.Bias.Values.ToArray().Select(Bits).Should().Equal(b.Select(Bits));
    }

    [Fact]
    public void Load_BatchNormalization_ScaleShiftAndRunningStatisticsEqualTheFilesBitForBit()
    {
        var initializers = Case("batchnorm").GetProperty("initializers");
        var bn = (BatchNormLayer)OnnxImport.Load(Path.Combine(Fixtures, "batchnorm.onnx")).Layers[2];

        bn.Scale.Values.ToArray().Select(Bits).Should().Equal(Floats(initializers.GetProperty("2.weight").GetProperty("values")).Select(Bits));
        bn.Shift.Values.ToArray().Select(Bits).Should().Equal(Floats(initializers.GetProperty("2.bias").GetProperty("values")).Select(Bits));
        bn.RunningMean.Values.ToArray().Select(Bits).Should().Equal(Floats(initializers.GetProperty("2.running_mean").GetProperty("values")).Select(Bits));
        bn.RunningVariance.Values.ToArray().Select(Bits).Should().Equal(Floats(initializers.GetProperty("2.running_var").GetProperty("values")).Select(Bits));
        bn.Epsilon.Should().Be(1e-5f);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Load_AnyFixture_PredictsWithin1e6OfOnnxRuntimeOnTheSameFile(string name)
    {
        var c = Case(name);
        string path = Path.Combine(Fixtures, c.GetProperty("file").GetString()!);
        float[] inputs = Floats(c.GetProperty("inputs"));
        long[] shape = [.. c.GetProperty("input_shape").EnumerateArray().Select(d => d.GetInt64())];

        using var options = new SessionOptions { IntraOpNumThreads = 1 };
        using var session = new InferenceSession(path, options);
        using var input = OrtValue.CreateTensorValueFromMemory(inputs, shape);
        using var runOptions = new RunOptions();
        using var results = session.Run(runOptions, ["input"], [input], ["output"]);
        float[] expected = results[0].GetTensorDataAsSpan<float>().ToArray();

        float[] predicted = Predict(OnnxImport.Load(path), c);
        predicted.Should().HaveCount(expected.Length);
        predicted.Zip(expected, (p, e) => Math.Abs(p - e)).Max().Should().BeLessThanOrEqualTo(1e-6f);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void FromBytes_ImportExportImport_IsBitIdentical(string name)
    {
        var c = Case(name);
        var first = OnnxImport.Load(Path.Combine(Fixtures, c.GetProperty("file").GetString()!));

        var second = OnnxImport.FromBytes(first.ToOnnx());

        AssertSame(first, second);
        Predict(second, c).Select(Bits).Should().Equal(Predict(first, c).Select(Bits));
    }

    [Fact]
    public void FromBytes_LibraryExportOfEveryActivation_IsBitIdentical()
    {
        var network = InferenceTests.MixedNetwork(ComputeBackend.Managed);

        var imported = OnnxImport.FromBytes(network.ToOnnx());

        AssertSame(network, imported);
        AssertSamePredictions(network, imported);
    }

    [Fact]
    public void FromBytes_LibraryExportWithBatchNormAndDropout_IsBitIdenticalButForTheDropoutExportLeavesOut()
    {
        var network = InferenceTests.TrainedNetworkWithEveryLayerKind(ComputeBackend.Managed);

        var imported = OnnxImport.Load(new MemoryStream(network.ToOnnx()), new OnnxImportOptions { Seed = 3 });

        imported.Layers.Should().HaveCount(network.Layers.Count - 1);
        AssertSame(network, imported);
        AssertSamePredictions(network, imported);
        imported.Seed.Should().Be(3);
    }

    [Fact]
    public void Load_OutputNameInsideTheGraph_CutsThere()
    {
        var network = OnnxImport.Load(Path.Combine(Fixtures, "gemm.onnx"), new OnnxImportOptions { OutputName = "/3/Tanh_output_0" });

        network.Layers.Select(Describe).Should().Equal("dense:ReLU", "dense:Tanh");
        network.OutputSize.Should().Be(5);
    }

    [Fact]
    public void Load_OutputNameIsTheInput_ThrowsNotSupportedExceptionForTheEmptyNetwork()
    {
        var act = () => OnnxImport.Load(Path.Combine(Fixtures, "flatten.onnx"), new OnnxImportOptions { OutputName = "/0/Flatten_output_0" });

        act.Should().ThrowExactly<NotSupportedException>().Which.Message.Should().Contain("'/0/Flatten_output_0'");
    }

    [Theory]
    [InlineData("gemm", "/1/Relu_output_0", "dense:Tanh", "dense:Softmax")]
    [InlineData("constant_weight", "r", "dense:Sigmoid")]
    [InlineData("batchnorm", "/1/Gemm_output_0", "batchnorm", "dense:ReLU", "dense:Softmax")]
    public void Load_InputNameInsideTheGraph_ImportsTheTopAndTheTwoHalvesComposeToTheWhole(string name, string cut, params string[] layers)
    {
        string path = Path.Combine(Fixtures, name + ".onnx");
        var whole = OnnxImport.Load(path);

        var bottom = OnnxImport.Load(path, new OnnxImportOptions { OutputName = cut });
        var top = OnnxImport.Load(path, new OnnxImportOptions { InputName = cut });

        top.Layers.Select(Describe).Should().Equal(layers);
        top.InputSize.Should().Be(bottom.OutputSize);
        var x = Matrix<float>.Build.Dense(whole.InputSize, 9, InferenceTests.Examples(9, whole.InputSize, seed: 4));
        float[] composed = top.Predict(bottom.Predict(x)).ToColumnMajorArray();
        whole.Predict(x).ToColumnMajorArray().Zip(composed, (a, b) => Math.Abs(a - b)).Max().Should().BeLessThanOrEqualTo(1e-6f);
    }

    [Fact]
    public void Load_InputNameOfADeclaredShape_TakesItsWidthAndRankFromTheGraph()
    {
        var network = OnnxImport.Load(Path.Combine(Fixtures, "flatten.onnx"), new OnnxImportOptions { InputName = "input" });

        network.InputSize.Should().Be(6);
        network.Layers.Select(Describe).Should().Equal("dense:Sigmoid");
    }

    [Fact]
    public void Load_InputNameOfUndeclaredWidthBeforeAnActivation_NamesTheActivationNode()
    {
        var act = () => OnnxImport.Load(Path.Combine(Fixtures, "handbuilt.onnx"), new OnnxImportOptions { InputName = "d1" });

        act.Should().ThrowExactly<NotSupportedException>().Which.Message.Should().StartWith("Node 3 'relu' (Relu)");
    }

    [Fact]
    public void Load_InputNameNotInTheGraph_ThrowsArgumentException()
    {
        Throws.Argument<ArgumentException>(
            () => OnnxImport.Load(Path.Combine(Fixtures, "gemm.onnx"), new OnnxImportOptions { InputName = "features" }), "options", "'features'");
    }

    [Fact]
    public void Load_OutputNameNotInTheGraph_ThrowsArgumentException()
    {
        Throws.Argument<ArgumentException>(
            () => OnnxImport.Load(Path.Combine(Fixtures, "gemm.onnx"), new OnnxImportOptions { OutputName = "features" }), "options", "'features'");
    }

    [Theory]
    [MemberData(nameof(Refused))]
    public void Load_UnsupportedGraph_NamesTheNodeAndItsOperator(string file)
    {
        var e = Expected.Value.GetProperty("errors").EnumerateArray().Single(x => x.GetProperty("file").GetString() == file);
        string node = string.Create(
            CultureInfo.InvariantCulture,
            $"Node {e.GetProperty("node_index").GetInt32()} '{e.GetProperty("node_name").GetString()}' ({e.GetProperty("operator").GetString()})");

        var act = () => OnnxImport.Load(Path.Combine(Fixtures, file));

        act.Should().ThrowExactly<NotSupportedException>().Which.Message.Should().StartWith(node);
    }

    [Fact]
    public void FromBytes_EveryTruncation_IsAModelFormatExceptionOrAShorterValidModel()
    {
        byte[] model = File.ReadAllBytes(Path.Combine(Fixtures, "batchnorm.onnx"));
        int graphEnd = model.Length - 8;   // after the graph: only the opset import (a few bytes) follows

        for (int length = 0; length < model.Length; length++)
        {
            var act = () => OnnxImport.FromBytes(model[..length]);

            if (length < graphEnd)
            {
                act.Should().ThrowExactly<ModelFormatException>($"the file cut to {length} bytes").Which.FilePath.Should().Be("(bytes)");
            }
            else
            {
                try
                {
                    act();
                }
                catch (ModelFormatException)
                {
                }
            }
        }
    }

    [Fact]
    public void FromBytes_RandomBytes_IsAModelFormatException()
    {
        var random = new Random(5);
        foreach (int length in new[] { 0, 1, 7, 100, 4096 })
        {
            var bytes = new byte[length];
            random.NextBytes(bytes);

            var act = () => OnnxImport.FromBytes(bytes);

            act.Should().ThrowExactly<ModelFormatException>($"{length} random bytes");
        }
    }

    [Theory]
    [InlineData("handbuilt")]
    [InlineData("gemm")]
    [InlineData("batchnorm")]
    [InlineData("matmul_add")]
    [InlineData("constant_weight")]
    public void FromBytes_CorruptedBytes_NeverThrowsAnythingButTheDocumentedExceptions(string name)
    {
        byte[] model = File.ReadAllBytes(Path.Combine(Fixtures, name + ".onnx"));
        var random = new Random(17);
        for (int trial = 0; trial < 2000; trial++)
        {
            byte[] corrupt = (byte[])model.Clone();
            for (int k = random.Next(1, 4); k > 0; k--)
            {
                corrupt[random.Next(corrupt.Length)] = (byte)random.Next(256);
            }

            try
            {
                OnnxImport.FromBytes(corrupt);
            }
            catch (Exception e) when (e is ModelFormatException or NotSupportedException)
            {
            }
        }
    }

    [Fact]
    public void FromBytes_LengthBeyondTheEnd_IsAModelFormatExceptionWithoutAllocatingIt()
    {
        // Field 7 (the graph), length-delimited, claiming 2^31 - 1 bytes.
        byte[] model = [0x3A, 0xFF, 0xFF, 0xFF, 0xFF, 0x07, 0x00];

        var act = () => OnnxImport.FromBytes(model);

        act.Should().ThrowExactly<ModelFormatException>().Which.Problem.Should().Contain("2147483647");
    }

    [Theory]
    [InlineData(new byte[] { 0x3B }, "wire type 3")]                                                  // field 7 as a group
    [InlineData(new byte[] { 0x00 }, "field number 0")]
    [InlineData(new byte[] { 0x08, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01 }, "10 bytes")]   // ir_version
    [InlineData(new byte[] { 0x12, 0x02, 0xC3, 0x28 }, "UTF-8")]                                       // producer_name
    [InlineData(new byte[] { 0x3A, 0x05, 0x2A, 0x03, 0x22, 0x01, 0x00 }, "not a whole number of floats")]   // graph.initializer.float_data
    public void FromBytes_MalformedWireFormat_IsAModelFormatExceptionSayingWhat(byte[] model, string problem)
    {
        var act = () => OnnxImport.FromBytes(model);

        act.Should().ThrowExactly<ModelFormatException>().Which.Problem.Should().Contain(problem);
    }

    [Fact]
    public void Load_UnreadableStream_ThrowsArgumentExceptionNamingIt()
    {
        var closed = new MemoryStream();
        closed.Dispose();

        Throws.Argument<ArgumentException>(() => OnnxImport.Load(closed), "stream");
    }

    [Fact]
    public void Load_MissingFile_ThrowsFileNotFoundException()
    {
        using var folder = new TempFolder();

        var act = () => OnnxImport.Load(folder.File("missing.onnx"));

        act.Should().Throw<FileNotFoundException>();
    }

    [Fact]
    public void Load_ArgumentsNullOrEmpty_NameTheArgument()
    {
        Throws.Argument<ArgumentNullException>(() => OnnxImport.Load((string)null!), "path");
        Throws.Argument<ArgumentException>(() => OnnxImport.Load(string.Empty), "path");
        Throws.Argument<ArgumentNullException>(() => OnnxImport.Load((Stream)null!), "stream");
        Throws.Argument<ArgumentNullException>(() => OnnxImport.FromBytes(null!), "model");
        Throws.Argument<ArgumentException>(() => _ = new OnnxImportOptions { OutputName = " " }, "OutputName");
        Throws.Argument<ArgumentException>(() => _ = new OnnxImportOptions { InputName = string.Empty }, "InputName");
    }

    [SkippableFact]
    [Trait("Category", "Slow")]
    public void MakeFixtures_RunAgain_WritesTheCommittedFiles()
    {
        Skip.IfNot(TorchAndOnnxAvailable(), "/usr/bin/python3 with torch and onnx is not installed (apt-get install -y python3-torch python3-onnx).");
        using var folder = new TempFolder();

        Python(Path.Combine(Fixtures, "make_fixtures.py"), folder.Path);

        foreach (string file in Directory.GetFiles(Fixtures).Where(f => f.EndsWith(".onnx", StringComparison.Ordinal) || f.EndsWith(".json", StringComparison.Ordinal)))
        {
            File.ReadAllBytes(folder.File(Path.GetFileName(file))).Should().Equal(File.ReadAllBytes(file), Path.GetFileName(file));
        }
    }

    private static string Describe(Layer layer) => layer switch
    {
        DenseLayer dense => $"dense:{dense.Activation.Name}",
        _ => layer.Kind,
    };

    // The same layers but dropout (which the export leaves out: the identity at inference), with the same weights bit for bit.
    private static void AssertSame(Network expected, Network actual)
    {
        actual.InputSize.Should().Be(expected.InputSize);
        var expectedLayers = expected.Layers.Where(l => l.Kind != "dropout").ToList();
        var actualLayers = actual.Layers.Where(l => l.Kind != "dropout").ToList();
        actualLayers.Select(Describe).Should().Equal(expectedLayers.Select(Describe));
        for (int l = 0; l < expectedLayers.Count; l++)
        {
            var expectedTensors = expectedLayers[l].Parameters.Concat(expectedLayers[l].Buffers).ToList();
            var actualTensors = actualLayers[l].Parameters.Concat(actualLayers[l].Buffers).ToList();
            actualTensors.Select(p => (p.Rows, p.Columns)).Should().Equal(expectedTensors.Select(p => (p.Rows, p.Columns)));
            for (int k = 0; k < expectedTensors.Count; k++)
            {
                actualTensors[k].Values.ToArray().Select(Bits).Should().Equal(expectedTensors[k].Values.ToArray().Select(Bits), expectedTensors[k].Name);
            }

            if (expectedLayers[l] is BatchNormLayer bn)
            {
                ((BatchNormLayer)actualLayers[l]).Epsilon.Should().Be(bn.Epsilon);
            }
        }
    }

    private static void AssertSamePredictions(Network expected, Network actual)
    {
        var x = Matrix<float>.Build.Dense(expected.InputSize, 37, InferenceTests.Examples(37, expected.InputSize, seed: 21));
        actual.Predict(x).ToColumnMajorArray().Select(Bits).Should().Equal(expected.Predict(x).ToColumnMajorArray().Select(Bits));
    }

    // PyTorch's rows [batch, n] are, in memory, the columns of the library's n × batch input.
    private static float[] Predict(Network network, JsonElement c)
    {
        float[] inputs = Floats(c.GetProperty("inputs"));
        int batch = c.GetProperty("input_shape")[0].GetInt32();
        return network.Predict(Matrix<float>.Build.Dense(inputs.Length / batch, batch, inputs)).ToColumnMajorArray();
    }

    private static JsonElement Case(string name) =>
        Expected.Value.GetProperty("cases").EnumerateArray().Single(c => c.GetProperty("name").GetString() == name);

    // Each value is a float32 written as the float64 it equals: the cast is exact.
    private static float[] Floats(JsonElement values) => [.. values.EnumerateArray().Select(v => (float)v.GetDouble())];

    private static int Bits(float value) => BitConverter.SingleToInt32Bits(value);

    private static bool TorchAndOnnxAvailable() => ExternalProcess.PythonHas("torch, onnx");

    private static void Python(params string[] arguments) => ExternalProcess.RunPython(arguments);
}
