namespace TransferLearning.Data;

/// <summary>
/// A data file (IDX, CSV) is not what it claims to be: truncated, a wrong magic number, counts that
/// disagree, a label out of range, a ragged row, a value that is not a number. The message names the file,
/// the place in it (<see cref="Location"/>: a byte offset, or a line and column) and what is wrong.
/// </summary>
/// <remarks>
/// Derives from <see cref="IOException"/>, so code that already handles I/O failures of a file handles this one.
/// A damaged gzip stream's own <see cref="InvalidDataException"/> is kept as the <see cref="Exception.InnerException"/>.
/// </remarks>
public sealed class DataFormatException : IOException
{
    /// <summary>Creates the exception.</summary>
    public DataFormatException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">The message.</param>
    public DataFormatException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and an inner exception.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public DataFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception for a place in a file.</summary>
    /// <param name="filePath">The file.</param>
    /// <param name="location">Where in the file, in words ("byte offset 8", "line 3, column 2").</param>
    /// <param name="problem">What is wrong, with the expected and the actual value.</param>
    /// <param name="innerException">The cause, if any.</param>
    public DataFormatException(string filePath, string location, string problem, Exception? innerException = null)
        : base($"{filePath}, {location}: {problem}", innerException)
    {
        FilePath = filePath;
        Location = location;
    }

    /// <summary>Gets the file that is malformed, or <see langword="null"/> when not known.</summary>
    public string? FilePath { get; }

    /// <summary>Gets where in the file the problem is ("byte offset 8", "line 3, column 2"), or <see langword="null"/>.</summary>
    public string? Location { get; }
}
