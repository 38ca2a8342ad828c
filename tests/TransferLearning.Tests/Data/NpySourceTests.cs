using System.Text;
using TransferLearning.Data;
using TransferLearning.Tests.Support;

namespace TransferLearning.Tests.Data;

/// <summary>The memory-mapped .npy source: values as stored, converted when gathered, and a clear error for every bad header.</summary>
public sealed class NpySourceTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void Open_Float32_GathersExamplesAsColumnsInTheOrderAsked()
    {
        // 3 examples × 2 features, row-major in the file: example i is (10i, 10i + 1).
        string x = Save("x.npy", new float[] { 0, 1, 10, 11, 20, 21 }, 3, 2);
        string y = Save("y.npy", new long[] { 2, 0, 1 }, 3);
        using var source = NpySource.Open(x, y);

        var features = new float[4];
        var labels = new int[2];
        source.Gather([2, 0], features, labels, default);

        (source.Count, source.FeatureCount, source.ClassCount, source.IsClassification).Should().Be((3, 2, 3, true));
        features.Should().Equal(20, 21, 0, 1);
        labels.Should().Equal(1, 2);
    }

    [Fact]
    public void Open_Uint8WithScale_MultipliesEachByteWhenGathered()
    {
        string x = Save("x.npy", new byte[] { 0, 255, 51, 102 }, 2, 1, 2);
        string y = Save("y.npy", new byte[] { 0, 1 }, 2);
        using var source = NpySource.Open(x, y, scale: 1f / 255);

        var features = new float[4];
        source.Gather([0, 1], features, default, default);

        source.FeatureCount.Should().Be(2, "an (m, 1, 2) array flattens to 2 features");
        features.Should().Equal(0f, 255f * (1f / 255), 51f * (1f / 255), 102f * (1f / 255));
    }

    [Fact]
    public void Open_Float32Targets_IsARegressionSource()
    {
        string x = Save("x.npy", new float[] { 1, 2, 3 }, 3, 1);
        string y = Save("y.npy", new float[] { 0.5f, 1.5f, 2.5f, 3.5f, 4.5f, 5.5f }, 3, 2);
        using var source = NpySource.Open(x, y);

        var targets = new float[2];
        source.Gather([1], default, default, targets);

        (source.IsClassification, source.TargetCount).Should().Be((false, 2));
        targets.Should().Equal(2.5f, 3.5f);
    }

    [Fact]
    public void ToDataset_EqualsTheArraysSaved()
    {
        string x = Save("x.npy", new float[] { 0, 1, 10, 11, 20, 21 }, 3, 2);
        string y = Save("y.npy", new int[] { 1, 0, 1 }, 3);
        using var source = NpySource.Open(x, y, classCount: 4);

        var data = source.ToDataset();

        data.FeatureValues.ToArray().Should().Equal(0, 1, 10, 11, 20, 21);
        data.Labels.Should().Equal(1, 0, 1);
        data.ClassCount.Should().Be(4);
    }

    [Fact]
    public void Open_NotNpy_NamesTheFileAndTheMagicBytes()
    {
        string x = _folder.File("x.npy");
        File.WriteAllText(x, "hello, world");
        string y = Save("y.npy", new byte[] { 0 }, 1);

        var e = Assert.Throws<DataFormatException>(() => NpySource.Open(x, y));

        e.FilePath.Should().Be(x);
        e.Location.Should().Be("byte offset 0");
        e.Message.Should().Contain("68656C6C6F2C");
    }

    [Fact]
    public void Open_FortranOrder_IsRefused()
    {
        string x = _folder.File("x.npy");
        using (var stream = File.Create(x))
        {
            var header = "{'descr': '<f4', 'fortran_order': True, 'shape': (1, 1), }";
            stream.Write([0x93, .. "NUMPY"u8, 1, 0, (byte)(header.Length + 1), 0]);
            stream.Write(Encoding.ASCII.GetBytes(header + "\n"));
            stream.Write(new byte[4]);
        }

        var e = Assert.Throws<DataFormatException>(() => NpySource.Open(x, Save("y.npy", new byte[] { 0 }, 1)));

        e.FilePath.Should().Be(x);
        e.Message.Should().Contain("'fortran_order': False").And.Contain("True");
    }

    [Fact]
    public void Open_TruncatedFile_NamesExpectedAndActualLengths()
    {
        string x = Save("x.npy", new float[] { 1, 2, 3, 4 }, 2, 2);
        using (var stream = new FileStream(x, FileMode.Open))
        {
            stream.SetLength(stream.Length - 4);
        }

        var e = Assert.Throws<DataFormatException>(() => NpySource.Open(x, Save("y.npy", new byte[] { 0, 1 }, 2)));

        e.FilePath.Should().Be(x);
        e.Message.Should().Contain("Expected 144 bytes").And.Contain("(2, 2)").And.Contain("the file has 140");
    }

    [Fact]
    public void Open_Float64Features_AreRefusedByType()
    {
        string x = _folder.File("x.npy");
        using (var stream = File.Create(x))
        {
            var header = "{'descr': '<f8', 'fortran_order': False, 'shape': (1, 1), }";
            stream.Write([0x93, .. "NUMPY"u8, 1, 0, (byte)(header.Length + 1), 0]);
            stream.Write(Encoding.ASCII.GetBytes(header + "\n"));
            stream.Write(new byte[8]);
        }

        var e = Assert.Throws<DataFormatException>(() => NpySource.Open(x, Save("y.npy", new byte[] { 0 }, 1)));

        e.FilePath.Should().Be(x);
        e.Message.Should().Contain("'<f8'");
    }

    [Fact]
    public void Open_LabelCountDiffers_NamesTheLabelsFileAndBothCounts()
    {
        string x = Save("x.npy", new float[] { 1, 2, 3 }, 3, 1);
        string y = Save("y.npy", new byte[] { 0, 1 }, 2);

        var e = Assert.Throws<DataFormatException>(() => NpySource.Open(x, y));

        e.FilePath.Should().Be(y);
        e.Message.Should().Contain("(3,)").And.Contain("(2,)");
    }

    [Fact]
    public void Open_LabelOutOfRange_NamesTheExample()
    {
        string x = Save("x.npy", new float[] { 1, 2, 3 }, 3, 1);
        string y = Save("y.npy", new long[] { 0, 1, 5 }, 3);

        var e = Assert.Throws<DataFormatException>(() => NpySource.Open(x, y, classCount: 3));

        e.FilePath.Should().Be(y);
        e.Location.Should().Be("example 2");
        e.Message.Should().Contain("[0, 3)").And.Contain("is 5");
    }

    [Fact]
    public void Gather_NonFiniteFloat32Feature_NamesTheFileAndExample()
    {
        string x = Save("x.npy", new float[] { 1, 2, float.NaN, 4 }, 2, 2);
        using var source = NpySource.Open(x, Save("y.npy", new byte[] { 0, 1 }, 2));

        var e = Assert.Throws<DataFormatException>(() => source.Gather([0, 1], new float[4], default, default));

        e.FilePath.Should().Be(x);
        e.Location.Should().Be("example 1");
    }

    [Fact]
    public void Gather_IndexOutOfRange_NamesTheIndex()
    {
        using var source = NpySource.Open(Save("x.npy", new float[] { 1, 2 }, 2, 1), Save("y.npy", new byte[] { 0, 1 }, 2));

        var e = Assert.Throws<ArgumentOutOfRangeException>(() => source.Gather([1, 2], new float[2], default, default));

        e.ParamName.Should().Be("indices");
        e.ActualValue.Should().Be(2);
    }

    [Fact]
    public void Gather_BufferTooSmall_NamesTheBuffer()
    {
        using var source = NpySource.Open(Save("x.npy", new float[] { 1, 2, 3, 4 }, 2, 2), Save("y.npy", new byte[] { 0, 1 }, 2));

        var e = Assert.Throws<ArgumentException>(() => source.Gather([0, 1], new float[3], default, default));

        e.ParamName.Should().Be("features");
        e.Message.Should().Contain("4").And.Contain("3");
    }

    private string Save<T>(string name, T[] values, params long[] shape)
        where T : unmanaged
    {
        string path = _folder.File(name);
        NpyFormat.Save<T>(path, values, shape);
        return path;
    }
}
