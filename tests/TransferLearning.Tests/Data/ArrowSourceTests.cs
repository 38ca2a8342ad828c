using Apache.Arrow;
using Apache.Arrow.Ipc;
using Apache.Arrow.Types;
using TransferLearning.Data;
using TransferLearning.Networks;
using TransferLearning.Tests.Support;
using TransferLearning.Tests.Training;
using TransferLearning.Training;

namespace TransferLearning.Tests.Data;

/// <summary>The Arrow IPC source: columns or a fixed-size list read a record batch at a time, rows in the file's order, and a clear error for every defect.</summary>
public sealed class ArrowSourceTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Open_Float32Columns_GathersRowsAcrossRecordBatchesInTheOrderAsked(bool streamFormat)
    {
        // Two record batches: rows 0–1 and row 2; row i is (10i, 10i + 1), label y.
        string path = Write(
            "t.arrow",
            streamFormat,
            Batch(("a", Floats(0, 10)), ("b", Floats(1, 11)), ("y", Ints(2, 0))),
            Batch(("a", Floats(20)), ("b", Floats(21)), ("y", Ints(1))));
        using var source = ArrowSource.Open(path, "y");

        var features = new float[4];
        var labels = new int[2];
        source.Gather([2, 0], features, labels, default);

        (source.Count, source.FeatureCount, source.ClassCount, source.IsClassification).Should().Be((3, 2, 3, true));
        source.FeatureColumns.Should().Equal("a", "b");
        features.Should().Equal(20, 21, 0, 1);
        labels.Should().Equal(1, 2);
    }

    [Fact]
    public void Open_Uint8ColumnsWithScale_KeepsOneByteAValueAndMultipliesWhenGathered()
    {
        string path = Write("t.arrow", false, Batch(("p0", Bytes(0, 51)), ("p1", Bytes(255, 102)), ("y", Longs(0, 1))));
        using var source = ArrowSource.Open(path, "y", scale: 1f / 255);

        var features = new float[4];
        source.Gather([0, 1], features, default, default);

        features.Should().Equal(0f, 255f * (1f / 255), 51f * (1f / 255), 102f * (1f / 255));
        NpyFormat.Read(source.CachePath).Descr.Should().Be("|u1", "uint8 columns are cached as stored");
    }

    [Fact]
    public void Open_FixedSizeListColumn_IsOneExamplePerRow_AndNamedColumnsPickTheFeatures()
    {
        var pixels = List(new FloatType(), 3, 1, 2, 3, 4, 5, 6);
        string path = Write("t.arrow", false, Batch(("id", Floats(7, 8)), ("pixels", pixels), ("y", Ints(1, 0))));
        using var source = ArrowSource.Open(path, "y", featureColumns: ["pixels"]);

        var features = new float[3];
        source.Gather([1], features, default, default);

        (source.Count, source.FeatureCount).Should().Be((2, 3));
        features.Should().Equal(4, 5, 6);
    }

    [Fact]
    public void Open_Uint8FixedSizeListColumn_IsCachedAsBytes()
    {
        var child = Bytes(0, 255, 51, 102);
        var pixels = new FixedSizeListArray(new FixedSizeListType(new UInt8Type(), 2), 2, child, ArrowBuffer.Empty, 0, 0);
        string path = Write("t.arrow", false, Batch(("pixels", pixels), ("y", Ints(0, 1))));
        using var source = ArrowSource.Open(path, "y", scale: 1f / 255);

        var features = new float[2];
        source.Gather([1], features, default, default);

        features.Should().Equal(51f * (1f / 255), 102f * (1f / 255));
        NpyFormat.Read(source.CachePath).Descr.Should().Be("|u1");
    }

    [Fact]
    public void Open_NamedColumns_AreLaidOutInTheOrderNamed()
    {
        string path = Write("t.arrow", false, Batch(("a", Floats(1)), ("b", Floats(2)), ("c", Floats(3)), ("y", Ints(0))));
        using var source = ArrowSource.Open(path, "y", featureColumns: ["c", "a"]);

        var features = new float[2];
        source.Gather([0], features, default, default);

        features.Should().Equal(3, 1);
    }

    [Fact]
    public void Open_Float32LabelColumn_IsARegressionSource()
    {
        string path = Write("t.arrow", false, Batch(("x", Floats(1, 2, 3)), ("target", Floats(0.5f, 1.5f, 2.5f))));
        using var source = ArrowSource.Open(path, "target");

        var targets = new float[1];
        source.Gather([1], default, default, targets);

        (source.IsClassification, source.TargetCount).Should().Be((false, 1));
        targets.Should().Equal(1.5f);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void FitFromSource_ArrowFileAndDatasetInMemory_GiveTheSameWeightsBitForBit(bool shuffle)
    {
        var (_, _, data) = SourceTrainingTests.Bytes(1000);
        string path = Write("t.arrow", false, PixelTable(1000));
        var options = new TrainingOptions { Epochs = 3, BatchSize = 30, Seed = 11, Shuffle = shuffle, StreamingShuffle = new StreamingShuffle { ChunkSize = 64, WindowChunks = 4 } };

        var inMemory = SourceTrainingTests.Mlp();
        new Trainer(options).FitFromSource(inMemory, DataSource.FromDataset(data));
        var streamed = SourceTrainingTests.Mlp();
        using (var file = ArrowSource.Open(path, "label", scale: 1f / 255))
        {
            new Trainer(options).FitFromSource(streamed, file);
        }

        Weights.AreIdentical(Weights.Of(inMemory), Weights.Of(streamed)).Should().BeTrue();
    }

    [Fact]
    public void Open_ReadsARecordBatchAtATime_AllocatingFarLessThanTheFile()
    {
        // 100,000 rows × 50 float columns (20 MB of features) in 50 record batches of 2,000 rows (400 kB each).
        var batch = Batch([.. Enumerable.Range(0, 50).Select(c => ($"x{c}", (IArrowArray)Floats([.. Enumerable.Range(0, 2000).Select(r => (float)(r + c))]))), ("y", Ints([.. Enumerable.Range(0, 2000).Select(r => r % 10)]))]);
        string path = Write("t.arrow", false, [.. Enumerable.Repeat(batch, 50)]);

        long before = GC.GetAllocatedBytesForCurrentThread();
        using var source = ArrowSource.Open(path, "y");
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        source.Count.Should().Be(100_000);
        allocated.Should().BeLessThan(5_000_000, "the features (20 MB) go to the cache a batch at a time; the labels take 400 kB");
    }

    [Fact]
    public void ToDataset_EqualsTheTable()
    {
        string path = Write("t.arrow", false, Batch(("a", Floats(0, 10, 20)), ("b", Bytes(1, 11, 21)), ("y", Ints(1, 0, 1))));
        using var source = ArrowSource.Open(path, "y", classCount: 4);

        var data = source.ToDataset();

        data.FeatureValues.ToArray().Should().Equal(0, 1, 10, 11, 20, 21);
        data.Labels.Should().Equal(1, 0, 1);
        data.ClassCount.Should().Be(4);
    }

    [Fact]
    public void Dispose_DeletesTheTemporaryCache_ButKeepsOneGiven()
    {
        string path = Write("t.arrow", false, Batch(("a", Floats(1)), ("y", Ints(0))));
        string temporary;
        using (var source = ArrowSource.Open(path, "y"))
        {
            temporary = source.CachePath;
            File.Exists(temporary).Should().BeTrue();
        }

        string kept = _folder.File("kept.npy");
        using (ArrowSource.Open(path, "y", cachePath: kept))
        {
        }

        File.Exists(temporary).Should().BeFalse();
        File.Exists(kept).Should().BeTrue();
    }

    [Fact]
    public void Open_NotArrow_NamesTheFile()
    {
        string path = _folder.File("t.arrow");
        File.WriteAllText(path, "hello, world, this is not an Arrow file at all");

        var e = Assert.Throws<DataFormatException>(() => ArrowSource.Open(path, "y"));

        e.FilePath.Should().Be(path);
    }

    [Fact]
    public void Open_TruncatedFile_NamesTheFile()
    {
        string path = Write("t.arrow", false, Batch(("a", Floats(1, 2, 3)), ("y", Ints(0, 1, 0))));
        using (var stream = new FileStream(path, FileMode.Open))
        {
            stream.SetLength(stream.Length - 40);
        }

        var e = Assert.Throws<DataFormatException>(() => ArrowSource.Open(path, "y"));

        e.FilePath.Should().Be(path);
    }

    [Fact]
    public void Open_TruncatedStream_NamesTheFileAndTheRecordBatch()
    {
        string path = Write("t.arrows", true, Batch(("a", Floats(1, 2, 3)), ("y", Ints(0, 1, 0))));
        using (var stream = new FileStream(path, FileMode.Open))
        {
            stream.SetLength(stream.Length - 20);
        }

        var e = Assert.Throws<DataFormatException>(() => ArrowSource.Open(path, "y"));

        e.FilePath.Should().Be(path);
        e.Location.Should().Be("record batch 0");
    }

    [Fact]
    public void Open_CompressedBuffersThatDoNotDecompress_NamesTheFileAndTheRecordBatch()
    {
        // Flagged LZ4_FRAME but written by a stand-in codec (the first half of the bytes): not LZ4 frames. (1.0 refused every compressed file.)
        string path = _folder.File("t.arrow");
        var batch = Batch(("a", Floats(1, 2)), ("y", Ints(0, 1)));
        Write(path, false, new IpcOptions { CompressionCodec = CompressionCodecType.Lz4Frame, CompressionCodecFactory = new HalvingCodec() }, batch);

        var e = Assert.Throws<DataFormatException>(() => ArrowSource.Open(path, "y"));

        (e.FilePath, e.Location).Should().Be((path, "record batch 0"));
    }

    [Fact]
    public void Open_MissingColumn_NamesItAndTheColumnsThere()
    {
        string path = Write("t.arrow", false, Batch(("a", Floats(1)), ("y", Ints(0))));

        var e = Assert.Throws<DataFormatException>(() => ArrowSource.Open(path, "label"));

        (e.FilePath, e.Location).Should().Be((path, "schema"));
        e.Message.Should().Contain("'label'").And.Contain("'a', 'y'");
    }

    [Fact]
    public void Open_Float64FeatureColumn_NamesTheColumnAndItsType()
    {
        var doubles = new DoubleArray.Builder().Append(1.0).Build();
        string path = Write("t.arrow", false, Batch(("a", Floats(1)), ("d", doubles), ("y", Ints(0))));

        var e = Assert.Throws<DataFormatException>(() => ArrowSource.Open(path, "y"));

        (e.FilePath, e.Location).Should().Be((path, "column 'd'"));
        e.Message.Should().Contain("double");
    }

    [Fact]
    public void Open_StringLabelColumn_NamesTheColumnAndItsType()
    {
        var names = new StringArray.Builder().Append("cat").Build();
        string path = Write("t.arrow", false, Batch(("a", Floats(1)), ("y", names)));

        var e = Assert.Throws<DataFormatException>(() => ArrowSource.Open(path, "y"));

        (e.FilePath, e.Location).Should().Be((path, "column 'y'"));
        e.Message.Should().Contain("utf8");
    }

    [Fact]
    public void Open_NullFeature_NamesTheColumnAndTheRowAcrossBatches()
    {
        var withNull = new FloatArray.Builder().Append(1).AppendNull().Build();
        string path = Write("t.arrow", false, Batch(("a", Floats(1, 2)), ("y", Ints(0, 1))), Batch(("a", withNull), ("y", Ints(0, 1))));

        var e = Assert.Throws<DataFormatException>(() => ArrowSource.Open(path, "y"));

        (e.FilePath, e.Location).Should().Be((path, "column 'a', row 3"));
    }

    [Fact]
    public void Open_NullLabel_NamesTheColumnAndTheRow()
    {
        var withNull = new Int32Array.Builder().Append(0).AppendNull().Build();
        string path = Write("t.arrow", false, Batch(("a", Floats(1, 2)), ("y", withNull)));

        var e = Assert.Throws<DataFormatException>(() => ArrowSource.Open(path, "y"));

        (e.FilePath, e.Location).Should().Be((path, "column 'y', row 1"));
    }

    [Fact]
    public void Open_LabelOutOfRange_NamesTheRowAndTheRange()
    {
        string path = Write("t.arrow", false, Batch(("a", Floats(1, 2, 3)), ("y", Ints(0, 1, 5))));

        var e = Assert.Throws<DataFormatException>(() => ArrowSource.Open(path, "y", classCount: 3));

        (e.FilePath, e.Location).Should().Be((path, "column 'y', row 2"));
        e.Message.Should().Contain("[0, 3)").And.Contain("is 5");
    }

    [Fact]
    public void Open_NonFiniteFeatureInAList_NamesTheColumnAndTheRow()
    {
        var pixels = List(new FloatType(), 2, 1, 2, 3, float.NaN);
        string path = Write("t.arrow", false, Batch(("pixels", pixels), ("y", Ints(0, 1))));

        var e = Assert.Throws<DataFormatException>(() => ArrowSource.Open(path, "y"));

        (e.FilePath, e.Location).Should().Be((path, "column 'pixels', row 1"));
    }

    [Fact]
    public void Open_NoRows_IsRefused()
    {
        string path = Write("t.arrow", false, Batch(("a", Floats()), ("y", Ints())));

        var e = Assert.Throws<DataFormatException>(() => ArrowSource.Open(path, "y"));

        e.FilePath.Should().Be(path);
    }

    [Fact]
    public void Open_FeatureColumnsNamingTheLabel_NamesTheArgument()
    {
        string path = Write("t.arrow", false, Batch(("a", Floats(1)), ("y", Ints(0))));

        var e = Assert.Throws<ArgumentException>(() => ArrowSource.Open(path, "y", featureColumns: ["a", "y"]));

        e.ParamName.Should().Be("featureColumns");
    }

    /// <summary>A compression codec that keeps the first half of the bytes (the writer stores a buffer compressed only when that is shorter): a file flagged compressed whose buffers do not decompress.</summary>
    private sealed class HalvingCodec : ICompressionCodecFactory, ICompressionCodec
    {
        public ICompressionCodec CreateCodec(CompressionCodecType compressionCodecType) => this;

        public ICompressionCodec CreateCodec(CompressionCodecType compressionCodecType, int? compressionLevel) => this;

        public void Compress(ReadOnlyMemory<byte> source, Stream destination) => destination.Write(source.Span[..(source.Length / 2)]);

        public int Decompress(ReadOnlyMemory<byte> source, Memory<byte> destination)
        {
            source.CopyTo(destination);
            return source.Length;
        }

        public void Dispose()
        {
        }
    }

    /// <summary>
    /// The NpySource test's set (<paramref name="count"/> examples of 12 uint8 pixels) as 12 uint8 columns p0…p11 and a uint8
    /// column "label", in record batches of 300 rows; pixels below <paramref name="zeroBelow"/> set to 0 (a compressible table).
    /// </summary>
    internal static RecordBatch[] PixelTable(int count, byte zeroBelow = 0)
    {
        var (pixels, labels, _) = SourceTrainingTests.Bytes(count);
        for (int i = 0; i < pixels.Length; i++)
        {
            pixels[i] = pixels[i] < zeroBelow ? (byte)0 : pixels[i];
        }

        var batches = new List<RecordBatch>();
        for (int start = 0; start < count; start += 300)
        {
            int rows = Math.Min(300, count - start);
            var columns = Enumerable.Range(0, 12)
                .Select(f => ($"p{f}", (IArrowArray)Bytes([.. Enumerable.Range(start, rows).Select(i => pixels[(i * 12) + f])])))
                .Append(("label", Bytes(labels.AsSpan(start, rows).ToArray())));
            batches.Add(Batch([.. columns]));
        }

        return [.. batches];
    }

    internal static FloatArray Floats(params float[] values) => new FloatArray.Builder().AppendRange(values).Build();

    internal static UInt8Array Bytes(params byte[] values) => new UInt8Array.Builder().AppendRange(values).Build();

    internal static Int32Array Ints(params int[] values) => new Int32Array.Builder().AppendRange(values).Build();

    private static Int64Array Longs(params long[] values) => new Int64Array.Builder().AppendRange(values).Build();

    private static FixedSizeListArray List(IArrowType valueType, int size, params float[] values)
    {
        var child = Floats(values);
        return new FixedSizeListArray(new FixedSizeListType(valueType, size), values.Length / size, child, ArrowBuffer.Empty, 0, 0);
    }

    internal static RecordBatch Batch(params (string Name, IArrowArray Values)[] columns)
    {
        var schema = new Schema(columns.Select(c => new Field(c.Name, c.Values.Data.DataType, nullable: true, null)), null);
        return new RecordBatch(schema, columns.Select(c => c.Values), columns[0].Values.Length);
    }

    /// <summary>Writes the batches with Apache.Arrow's own writer, in the file format (or the stream format).</summary>
    private string Write(string name, bool streamFormat, params RecordBatch[] batches) => Write(_folder.File(name), streamFormat, null, batches);

    /// <summary>Writes the batches to <paramref name="path"/> with Apache.Arrow's own writer and <paramref name="options"/> (compression, for instance).</summary>
    internal static string Write(string path, bool streamFormat, IpcOptions? options, params RecordBatch[] batches)
    {
        using var stream = File.Create(path);
        using var writer = streamFormat ? new ArrowStreamWriter(stream, batches[0].Schema, leaveOpen: false, options) : new ArrowFileWriter(stream, batches[0].Schema, leaveOpen: false, options);
        foreach (var batch in batches)
        {
            writer.WriteRecordBatch(batch);
        }

        writer.WriteEnd();
        return path;
    }
}
