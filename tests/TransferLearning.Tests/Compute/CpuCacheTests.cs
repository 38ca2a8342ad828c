using TransferLearning.Compute;
using TransferLearning.Inference;
using TransferLearning.Tests.Support;

namespace TransferLearning.Tests.Compute;

public class CpuCacheTests
{
    [Theory]
    [InlineData("32K", 32 * 1024)]
    [InlineData("48K", 48 * 1024)]
    [InlineData("1M", 1024 * 1024)]
    [InlineData("4096", 4096)]
    [InlineData("", null)]
    [InlineData("K", null)]
    [InlineData("-32K", null)]
    [InlineData("0K", null)]
    [InlineData("99999999M", null)]
    public void ParseSize_ReadsTheKernelsSizes(string text, int? expected) =>
        CpuCache.ParseSize(text).Should().Be(expected);

    [Fact]
    public void ReadL1Data_FindsTheLevel1DataCacheAmongTheIndexFolders()
    {
        using var folder = new TempFolder();
        Write(folder.Path, "index0", "1", "Instruction", "32K");
        Write(folder.Path, "index1", "2", "Unified", "512K");
        Write(folder.Path, "index2", "1", "Data", "48K");

        CpuCache.ReadL1Data(folder.Path).Should().Be(48 * 1024);
        CpuCache.ReadL1Data(Path.Combine(folder.Path, "missing")).Should().BeNull();
    }

    [Theory]
    [InlineData(48 * 1024, 512, 64)]   // AVX-512 blocks (4 × 32 rows) on Zen 5: as measured there
    [InlineData(32 * 1024, 512, 32)]   // on Zen 4 (and Skylake-X): two thirds of L1 is 42 columns
    [InlineData(32 * 1024, 192, 64)]   // AVX2 blocks (3 × 16 rows): at most one mask word
    [InlineData(8 * 1024, 512, 16)]    // never fewer than 16
    public void ColumnBlockFor_TakesAtMostTwoThirdsOfL1InStepsOf16(int l1, int bytesPerColumn, int expected) =>
        SparseBatchGemm.ColumnBlockFor(l1, bytesPerColumn).Should().Be(expected);

    private static void Write(string root, string index, string level, string type, string size)
    {
        string folder = Directory.CreateDirectory(Path.Combine(root, index)).FullName;
        File.WriteAllText(Path.Combine(folder, "level"), level + "\n");
        File.WriteAllText(Path.Combine(folder, "type"), type + "\n");
        File.WriteAllText(Path.Combine(folder, "size"), size + "\n");
    }
}
