using TransferLearning.Data;
using TransferLearning.OnnxRuntime;
using TransferLearning.Tests.Support;

namespace TransferLearning.Tests.OnnxRuntime;

/// <summary>Every way to get the body wrong names what was expected and what was found.</summary>
public sealed class OnnxBodyErrorTests
{
    private static readonly string IntValueModel = Path.Combine(CnnFixture.Folder, "int-value.onnx");

    [Fact]
    public void Load_UnknownCut_NamesTheCutAndTheOutputs()
    {
        var act = () => OnnxBody.Load(CnnFixture.Model, CnnFixture.Options() with { Cut = "featurez" });

        var error = act.Should().Throw<ArgumentException>().WithParameterName("options").Which;
        error.Message.Should().Contain("'featurez'").And.Contain("logits").And.Contain("features");
    }

    [Fact]
    public void Load_UnknownInputName_NamesTheInputs()
    {
        var act = () => OnnxBody.Load(CnnFixture.Model, CnnFixture.Options() with { InputName = "image" });

        var error = act.Should().Throw<ArgumentException>().WithParameterName("options").Which;
        error.Message.Should().Contain("'image'").And.Contain("pixels");
    }

    [Fact]
    public void Load_ShapeOfOtherRank_NamesBothShapes()
    {
        var act = () => OnnxBody.Load(CnnFixture.Model, CnnFixture.Options() with { InputShape = [784] });

        var error = act.Should().Throw<ArgumentException>().WithParameterName("options").Which;
        error.Message.Should().Contain("[batch, 784]").And.Contain("[?, 1, 28, 28]");
    }

    [Fact]
    public void Load_ShapeOfOtherSize_NamesTheDimension()
    {
        var act = () => OnnxBody.Load(CnnFixture.Model, CnnFixture.Options() with { InputShape = [1, 28, 27] });

        var error = act.Should().Throw<ArgumentException>().WithParameterName("options").Which;
        error.Message.Should().Contain("dimension 3 is 28, not 27");
    }

    [Fact]
    public void Load_CutNotFloat_NamesTheCutAndItsType()
    {
        var act = () => OnnxBody.Load(IntValueModel, new OnnxBodyOptions { InputShape = [4], Cut = "shape" });

        var error = act.Should().Throw<ArgumentException>().WithParameterName("options").Which;
        error.Message.Should().Contain("'shape'").And.Contain("Int64");
    }

    [Fact]
    public void Load_CutWithoutBatchDimension_NamesItsShape()
    {
        var act = () => OnnxBody.Load(IntValueModel, new OnnxBodyOptions { InputShape = [4], Cut = "y" });

        var error = act.Should().Throw<ArgumentException>().WithParameterName("options").Which;
        error.Message.Should().Contain("'y'").And.Contain("[2]");
    }

    [Fact]
    public void Load_MissingFile_FileNotFound()
    {
        using var folder = new TempFolder();
        string path = folder.File("none.onnx");

        var act = () => OnnxBody.Load(path, CnnFixture.Options());

        act.Should().Throw<FileNotFoundException>().Which.FileName.Should().Be(path);
    }

    [Fact]
    public void Load_NotAModel_InvalidDataNamingTheFile()
    {
        using var folder = new TempFolder();
        string path = folder.File("garbage.onnx");
        File.WriteAllBytes(path, [0xFF, 0xFF, 0xFF, 0x01, 0x02]);

        var act = () => OnnxBody.Load(path, CnnFixture.Options());

        act.Should().Throw<InvalidDataException>().Which.Message.Should().Contain(path);
    }

    [Fact]
    public void Load_TruncatedModel_InvalidData()
    {
        using var folder = new TempFolder();
        string path = folder.File("truncated.onnx");
        File.WriteAllBytes(path, File.ReadAllBytes(CnnFixture.Model)[..5000]);

        var act = () => OnnxBody.Load(path, CnnFixture.Options());

        act.Should().Throw<InvalidDataException>().Which.Message.Should().Contain(path);
    }

    [Fact]
    public void Load_NullArguments_Throw()
    {
        ((Action)(() => OnnxBody.Load(null!, CnnFixture.Options()))).Should().Throw<ArgumentNullException>().WithParameterName("path");
        ((Action)(() => OnnxBody.Load("", CnnFixture.Options()))).Should().Throw<ArgumentException>().WithParameterName("path");
        ((Action)(() => OnnxBody.Load(CnnFixture.Model, null!))).Should().Throw<ArgumentNullException>().WithParameterName("options");
    }

    [Fact]
    public void Extract_RowsNotAMultipleOfInputSize_NamesTheLengths()
    {
        using var body = OnnxBody.Load(CnnFixture.Model, CnnFixture.Options());

        var act = () => body.Extract(new float[783], new float[64]);

        act.Should().Throw<ArgumentException>().WithParameterName("examples").Which.Message.Should().Contain("783");
    }

    [Fact]
    public void Extract_FeaturesOfWrongLength_NamesTheLengths()
    {
        using var body = OnnxBody.Load(CnnFixture.Model, CnnFixture.Options());

        var act = () => body.Extract(new float[2 * 784], new float[64]);

        act.Should().Throw<ArgumentException>().WithParameterName("features").Which.Message.Should().Contain("128").And.Contain("64");
    }

    [Fact]
    public void Extract_DatasetOfOtherWidth_NamesTheCounts()
    {
        using var body = OnnxBody.Load(CnnFixture.Model, CnnFixture.Options());
        var data = Dataset.ForClassification(new float[3 * 10], 3, 10, [0, 1, 0]);

        var act = () => body.Extract(data);

        act.Should().Throw<ArgumentException>().WithParameterName("data").Which.Message.Should().Contain("784").And.Contain("10");
    }

    [Fact]
    public void Extract_AfterDispose_ObjectDisposed()
    {
        var body = OnnxBody.Load(CnnFixture.Model, CnnFixture.Options());
        body.Dispose();
        body.Dispose();

        var act = () => body.Extract(new float[784], new float[64]);

        act.Should().Throw<ObjectDisposedException>();
    }
}
