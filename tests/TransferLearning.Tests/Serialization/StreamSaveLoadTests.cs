using MathNet.Numerics.LinearAlgebra;
using TransferLearning.Networks;
using TransferLearning.Serialization;
using TransferLearning.Tests.Support;
using TransferLearning.Transfer;

namespace TransferLearning.Tests.Serialization;

/// <summary>Every save and load has a <see cref="Stream"/> overload that writes and reads exactly what the path overload does.</summary>
public class StreamSaveLoadTests(SmallTransfer small) : IClassFixture<SmallTransfer>
{
    private static readonly Matrix<float> Inputs = Matrix<float>.Build.Dense(4, 5, (i, j) => MathF.Cos(i - (2 * j)));

    [Fact]
    public void SaveToStream_Network_WritesTheBytesOfTheFileSave()
    {
        var network = NetworkFilesTests.Trained();
        using var folder = new TempFolder();
        string path = folder.File("net.safetensors");
        using var stream = new MemoryStream();

        network.Save(path);
        network.Save(stream);

        stream.ToArray().Should().Equal(File.ReadAllBytes(path));
    }

    [Fact]
    public void LoadFromStream_Network_PredictsAsTheSavedNetwork()
    {
        var network = NetworkFilesTests.Trained();
        using var stream = new MemoryStream();
        network.Save(stream);
        stream.Position = 0;

        var loaded = Network.Load(stream);

        loaded.ToString().Should().Be(network.ToString());
        loaded.Predict(Inputs).AsColumnMajorArray().Should().Equal(network.Predict(Inputs).AsColumnMajorArray());
    }

    [Fact]
    public void LoadFromStream_NotSeekableOrNotAtItsStart_ReadsFromTheCurrentPosition()
    {
        var network = NetworkFilesTests.Trained();
        using var saved = new MemoryStream();
        saved.Write([1, 2, 3]);   // something before the file, as in a container format
        network.Save(saved);
        byte[] bytes = saved.ToArray();

        using var offset = new MemoryStream(bytes) { Position = 3 };
        using var forwardOnly = new ForwardOnlyStream(new MemoryStream(bytes[3..]));

        Network.Load(offset).Predict(Inputs).AsColumnMajorArray().Should().Equal(network.Predict(Inputs).AsColumnMajorArray());
        Network.Load(forwardOnly).Predict(Inputs).AsColumnMajorArray().Should().Equal(network.Predict(Inputs).AsColumnMajorArray());
    }

    [Fact]
    public void LoadWeightsFromStream_IntoAFreshNetwork_LoadsEveryParameter()
    {
        var network = NetworkFilesTests.Trained();
        using var stream = new MemoryStream();
        network.Save(stream);
        stream.Position = 0;
        var fresh = network.Clone();
        foreach (var p in fresh.Parameters)
        {
            p.SetValues(Matrix<float>.Build.Dense(p.Rows, p.Columns));
        }

        var report = fresh.LoadWeights(stream);

        report.IsComplete.Should().BeTrue();
        fresh.Predict(Inputs).AsColumnMajorArray().Should().Equal(network.Predict(Inputs).AsColumnMajorArray());
    }

    [Fact]
    public void LoadFromStream_Garbage_ThrowsModelFormatExceptionNamingTheStream()
    {
        using var stream = new MemoryStream([1, 2, 3]);

        var exception = FluentActions.Invoking(() => Network.Load(stream)).Should().ThrowExactly<ModelFormatException>().Which;

        exception.FilePath.Should().Be(NetworkFiles.StreamName);
    }

    [Fact]
    public void SaveAndLoad_StreamsOfTheWrongDirection_ThrowArgumentExceptionNamingTheStream()
    {
        var network = NetworkFilesTests.Trained();
        using var readOnly = new MemoryStream([1, 2, 3], writable: false);
        using var writeOnly = new FailingStream(new MemoryStream(), budget: long.MaxValue);

        FluentActions.Invoking(() => network.Save(readOnly)).Should().Throw<ArgumentException>().Which.ParamName.Should().Be("stream");
        FluentActions.Invoking(() => Network.Load(writeOnly)).Should().Throw<ArgumentException>().Which.ParamName.Should().Be("stream");
    }

    [Fact]
    public void SaveLoadThroughStreams_PretrainedNetworkAndTransferResult_KeepWhatTheFilesKeep()
    {
        var result = new TransferPipeline().Transfer(small.Pretrained, small.Tasks.Target, SmallTransfer.Options(TransferStrategy.HeadOnly));
        using var pretrainedStream = new MemoryStream();
        using var resultStream = new MemoryStream();

        small.Pretrained.Save(pretrainedStream);
        result.Save(resultStream);
        pretrainedStream.Position = 0;
        resultStream.Position = 0;
        var pretrained = PretrainedNetwork.Load(pretrainedStream);
        var loaded = TransferResult.Load(resultStream);

        pretrained.SourceExampleCount.Should().Be(small.Pretrained.SourceExampleCount);
        pretrained.History.Epochs.Should().Equal(small.Pretrained.History.Epochs);
        pretrained.Network.Predict(Inputs64()).AsColumnMajorArray().Should().Equal(small.Pretrained.Network.Predict(Inputs64()).AsColumnMajorArray());
        loaded.Strategy.Should().Be(result.Strategy);
        loaded.Decision.Reasons.Should().Equal(result.Decision.Reasons);
        loaded.Network.Predict(Inputs64()).AsColumnMajorArray().Should().Equal(result.Network.Predict(Inputs64()).AsColumnMajorArray());
    }

    private Matrix<float> Inputs64() => Matrix<float>.Build.Dense(small.Pretrained.Network.InputSize, 3, (i, j) => MathF.Sin(i + (7 * j)));

    /// <summary>A stream that reads forward only, as a network stream does.</summary>
    private sealed class ForwardOnlyStream(Stream inner) : Stream
    {
        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, count);

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            inner.Dispose();
            base.Dispose(disposing);
        }
    }
}
