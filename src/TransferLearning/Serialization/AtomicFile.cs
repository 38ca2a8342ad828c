namespace TransferLearning.Serialization;

/// <summary>
/// Replaces a file all at once: the content goes to a temporary file in the same folder, which is flushed to
/// the disk and then renamed over the target. A write that fails at any point leaves the previous file as it was.
/// </summary>
/// <remarks>
/// Every failure of the file system is reported as an <see cref="IOException"/> (or a type derived from it):
/// one that the runtime raises as another type (<see cref="UnauthorizedAccessException"/> for a folder that
/// cannot be written or a directory given as the file, <see cref="ArgumentOutOfRangeException"/> for a file-size
/// limit reached mid-write, <see cref="NotSupportedException"/>) is wrapped in an <see cref="IOException"/> that
/// names the file and keeps the cause as its inner exception.
/// </remarks>
internal static class AtomicFile
{
    /// <summary>How many characters of the target's name the temporary name keeps (the rest is a short random suffix).</summary>
    internal const int KeptNameLength = 16;

    /// <summary>Writes <paramref name="path"/> through <paramref name="write"/>.</summary>
    /// <param name="path">The file to create or replace.</param>
    /// <param name="write">Writes the content to the stream it is given.</param>
    /// <param name="decorate">Wraps the temporary file's stream (tests inject failures with it); <see langword="null"/> for none.</param>
    /// <exception cref="IOException">The file could not be written; the previous file, if any, is unchanged.</exception>
    public static void Write(string path, Action<Stream> write, Func<Stream, Stream>? decorate = null)
    {
        string fullPath = Path.GetFullPath(path);
        string folder = Path.GetDirectoryName(fullPath) ?? throw new ArgumentException($"Expected a file path but got '{path}'.", nameof(path));
        string temporary = Path.Combine(folder, TemporaryName(Path.GetFileName(fullPath)));
        FileErrors.Writing(path, () =>
        {
            try
            {
                using (var file = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None))
                {
                    var stream = decorate is null ? file : decorate(file);
                    write(stream);
                    stream.Flush();
                    file.Flush(flushToDisk: true);
                }

                File.Move(temporary, fullPath, overwrite: true);
            }
            catch
            {
                TryDelete(temporary);
                throw;
            }
        });
    }

    /// <summary>
    /// A short temporary name beside <paramref name="fileName"/>: a dot, at most <see cref="KeptNameLength"/>
    /// characters of the name, a 12-digit random suffix and <c>.tmp</c> (at most 34 characters), so that any name
    /// the file system accepts can be saved.
    /// </summary>
    internal static string TemporaryName(string fileName)
    {
        int keep = Math.Min(fileName.Length, KeptNameLength);
        if (keep > 0 && char.IsHighSurrogate(fileName[keep - 1]))
        {
            keep--;
        }

        return $".{fileName[..keep]}.{Guid.NewGuid():N}"[..(keep + 14)] + ".tmp";
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The write already failed; its exception is the one to report.
        }
    }
}
