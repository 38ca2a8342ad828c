using System.Text.Json;
using MathNet.Numerics.LinearAlgebra;
using TransferLearning.Networks;
using TransferLearning.Serialization;
using TransferLearning.Tests.Support;

namespace TransferLearning.Tests.Serialization;

/// <summary>
/// Loads the files tests/fixtures/pytorch/make_fixtures.py made with PyTorch and compares the predictions with
/// PyTorch's. Tolerances: 1e-6 against PyTorch's float32 forward pass over the weights as stored (every dtype);
/// against the float32 model before it was stored in a narrower type, 1e-6 for F32 and F64, 5e-4 for F16
/// (11-bit significand; 4.5e-5 measured on this fixture) and 5e-3 for BF16 (8-bit significand; 3.7e-4 measured).
/// </summary>
public class PyTorchImportTests
{
    private static readonly string Fixtures = Path.Combine(Repository.Root(), "tests", "fixtures", "pytorch");

    public static TheoryData<string, double> DTypes => new()
    {
        { "f32", 1e-6 },
        { "f64", 1e-6 },
        { "f16", 5e-4 },
        { "bf16", 5e-3 },
    };

    [Theory]
    [MemberData(nameof(DTypes))]
    public void Load_SequentialOfLinearLayers_PredictsWhatPyTorchPredicted(string dtype, double originalTolerance)
    {
        var network = Network.Create(6, seed: 1).Dense(8, Activation.ReLU).Dense(5, Activation.Tanh).Dense(3, Activation.Softmax);

        var report = PyTorchImport.Load(network, Path.Combine(Fixtures, $"sequential_{dtype}.safetensors"));

        report.IsComplete.Should().BeTrue(report.ToString());
        report.Loaded.Should().HaveCount(6);
        var expected = Expected($"sequential_{dtype}");
        var predicted = network.Predict(Inputs());
        MaxDifference(predicted, expected.GetProperty("exact")).Should().BeLessThanOrEqualTo(1e-6);
        MaxDifference(predicted, expected.GetProperty("original")).Should().BeLessThanOrEqualTo(originalTolerance);
    }

    [Fact]
    public void Load_SequentialWithBatchNormAndDropout_LoadsRunningStatisticsAcceptsTheCounterAndPredictsWhatPyTorchPredicted()
    {
        var network = Network.Create(6, seed: 1).Dense(8, Activation.ReLU).BatchNorm().Dropout(0.3f).Dense(3, Activation.Softmax);

        var report = PyTorchImport.Load(network, Path.Combine(Fixtures, "batchnorm.safetensors"));

        report.IsComplete.Should().BeTrue("a normal BatchNorm state_dict, num_batches_tracked included, is all used: {0}", report);
        report.Skipped.Should().BeEmpty();
        report.NewlyInitialized.Should().BeEmpty();
        report.Loaded.Should().Contain(["layers.1.running_mean", "layers.1.running_var", "layers.1.weight", "layers.3.weight"]);
        report.Mapping.Should().Contain("2.num_batches_tracked", "layers.1.num_batches_tracked").And.Contain("4.weight", "layers.3.weight");
        ((BatchNormLayer)network.Layers[1]).RunningVariance.Values.ToArray().Should().NotEqual(Enumerable.Repeat(1f, 8), "PyTorch's training moved them");
        MaxDifference(network.Predict(Inputs()), Expected("batchnorm").GetProperty("exact")).Should().BeLessThanOrEqualTo(1e-6);
    }

    [Fact]
    public void Load_Strict_BatchNormStateDict_IsCompleteAndMapsEveryKeyOfTheFile()
    {
        var network = Network.Create(6, seed: 1).Dense(8, Activation.ReLU).BatchNorm().Dropout(0.3f).Dense(3, Activation.Softmax);

        var report = PyTorchImport.Load(network, Path.Combine(Fixtures, "batchnorm.safetensors"), new PyTorchImportOptions());

        report.IsComplete.Should().BeTrue(report.ToString());
        report.Mapping.Should().Equal(new Dictionary<string, string>
        {
            ["0.weight"] = "layers.0.weight",
            ["0.bias"] = "layers.0.bias",
            ["2.weight"] = "layers.1.weight",
            ["2.bias"] = "layers.1.bias",
            ["2.running_mean"] = "layers.1.running_mean",
            ["2.running_var"] = "layers.1.running_var",
            ["2.num_batches_tracked"] = "layers.1.num_batches_tracked",
            ["4.weight"] = "layers.3.weight",
            ["4.bias"] = "layers.3.bias",
        });
        report.ToString().Should().StartWith("Mapping: 0.bias → layers.0.bias, 0.weight → layers.0.weight, 2.bias → layers.1.bias");
        MaxDifference(network.Predict(Inputs()), Expected("batchnorm").GetProperty("exact")).Should().BeLessThanOrEqualTo(1e-6);
    }

    [Fact]
    public void Options_Defaults_AreStrictWithoutANameMap()
    {
        var options = new PyTorchImportOptions();

        options.Strict.Should().BeTrue();
        options.NameMap.Should().BeNull();
    }

    [Theory]
    [InlineData("", "layers.0.weight")]
    [InlineData("0.weight", "")]
    public void Options_NameMapWithAnEmptyKeyOrName_ThrowsNamingNameMap(string key, string name)
    {
        FluentActions.Invoking(() => new PyTorchImportOptions { NameMap = new Dictionary<string, string> { [key] = name } })
            .Should().ThrowExactly<ArgumentException>().WithParameterName("NameMap");
    }

    [Fact]
    public void Options_NameMap_IsACopy()
    {
        var map = new Dictionary<string, string> { ["head.weight"] = "layers.1.weight" };

        var options = new PyTorchImportOptions { NameMap = map };
        map["head.bias"] = "layers.1.bias";

        options.NameMap.Should().Equal(new Dictionary<string, string> { ["head.weight"] = "layers.1.weight" });
    }

    [Fact]
    public void Options_KeyPrefixAndFirstModuleIndex_DefaultToNoneAndRefuseNullAndNegative()
    {
        var options = new PyTorchImportOptions();

        options.KeyPrefix.Should().BeEmpty();
        options.FirstModuleIndex.Should().Be(0);
        FluentActions.Invoking(() => new PyTorchImportOptions { KeyPrefix = null! }).Should().ThrowExactly<ArgumentNullException>().WithParameterName("KeyPrefix");
        FluentActions.Invoking(() => new PyTorchImportOptions { FirstModuleIndex = -1 }).Should().ThrowExactly<ArgumentOutOfRangeException>().WithParameterName("FirstModuleIndex");
    }

    [Fact]
    public void Load_SequentialInsideAModuleAfterAFlatten_LoadsWithKeyPrefixAndFirstModuleIndex()
    {
        var network = Network.Create(6, seed: 1).Dense(8, Activation.ReLU).Dense(3, Activation.Softmax);
        string path = Path.Combine(Fixtures, "flatten.safetensors");

        var unprefixed = FluentActions.Invoking(() => PyTorchImport.Load(network, path, new PyTorchImportOptions())).Should().ThrowExactly<ModelFormatException>().Which;
        var report = PyTorchImport.Load(network, path, new PyTorchImportOptions { KeyPrefix = "features.", FirstModuleIndex = 1 });

        unprefixed.Problem.Should().Contain("'features.1.weight'").And.Contain("'0.weight' (layers.0.weight)");
        report.IsComplete.Should().BeTrue(report.ToString());
        report.Mapping.Should().Contain("features.1.weight", "layers.0.weight").And.Contain("features.3.bias", "layers.1.bias");
        MaxDifference(network.Predict(Inputs()), Expected("flatten").GetProperty("exact")).Should().BeLessThanOrEqualTo(1e-6);
    }

    [Fact]
    public void Load_ANameMapWithAKeyPrefix_ThrowsNamingTheOptions()
    {
        var network = Network.Create(6).Dense(3, Activation.Softmax);
        var options = new PyTorchImportOptions { NameMap = new Dictionary<string, string> { ["head.weight"] = "layers.0.weight" }, KeyPrefix = "body." };

        FluentActions.Invoking(() => PyTorchImport.Load(network, Path.Combine(Fixtures, "named.safetensors"), options))
            .Should().ThrowExactly<ArgumentException>().WithParameterName("options");
    }

    [Fact]
    public void Load_NullOptions_ThrowsNamingThem()
    {
        var network = Network.Create(6).Dense(3, Activation.Softmax);

        FluentActions.Invoking(() => PyTorchImport.Load(network, Path.Combine(Fixtures, "named.safetensors"), (PyTorchImportOptions)null!))
            .Should().ThrowExactly<ArgumentNullException>().WithParameterName("options");
        FluentActions.Invoking(() => PyTorchImport.Load(network, new MemoryStream(), null!))
            .Should().ThrowExactly<ArgumentNullException>().WithParameterName("options");
    }

    [Fact]
    public void Load_FromAStream_LoadsAsFromTheFile()
    {
        var network = Network.Create(6, seed: 1).Dense(8, Activation.ReLU).BatchNorm().Dropout(0.3f).Dense(3, Activation.Softmax);
        using var stream = new MemoryStream(File.ReadAllBytes(Path.Combine(Fixtures, "batchnorm.safetensors")), writable: false);

        var report = PyTorchImport.Load(network, stream, new PyTorchImportOptions());

        report.IsComplete.Should().BeTrue(report.ToString());
        MaxDifference(network.Predict(Inputs()), Expected("batchnorm").GetProperty("exact")).Should().BeLessThanOrEqualTo(1e-6);
    }

    [Fact]
    public void Load_OneMoreModuleInTheFile_ThrowsNamingTheFileKeysInsteadOfShiftingTheLayers()
    {
        // The file is the sequential_* model with a BatchNorm1d at index 2: its Linear layers are at 3 and 5, not 2 and 4.
        var network = Network.Create(6, seed: 1).Dense(8, Activation.ReLU).Dense(5, Activation.Tanh).Dense(3, Activation.Softmax);
        var before = Weights.Of(network);
        string path = Path.Combine(Fixtures, "extra_module.safetensors");

        var compatible = FluentActions.Invoking(() => PyTorchImport.Load(network, path)).Should().ThrowExactly<ModelFormatException>().Which;
        var strict = FluentActions.Invoking(() => PyTorchImport.Load(network, path, new PyTorchImportOptions())).Should().ThrowExactly<ModelFormatException>().Which;

        compatible.Problem.Should().Contain("'2.weight' (layers.1.weight)").And.Contain("'4.weight' (layers.2.weight)");
        strict.FilePath.Should().Be(path);
        strict.Problem.Should().Contain("'4.weight' (layers.2.weight)")
            .And.Contain("'2.running_mean'").And.Contain("'3.weight'").And.Contain("'5.weight'")
            .And.Contain("'2.weight': shape [8] in the file, [5, 8] in the network")
            .And.Contain("0 nn.Linear(6, 8), 1 nn.ReLU(), 2 nn.Linear(8, 5), 3 nn.Tanh(), 4 nn.Linear(5, 3), 5 nn.Softmax(dim=1)");
        Weights.ShouldBeIdentical(Weights.Of(network), before, "a failed load changes nothing");
    }

    [Fact]
    public void Load_LinearBatchNormReLU_IntoReLUThenBatchNorm_IsRefusedByKeyInsteadOfLoadedByPosition()
    {
        // PyTorch normalises before the ReLU here; Dense(8, ReLU).BatchNorm() applies the ReLU first. The tensors fit
        // position by position, so a positional match loaded them, complete, into a network that computes another function.
        var network = Network.Create(6, seed: 1).Dense(8, Activation.ReLU).BatchNorm().Dense(3, Activation.Softmax);
        var before = Weights.Of(network);
        string path = Path.Combine(Fixtures, "linear_bn_relu.safetensors");

        var compatible = FluentActions.Invoking(() => PyTorchImport.Load(network, path)).Should().ThrowExactly<ModelFormatException>().Which;
        var strict = FluentActions.Invoking(() => PyTorchImport.Load(network, path, new PyTorchImportOptions())).Should().ThrowExactly<ModelFormatException>().Which;
        var lax = PyTorchImport.Load(network, path, new PyTorchImportOptions { Strict = false });

        compatible.Problem.Should().Contain("'2.weight' (layers.1.weight)").And.Contain("'2.running_var' (layers.1.running_var)");
        strict.Problem.Should().Contain("'1.weight'").And.Contain("'1.running_mean'").And.Contain("'1.num_batches_tracked'")
            .And.Contain("module 1 of the network's nn.Sequential is nn.ReLU()");
        Weights.ShouldBeIdentical(Weights.Of(network.Layers[1]), before.Skip(2).Take(2).ToArray(), "the batch normalisation is not loaded");
        lax.Loaded.Should().Equal("layers.0.bias", "layers.0.weight", "layers.2.bias", "layers.2.weight");
        lax.Skipped.Select(s => s.Name).Should().Equal("1.bias", "1.num_batches_tracked", "1.running_mean", "1.running_var", "1.weight");
        lax.NewlyInitialized.Should().Equal("layers.1.weight", "layers.1.bias", "layers.1.running_mean", "layers.1.running_var");
        lax.IsComplete.Should().BeFalse();
    }

    [Fact]
    public void Load_Strict_FileWithMoreModulesThanTheNetwork_ThrowsNamingTheUnexpectedKeys()
    {
        var body = Network.Create(6, seed: 1).Dense(8, Activation.ReLU).Dense(5, Activation.Tanh);
        var before = Weights.Of(body);
        string path = Path.Combine(Fixtures, "sequential_f32.safetensors");

        var exception = FluentActions.Invoking(() => PyTorchImport.Load(body, path, new PyTorchImportOptions())).Should().ThrowExactly<ModelFormatException>().Which;
        var unchanged = Weights.Of(body);
        var lax = PyTorchImport.Load(body, path, new PyTorchImportOptions { Strict = false });

        exception.Problem.Should().Contain("unexpected keys '4.bias'").And.Contain("'4.weight'").And.NotContain("missing");
        Weights.ShouldBeIdentical(unchanged, before, "a failed load changes nothing");
        lax.Skipped.Select(s => s.Name).Should().Equal("4.bias", "4.weight");
        lax.Skipped[0].Reason.Should().Contain("modules 0 to 3");
        lax.NewlyInitialized.Should().BeEmpty();
    }

    [Fact]
    public void Load_Strict_NetworkWithMoreLayersThanTheFile_ThrowsNamingTheMissingKeys()
    {
        var network = Network.Create(6, seed: 1).Dense(8, Activation.ReLU).Dense(5, Activation.Tanh).Dense(3, Activation.ReLU).Dense(2, Activation.Softmax);
        var before = Weights.Of(network);

        var exception = FluentActions.Invoking(() => PyTorchImport.Load(network, Path.Combine(Fixtures, "sequential_f32.safetensors"), new PyTorchImportOptions()))
            .Should().ThrowExactly<ModelFormatException>().Which;

        exception.Problem.Should().Contain("missing keys '6.weight' (layers.3.weight), '6.bias' (layers.3.bias)").And.NotContain("unexpected");
        Weights.ShouldBeIdentical(Weights.Of(network), before, "a failed load changes nothing");
    }

    [Fact]
    public void Load_Strict_ADifferentShape_ThrowsNamingTheFileKeyAndBothShapes()
    {
        var network = Network.Create(6, seed: 1).Dense(8, Activation.ReLU).Dense(4, Activation.Tanh).Dense(3, Activation.Softmax);

        var exception = FluentActions.Invoking(() => PyTorchImport.Load(network, Path.Combine(Fixtures, "sequential_f32.safetensors"), new PyTorchImportOptions()))
            .Should().ThrowExactly<ModelFormatException>().Which;

        exception.Problem.Should().Contain("size mismatch for '2.bias'").And.Contain("'2.weight': shape [5, 8] in the file, [4, 8] in the network (layers.1.weight)")
            .And.Contain("'4.weight': shape [3, 5] in the file, [3, 4] in the network").And.NotContain("missing");
    }

    [Fact]
    public void Load_IdentityActivation_HasNoModuleInTheSequential()
    {
        // nn.Sequential(nn.Linear(6, 8), nn.Linear(8, 3)) has keys 0.* and 1.*: no module for the identity.
        using var folder = new TempFolder();
        string path = folder.File("linear.safetensors");
        var source = Network.Create(6, seed: 2).Dense(8, Activation.Identity).Dense(3, Activation.Identity);
        using (var file = File.Create(path))
        {
            SafeTensorsWriter.Write(file, new Dictionary<string, string>(), new PyTorchSequential(source).StateDict(source));
        }

        var network = Network.Create(6, seed: 9).Dense(8, Activation.Identity).Dense(3, Activation.Identity);

        var report = PyTorchImport.Load(network, path, new PyTorchImportOptions());

        report.Mapping.Keys.Should().Equal("0.weight", "0.bias", "1.weight", "1.bias");
        Weights.ShouldBeIdentical(Weights.Of(network), Weights.Of(source));
    }

    [Theory]
    [InlineData("F32", 1L)]
    [InlineData("I64 [2]", 1L)]
    [InlineData("I64", -1L)]
    public void Load_ABatchCounterThatIsNotOneNonNegativeInt64_ThrowsNamingIt(string kind, long value)
    {
        using var folder = new TempFolder();
        string path = folder.File("counter.safetensors");
        var network = Network.Create(2, seed: 1).Dense(2, Activation.ReLU).BatchNorm().Dense(2, Activation.Softmax);
        var tensors = new PyTorchSequential(network).StateDict(network);
        int at = tensors.FindIndex(t => t.Name == "2.num_batches_tracked");
        tensors[at] = kind switch
        {
            "F32" => new SavedTensor("2.num_batches_tracked", [], [value]),
            "I64 [2]" => SavedTensor.Int64("2.num_batches_tracked", [2], [value, value]),
            _ => SavedTensor.Int64("2.num_batches_tracked", [], [value]),
        };
        using (var file = File.Create(path))
        {
            SafeTensorsWriter.Write(file, new Dictionary<string, string>(), tensors);
        }

        var exception = FluentActions.Invoking(() => PyTorchImport.Load(network, path, new PyTorchImportOptions()))
            .Should().ThrowExactly<ModelFormatException>().Which;

        exception.Problem.Should().StartWith("tensor '2.num_batches_tracked'");
    }

    [Fact]
    public void Load_WithANameMap_LoadsAModuleThatIsNotASequential()
    {
        var network = Network.Create(6, seed: 1).Dense(8, Activation.LeakyReLU(0.1f)).Dense(3, Activation.Sigmoid);
        var map = new Dictionary<string, string>
        {
            ["body.0.weight"] = "layers.0.weight",
            ["body.0.bias"] = "layers.0.bias",
            ["head.weight"] = "layers.1.weight",
            ["head.bias"] = "layers.1.bias",
        };

        var report = PyTorchImport.Load(network, Path.Combine(Fixtures, "named.safetensors"), map);

        report.IsComplete.Should().BeTrue();
        MaxDifference(network.Predict(Inputs()), Expected("named").GetProperty("exact")).Should().BeLessThanOrEqualTo(1e-6);
    }

    [Fact]
    public void Load_WithANameMap_BatchNormModule_TakesItsCounterWithItsRunningMeanAndIsComplete()
    {
        var network = Network.Create(6, seed: 1).Dense(8, Activation.ReLU).BatchNorm().Dense(3, Activation.Softmax);
        var map = new Dictionary<string, string>
        {
            ["features.0.weight"] = "layers.0.weight",
            ["features.0.bias"] = "layers.0.bias",
            ["features.2.weight"] = "layers.1.weight",
            ["features.2.bias"] = "layers.1.bias",
            ["features.2.running_mean"] = "layers.1.running_mean",
            ["features.2.running_var"] = "layers.1.running_var",
            ["classifier.weight"] = "layers.2.weight",
            ["classifier.bias"] = "layers.2.bias",
        };
        string path = Path.Combine(Fixtures, "named_batchnorm.safetensors");

        var compatible = PyTorchImport.Load(network.Clone(), path, map);
        var report = PyTorchImport.Load(network, path, new PyTorchImportOptions { NameMap = map });

        compatible.IsComplete.Should().BeTrue(compatible.ToString());
        report.IsComplete.Should().BeTrue(report.ToString());
        report.Mapping.Should().Contain("features.2.num_batches_tracked", "layers.1.num_batches_tracked").And.HaveCount(9);
        MaxDifference(network.Predict(Inputs()), Expected("named_batchnorm").GetProperty("exact")).Should().BeLessThanOrEqualTo(1e-6);
    }

    [Fact]
    public void Load_WithANameMap_ACounterMappedExplicitly_IsAccepted()
    {
        var network = Network.Create(6, seed: 1).Dense(8, Activation.ReLU).BatchNorm().Dense(3, Activation.Softmax);
        var map = new Dictionary<string, string>
        {
            ["features.0.weight"] = "layers.0.weight",
            ["features.0.bias"] = "layers.0.bias",
            ["features.2.weight"] = "layers.1.weight",
            ["features.2.bias"] = "layers.1.bias",
            ["features.2.running_mean"] = "layers.1.running_mean",
            ["features.2.running_var"] = "layers.1.running_var",
            ["features.2.num_batches_tracked"] = "layers.1.num_batches_tracked",
            ["classifier.weight"] = "layers.2.weight",
            ["classifier.bias"] = "layers.2.bias",
        };

        var report = PyTorchImport.Load(network, Path.Combine(Fixtures, "named_batchnorm.safetensors"), new PyTorchImportOptions { NameMap = map });

        report.IsComplete.Should().BeTrue(report.ToString());
        report.Mapping.Should().Equal(map);
    }

    [Fact]
    public void Load_Strict_AFileOfThisLibrarysFormat_SaysToLoadItAsSuch()
    {
        var network = Network.Create(6, seed: 1).Dense(8, Activation.ReLU).Dense(3, Activation.Softmax);
        using var folder = new TempFolder();
        string path = folder.File("own.safetensors");
        network.Save(path);

        var exception = FluentActions.Invoking(() => PyTorchImport.Load(network, path, new PyTorchImportOptions())).Should().ThrowExactly<ModelFormatException>().Which;

        exception.Problem.Should().Contain("'layers.0.weight' (a key of this library's own format").And.Contain("network.LoadWeights");
    }

    [Fact]
    public void Load_Strict_WithANameMapMissingAKey_ThrowsNamingTheUnmappedKeysAndTheParameters()
    {
        var network = Network.Create(6, seed: 1).Dense(8, Activation.LeakyReLU(0.1f)).Dense(3, Activation.Sigmoid);
        var map = new Dictionary<string, string>
        {
            ["body.0.weight"] = "layers.0.weight",
            ["body.0.bias"] = "layers.0.bias",
            ["head.weight"] = "layers.1.weight",
        };

        var exception = FluentActions.Invoking(() => PyTorchImport.Load(network, Path.Combine(Fixtures, "named.safetensors"), new PyTorchImportOptions { NameMap = map }))
            .Should().ThrowExactly<ModelFormatException>().Which;

        exception.Problem.Should().Contain("missing key layers.1.bias").And.Contain("unexpected key 'head.bias' (not in the name map)");
    }

    [Fact]
    public void Load_BodyOnly_LoadsTheFirstLayersAndSkipsTheHead()
    {
        var body = Network.Create(6, seed: 1).Dense(8, Activation.ReLU).Dense(5, Activation.Tanh);

        var report = PyTorchImport.Load(body, Path.Combine(Fixtures, "sequential_f32.safetensors"));

        report.Loaded.Should().Equal("layers.0.bias", "layers.0.weight", "layers.1.bias", "layers.1.weight");
        report.Skipped.Select(s => s.Name).Should().Equal("4.bias", "4.weight");
        report.NewlyInitialized.Should().BeEmpty();
    }

    [Fact]
    public void Load_ArchitectureWithADifferentLayer_ThrowsNamingTheParameterAndLeavesTheNetworkUnchanged()
    {
        var network = Network.Create(6, seed: 1).Dense(8, Activation.ReLU).Dense(4, Activation.Tanh).Dense(3, Activation.Softmax);
        var before = Weights.Of(network);
        string path = Path.Combine(Fixtures, "sequential_f32.safetensors");

        var exception = FluentActions.Invoking(() => PyTorchImport.Load(network, path)).Should().ThrowExactly<ModelFormatException>().Which;

        exception.Message.Should().Contain("'2.weight' (layers.1.weight)").And.Contain("shape [5, 8] in the file, [4, 8] in the network");
        Weights.ShouldBeIdentical(Weights.Of(network), before, "a failed load changes nothing");
    }

    private static Matrix<float> Inputs()
    {
        var rows = Expected(null).GetProperty("inputs").EnumerateArray().Select(r => r.EnumerateArray().Select(v => v.GetSingle()).ToArray()).ToArray();
        return Matrix<float>.Build.Dense(rows[0].Length, rows.Length, (i, j) => rows[j][i]);   // PyTorch rows are our columns
    }

    private static JsonElement Expected(string? name)
    {
        var root = JsonDocument.Parse(File.ReadAllText(Path.Combine(Fixtures, "expected.json"))).RootElement;
        return name is null ? root : root.GetProperty(name);
    }

    private static double MaxDifference(Matrix<float> predicted, JsonElement expectedRows)
    {
        double max = 0;
        int j = 0;
        foreach (var row in expectedRows.EnumerateArray())
        {
            int i = 0;
            foreach (var value in row.EnumerateArray())
            {
                max = Math.Max(max, Math.Abs(predicted[i++, j] - value.GetDouble()));
            }

            i.Should().Be(predicted.RowCount);
            j++;
        }

        j.Should().Be(predicted.ColumnCount);
        return max;
    }
}
