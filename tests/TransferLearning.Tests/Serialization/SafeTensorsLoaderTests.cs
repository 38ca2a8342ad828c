using System.Buffers.Binary;
using System.Text;
using TransferLearning.Networks;
using TransferLearning.Serialization;
using TransferLearning.Tests.Support;

namespace TransferLearning.Tests.Serialization;

/// <summary>Every check of the loader, one bad file each: a <see cref="ModelFormatException"/> naming the file and the problem.</summary>
public class SafeTensorsLoaderTests
{
    // 2 inputs → 1 identity unit: weight [1, 2] at [0, 8), bias [1] at [8, 12).
    private static readonly byte[] Valid = SafeTensorsBytes.Of(Network.Create(2, seed: 1).Dense(1, Activation.Identity));

    public static TheoryData<string, string, string> HeaderEdits => new()
    {
        { "duplicate tensor", "\"layers.0.bias\":{", "\"layers.0.bias\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[8,12]},\"layers.0.bias\":{" },
        { "duplicate metadata key", "\"format\":\"TransferLearning\"", "\"format\":\"TransferLearning\",\"format\":\"TransferLearning\"" },
        { "duplicate field", "\"dtype\":\"F32\",\"shape\":[1]", "\"dtype\":\"F32\",\"dtype\":\"F32\",\"shape\":[1]" },
        { "unknown dtype", "\"dtype\":\"F32\",\"shape\":[1]", "\"dtype\":\"F8_E4M3\",\"shape\":[1]" },
        { "integer dtype", "\"dtype\":\"F32\",\"shape\":[1]", "\"dtype\":\"I32\",\"shape\":[1]" },
        { "shape and bytes disagree", "\"shape\":[1,2]", "\"shape\":[1,3]" },
        { "negative offset", "[8,12]", "[-4,12]" },
        { "range past the data", "[8,12]", "[8,16]" },
        { "overlapping ranges", "\"data_offsets\":[8,12]", "\"data_offsets\":[4,8]" },
        { "unknown field", "\"dtype\":\"F32\",\"shape\":[1]", "\"dtype\":\"F32\",\"offsets\":1,\"shape\":[1]" },
        { "metadata not a string", "\"format_version\":\"1\"", "\"format_version\":1" },
        { "unknown version", "\"format_version\":\"1\"", "\"format_version\":\"2\"" },
        { "not our format", "\"format\":\"TransferLearning\"", "\"format\":\"pt\"" },
        { "architecture disagrees with a shape", "\"layers.0.units\":\"1\"", "\"layers.0.units\":\"2\"" },
        { "unknown layer kind", "\"layers.0.kind\":\"dense\"", "\"layers.0.kind\":\"conv2d\"" },
        { "unknown activation", "\"layers.0.activation\":\"Identity\"", "\"layers.0.activation\":\"System.Diagnostics.Process\"" },
        { "frozen flag not a Boolean", "\"layers.0.bias.frozen\":\"false\"", "\"layers.0.bias.frozen\":\"no\"" },
        { "missing metadata", "\"network.layer_count\":\"1\",", string.Empty },
        { "deep nesting", "{\"__metadata__\"", "{\"x\":" + new string('[', 5000) + new string(']', 5000) + ",\"__metadata__\"" },
        { "trailing content", "}}", "}}{}" },
        { "not an object", "{\"__metadata__\"", "[{\"__metadata__\"" },
    };

    [Theory]
    [MemberData(nameof(HeaderEdits))]
    public void Load_HeaderEdited_ThrowsModelFormatException(string what, string find, string replace)
    {
        string header = SafeTensorsBytes.Header(Valid);
        header.Should().Contain(find, "the edit '{0}' must apply to the valid file", what);

        AssertRejected(WithHeader(header.Replace(find, replace, StringComparison.Ordinal)));
    }

    [Fact]
    public void Load_ValidFile_Loads()
    {
        SafeTensorsBytes.Load(Valid).Layers.Should().ContainSingle();
    }

    [Theory]
    [InlineData("[5,0]")]
    [InlineData("[0,5]")]
    [InlineData("[0]")]
    public void Parse_ZeroElementTensor_IsValidWhateverTheOrderOfItsDimensions(string shape)
    {
        byte[] json = Encoding.UTF8.GetBytes($$$"""{"empty":{"dtype":"F32","shape":{{{shape}}},"data_offsets":[0,0]}}""");

        var header = SafeTensorsHeader.Parse(json, dataLength: 0, dataStart: 8 + json.Length, path: "empty.safetensors");

        header.Tensors.Should().ContainSingle().Which.ElementCount.Should().Be(0);
    }

    [Fact]
    public void Load_ShorterThanTheLengthPrefix_Throws()
    {
        AssertRejected(Valid[..5], "fewer than the 8-byte header length");
    }

    [Theory]
    [InlineData(ulong.MaxValue)]
    [InlineData(1UL << 63)]
    [InlineData(100_000_001UL)]
    public void Load_HugeOrNegativeHeaderLength_ThrowsWithoutAllocatingIt(ulong length)
    {
        var file = (byte[])Valid.Clone();
        BinaryPrimitives.WriteUInt64LittleEndian(file, length);
        AssertRejected(file, "at most 100000000");

        long before = GC.GetAllocatedBytesForCurrentThread();
        try
        {
            SafeTensorsBytes.Load(file);
        }
        catch (ModelFormatException)
        {
        }

        (GC.GetAllocatedBytesForCurrentThread() - before).Should().BeLessThan(64 * 1024);
    }

    [Fact]
    public void Load_HeaderLengthPastTheEndOfTheFile_Throws()
    {
        var file = (byte[])Valid.Clone();
        BinaryPrimitives.WriteUInt64LittleEndian(file, 90_000_000);
        AssertRejected(file, "only");
    }

    [Fact]
    public void Load_HeaderNotUtf8_Throws()
    {
        var header = Encoding.UTF8.GetBytes(SafeTensorsBytes.Header(Valid));
        header[^3] = 0xFF;   // inside the padding or the closing braces
        AssertRejected(SafeTensorsBytes.Make(header, Data()), "UTF-8");
    }

    [Fact]
    public void Load_TrailingBytesAfterTheLastTensor_Throws()
    {
        AssertRejected([.. Valid, 0, 0, 0, 0], "belong to no tensor");
    }

    [Fact]
    public void Load_UncoveredBytesBetweenTensors_Throws()
    {
        string header = SafeTensorsBytes.Header(Valid).Replace("[8,12]", "[12,16]", StringComparison.Ordinal);
        AssertRejected(SafeTensorsBytes.Make(Encoding.UTF8.GetBytes(header), [.. Data(), 0, 0, 0, 0]), "[8, 12) of the data section belong to no tensor");
    }

    [Theory]
    [InlineData(float.NaN)]
    [InlineData(float.PositiveInfinity)]
    public void Load_NonFiniteWeight_Throws(float value)
    {
        var file = (byte[])Valid.Clone();
        int dataStart = Valid.Length - 12;
        BinaryPrimitives.WriteSingleLittleEndian(file.AsSpan(dataStart + 4), value);
        AssertRejected(file, "every value must be finite");
    }

    [Fact]
    public void Load_ExtraTensor_ThrowsNamingIt()
    {
        string header = SafeTensorsBytes.Header(Valid).Replace("\"layers.0.bias\":{", "\"extra\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[12,16]},\"layers.0.bias\":{", StringComparison.Ordinal);
        AssertRejected(SafeTensorsBytes.Make(Encoding.UTF8.GetBytes(header), [.. Data(), 0, 0, 0, 0]), "'extra' belongs to no layer");
    }

    [Fact]
    public void Load_SoftmaxBelowTheOutput_Throws()
    {
        var bytes = SafeTensorsBytes.Of(Network.Create(2).Dense(2, Activation.Tanh).Dense(1, Activation.Sigmoid));
        string header = SafeTensorsBytes.Header(bytes).Replace("\"layers.0.activation\":\"Tanh\"", "\"layers.0.activation\":\"Softmax\"", StringComparison.Ordinal);
        AssertRejected(SafeTensorsBytes.Make(Encoding.UTF8.GetBytes(header), SafeTensorsBytes.Data(bytes)), "may only be the output layer");
    }

    [Fact]
    public void Load_FileOnDisk_ExceptionNamesThePath()
    {
        using var folder = new TempFolder();
        string path = folder.File("broken.safetensors");
        File.WriteAllBytes(path, Valid[..20]);

        var exception = FluentActions.Invoking(() => Network.Load(path)).Should().ThrowExactly<ModelFormatException>().Which;

        exception.FilePath.Should().Be(path);
        exception.Message.Should().StartWith($"Cannot load '{path}': ");
    }

    private static byte[] Data() => Valid[^12..];

    private static byte[] WithHeader(string header) => SafeTensorsBytes.Make(Encoding.UTF8.GetBytes(header), Data());

    private static void AssertRejected(byte[] file, string? problem = null)
    {
        var exception = FluentActions.Invoking(() => SafeTensorsBytes.Load(file)).Should().ThrowExactly<ModelFormatException>().Which;
        exception.FilePath.Should().Be("model.safetensors");
        exception.Message.Should().Contain("model.safetensors");
        if (problem is not null)
        {
            exception.Problem.Should().Contain(problem);
        }
    }
}
