using TransferLearning.Tests.Support;

namespace TransferLearning.Tests.Samples;

/// <summary>
/// The README's quick-start code is the QuickStart sample's code, in the sample's order, which compiles and which
/// QuickStartTests runs. (That every C# block of the README also compiles on its own in a fresh console app that
/// references the package is checked by .ci/consumer-test.sh, which .ci/run runs.)
/// </summary>
public class ReadmeTests
{
    [Fact]
    public void CodeBlocks_AreInOrderExcerptsOfTheQuickStartSample()
    {
        string root = Repository.Root();
        var sample = File.ReadAllLines(Path.Combine(root, "samples", "QuickStart", "Program.cs"));
        // Only the quick start is an excerpt of the sample; the other sections' blocks are programs of their own
        // ("Load your own data" is compiled and run below; every block is compiled in a fresh console app that
        // references the package by .ci/consumer-test.sh).
        var blocks = CSharpBlocks(File.ReadAllText(Path.Combine(root, "README.md")))
            .Where(b => b.Section == QuickStart)
            .Select(b => b.Lines)
            .ToList();

        blocks.Should().HaveCountGreaterThanOrEqualTo(2, "the README shows the dense core and the transfer");
        foreach (var block in blocks)
        {
            LinesNotInOrder(block, sample).Should().BeEmpty(
                "every line of the README's block (comments included) must stand in samples/QuickStart/Program.cs, in the same order");
        }
    }

    [Fact]
    public void LinesNotInOrder_SwappedOrMissingLines_AreReported()
    {
        // The check above must be able to fail: lines present but out of order, and a line that is not there.
        string[] sample = ["int a = 1;", "int b = 2;", "    int c = 3;   ", "int d = 4;"];

        LinesNotInOrder(["int a = 1;", "int c = 3;   // a comment", "", "int d = 4;"], sample).Should().BeEmpty("trimmed, trailing comments and blank lines aside, these are in order");
        LinesNotInOrder(["int b = 2;", "int a = 1;"], sample).Should().Equal("int a = 1;");
        LinesNotInOrder(["int a = 1;", "int e = 5;", "int d = 4;"], sample).Should().Equal("int e = 5;");
    }

    /// <summary>
    /// The lines of <paramref name="excerpt"/> (trimmed, a trailing comment dropped, blank lines skipped) that do
    /// not stand in <paramref name="source"/> after the line matched before them: empty when the excerpt is the
    /// source's lines in the source's order, with lines left out between them.
    /// </summary>
    private static List<string> LinesNotInOrder(IEnumerable<string> excerpt, IReadOnlyList<string> source)
    {
        var trimmed = source.Select(l => l.Trim()).ToList();
        var missing = new List<string>();
        int next = 0;
        foreach (string line in excerpt.Select(l => StripTrailingComment(l).Trim()).Where(l => l.Length > 0))
        {
            int at = trimmed.IndexOf(line, next);
            if (at < 0)
            {
                missing.Add(line);
                continue;
            }

            next = at + 1;
        }

        return missing;
    }

    private const string QuickStart = "## Quick start";

    private const string LoadYourOwnData = "## Load your own data";

    [SkippableFact]
    [Trait("Category", "Slow")]
    public void LoadYourOwnData_CompilesAndRunsAsAConsoleApp()
    {
        var block = CSharpBlocks(File.ReadAllText(Path.Combine(Repository.Root(), "README.md"))).Single(b => b.Section == LoadYourOwnData);

        var (errors, assembly) = ConsoleAppCompiler.Compile(string.Join('\n', block.Lines));

        errors.Should().BeEmpty("the block must compile, as it stands, in a new console app that references the package");
        FashionMnistFixture.Require();   // it reads the installed Fashion-MNIST
        try
        {
            ConsoleAppCompiler.Run(assembly);
        }
        finally
        {
            File.Delete("flowers.csv");
        }
    }

    /// <summary>Each ```csharp block with the "## " heading it stands under.</summary>
    private static List<(string Section, string[] Lines)> CSharpBlocks(string markdown)
    {
        var blocks = new List<(string, string[])>();
        var lines = markdown.Split('\n');
        string section = "";
        for (int i = 0; i < lines.Length; i++)
        {
            if (lines[i].StartsWith("## ", StringComparison.Ordinal))
            {
                section = lines[i].TrimEnd();
            }

            if (lines[i].TrimEnd() == "```csharp")
            {
                int end = Array.FindIndex(lines, i + 1, l => l.TrimEnd() == "```");
                blocks.Add((section, lines[(i + 1)..end]));
                i = end;
            }
        }

        return blocks;
    }

    // "var score = network.Evaluate(test);   // loss 0.0044, …" → the code before the comment.
    private static string StripTrailingComment(string line)
    {
        int comment = line.IndexOf("   //", StringComparison.Ordinal);
        return comment >= 0 ? line[..comment] : line;
    }
}
