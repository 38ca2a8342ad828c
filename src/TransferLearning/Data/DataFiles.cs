namespace TransferLearning.Data;

/// <summary>
/// Opens the data files the readers take, so that every file-system failure is an <see cref="IOException"/>
/// naming the path: a directory given as a file, or a file the process may not read (which .NET reports as
/// <see cref="UnauthorizedAccessException"/>), becomes an <see cref="IOException"/> with the path and the
/// cause as its inner exception.
/// </summary>
internal static class DataFiles
{
    /// <summary>Opens <paramref name="path"/> for reading.</summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="DirectoryNotFoundException">A folder on the path does not exist.</exception>
    /// <exception cref="IOException">The path is a directory, the file cannot be read (no permission), or another I/O error.</exception>
    public static FileStream OpenRead(string path)
    {
        if (Directory.Exists(path))
        {
            throw new IOException($"Expected a file but '{path}' is a directory.");
        }

        try
        {
            return File.OpenRead(path);
        }
        catch (UnauthorizedAccessException e)
        {
            throw new IOException($"Cannot read '{path}': access is denied ({e.Message}).", e);
        }
    }

    /// <summary>Reads the whole of <paramref name="path"/> as text (UTF-8 unless a byte-order mark says otherwise).</summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="DirectoryNotFoundException">A folder on the path does not exist.</exception>
    /// <exception cref="IOException">The path is a directory, the file cannot be read (no permission), or another I/O error.</exception>
    public static string ReadAllText(string path)
    {
        using var stream = OpenRead(path);
        using var reader = new StreamReader(stream, System.Text.Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
        return reader.ReadToEnd();
    }
}
