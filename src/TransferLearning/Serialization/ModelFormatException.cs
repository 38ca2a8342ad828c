namespace TransferLearning.Serialization;

/// <summary>
/// A model file is not one this library can load: the one exception every format check of the loader
/// throws, naming the file and the problem.
/// </summary>
/// <remarks>
/// The loader checks a file before it trusts or allocates anything from it: the header length (at most
/// 100 MB and inside the file; a file whose first 8 bytes give no such length is "not a safetensors file", and
/// the problem says when it looks like an ONNX model, a zip archive, gzip, HDF5, a pickle or text), the header's UTF-8 and JSON (no duplicate keys, no deep nesting), the data
/// types, the shapes against their byte ranges, the ranges against the file (inside it, neither overlapping
/// nor leaving bytes uncovered), the shapes against the architecture, the metadata's format version and every
/// value's finiteness. A failure of the file system itself (a missing file, no permission) is reported by the
/// usual <see cref="IOException"/> family instead.
/// </remarks>
public sealed class ModelFormatException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="filePath">The file that failed to load.</param>
    /// <param name="problem">What is wrong, in words.</param>
    /// <param name="innerException">The underlying error, if any.</param>
    public ModelFormatException(string filePath, string problem, Exception? innerException = null)
        : base($"Cannot load '{filePath}': {problem}", innerException)
    {
        FilePath = filePath;
        Problem = problem;
    }

    /// <summary>Gets the file that failed to load.</summary>
    public string FilePath { get; }

    /// <summary>Gets what is wrong with the file, in words.</summary>
    public string Problem { get; }
}
