namespace TransferLearning.Tests.Samples;

/// <summary>The README's code is the QuickStart sample's code, which compiles and which QuickStartTests runs.</summary>
public class ReadmeTests
{
    [Fact]
    public void CodeBlocks_AreLineForLineExcerptsOfTheQuickStartSample()
    {
        string root = RepositoryRoot();
        var sample = File.ReadAllLines(Path.Combine(root, "samples", "QuickStart", "Program.cs")).Select(l => l.Trim()).ToHashSet();
        var blocks = CSharpBlocks(File.ReadAllText(Path.Combine(root, "README.md")));

        blocks.Should().HaveCountGreaterThanOrEqualTo(2, "the README shows the dense core and the transfer");
        var missing = blocks
            .SelectMany(b => b)
            .Select(l => StripTrailingComment(l).Trim())
            .Where(l => l.Length > 0 && !l.StartsWith("//", StringComparison.Ordinal))
            .Where(l => !sample.Contains(l))
            .ToList();
        missing.Should().BeEmpty("every code line of the README must stand in samples/QuickStart/Program.cs");
    }

    private static List<string[]> CSharpBlocks(string markdown)
    {
        var blocks = new List<string[]>();
        var lines = markdown.Split('\n');
        for (int i = 0; i < lines.Length; i++)
        {
            if (lines[i].TrimEnd() == "```csharp")
            {
                int end = Array.FindIndex(lines, i + 1, l => l.TrimEnd() == "```");
                blocks.Add(lines[(i + 1)..end]);
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

    private static string RepositoryRoot() => Support.Repository.Root();
}
