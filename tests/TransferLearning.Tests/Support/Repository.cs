namespace TransferLearning.Tests.Support;

/// <summary>Paths in the repository the tests run from.</summary>
internal static class Repository
{
    /// <summary>The folder that holds TransferLearning.sln.</summary>
    public static string Root { get; } = FindRoot();

    /// <summary>A path under the root, such as <c>Repository.File("tests", "fixtures")</c>.</summary>
    public static string File(params string[] parts) => Path.Combine([Root, .. parts]);

    private static string FindRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !System.IO.File.Exists(Path.Combine(directory.FullName, "TransferLearning.sln")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException($"No TransferLearning.sln above {AppContext.BaseDirectory}.");
    }
}
