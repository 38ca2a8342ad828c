namespace TransferLearning.Serialization;

/// <summary>
/// Reports file-system failures as the documented <see cref="IOException"/> family: an exception the runtime
/// raises as another type is wrapped in an <see cref="IOException"/> naming the file, with the cause kept as the
/// inner exception.
/// </summary>
internal static class FileErrors
{
    /// <summary>Runs <paramref name="write"/>, which writes <paramref name="path"/>.</summary>
    /// <exception cref="IOException">The file could not be written.</exception>
    public static void Writing(string path, Action write)
    {
        try
        {
            write();
        }
        catch (Exception e) when (IsFileSystemFailure(e))
        {
            throw new IOException($"Cannot write '{path}': {e.Message}", e);
        }
    }

    /// <summary>Opens <paramref name="path"/> to read it.</summary>
    /// <exception cref="IOException">The file could not be opened (it is missing, a directory, or not readable).</exception>
    public static FileStream OpenRead(string path)
    {
        try
        {
            return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 4096, FileOptions.RandomAccess);
        }
        catch (Exception e) when (IsFileSystemFailure(e))
        {
            throw new IOException($"Cannot read '{path}': {e.Message}", e);
        }
    }

    // What the runtime raises for a failure of the file system under a type outside the IOException family: no
    // permission (or a directory where a file is expected), a file-size limit reached (EFBIG), an unsupported path.
    private static bool IsFileSystemFailure(Exception e) =>
        e is UnauthorizedAccessException or ArgumentOutOfRangeException or NotSupportedException or System.Security.SecurityException;
}
