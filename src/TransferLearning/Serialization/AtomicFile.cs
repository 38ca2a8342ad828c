namespace TransferLearning.Serialization;

/// <summary>
/// Replaces a file all at once: the content goes to a temporary file in the same folder, which is flushed to
/// the disk and then renamed over the target. A write that fails at any point leaves the previous file as it was.
/// </summary>
internal static class AtomicFile
{
    /// <summary>Writes <paramref name="path"/> through <paramref name="write"/>.</summary>
    /// <param name="path">The file to create or replace.</param>
    /// <param name="write">Writes the content to the stream it is given.</param>
    /// <param name="decorate">Wraps the temporary file's stream (tests inject failures with it); <see langword="null"/> for none.</param>
    public static void Write(string path, Action<Stream> write, Func<Stream, Stream>? decorate = null)
    {
        string fullPath = Path.GetFullPath(path);
        string folder = Path.GetDirectoryName(fullPath) ?? throw new ArgumentException($"Expected a file path but got '{path}'.", nameof(path));
        string temporary = Path.Combine(folder, $".{Path.GetFileName(fullPath)}.{Guid.NewGuid():N}.tmp");
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
            File.Delete(temporary);
            throw;
        }
    }
}
