using TransferLearning.Networks;

namespace TransferLearning.Serialization;

/// <summary>
/// Saves and loads networks as safetensors files: <c>network.Save(path)</c>, <c>Network.Load(path)</c>, and
/// <c>network.LoadWeights(path)</c> to load a file into a network whose top layers differ.
/// </summary>
/// <remarks>
/// <para>
/// A file holds every parameter as a float32 tensor named as the parameter (<c>layers.0.weight</c> as
/// <c>[n_out, n_in]</c>, <c>layers.0.bias</c> as <c>[n_out]</c>: PyTorch's <c>nn.Linear</c> layout, so that
/// other tools read it), and the architecture, the frozen flags and the format version in <c>__metadata__</c>.
/// Saving is atomic: the file is written beside the target under a temporary name, flushed and renamed, so a
/// save that fails at any point leaves the previous file intact.
/// </para>
/// <para>
/// Loading checks the whole file before it trusts or allocates anything from it (see
/// <see cref="ModelFormatException"/>); nothing in a file names a type to create. A loaded network has the
/// saved weights, frozen flags and seed; layers appended to it draw from a fresh generator seeded with that
/// seed, and its <see cref="Network.TrainingBackend"/> is the default.
/// </para>
/// </remarks>
public static class NetworkFiles
{
    /// <summary>What messages about data read from a stream call it, in place of a file's path.</summary>
    internal const string StreamName = "(stream)";

    /// <param name="network">The network.</param>
    extension(Network network)
    {
        /// <summary>Saves the network (architecture, weights, frozen flags) to a safetensors file, atomically.</summary>
        /// <param name="path">The file to create or replace.</param>
        /// <exception cref="ArgumentNullException">The network is <see langword="null"/>.</exception>
        /// <exception cref="ArgumentException"><paramref name="path"/> is empty.</exception>
        /// <exception cref="InvalidOperationException">The network has no layers.</exception>
        /// <exception cref="IOException">The file could not be written (also a folder that cannot be written, a directory given as the file or a file-size limit, with the path and the cause as the inner exception); the previous file, if any, is unchanged.</exception>
        public void Save(string path) => Save(network, path, null);

        /// <summary>Writes the network (architecture, weights, frozen flags) to <paramref name="stream"/> in the safetensors format of <see cref="Save(Network, string)"/>.</summary>
        /// <param name="stream">A writable stream; the file is written from its current position, and the stream is flushed but not closed.</param>
        /// <remarks>Unlike a save to a path this cannot be atomic: a failure may leave part of a file in the stream.</remarks>
        /// <exception cref="ArgumentNullException">The network or <paramref name="stream"/> is <see langword="null"/>.</exception>
        /// <exception cref="ArgumentException"><paramref name="stream"/> cannot be written.</exception>
        /// <exception cref="InvalidOperationException">The network has no layers.</exception>
        /// <exception cref="IOException">The stream could not be written.</exception>
        public void Save(Stream stream) => Save(network, stream, null);

        /// <summary>
        /// Loads the tensors of a file whose names and shapes match this network's parameters, and reports
        /// which were loaded, which skipped and which parameters kept their own values — for a pretrained body
        /// under a new head (PyTorch's <c>load_state_dict(strict=False)</c>, made explicit).
        /// </summary>
        /// <param name="path">A safetensors file (made by <see cref="Save(Network, string)"/> or another tool).</param>
        /// <returns>The report.</returns>
        /// <exception cref="ArgumentNullException">The network is <see langword="null"/>.</exception>
        /// <exception cref="ArgumentException"><paramref name="path"/> is empty.</exception>
        /// <exception cref="ModelFormatException">The file is not a valid safetensors file, its metadata is of an unknown version, or a tensor to load is not floating-point or not finite. The network is then unchanged.</exception>
        /// <exception cref="IOException">The file could not be read (also a directory given as the file or no permission, with the path and the cause as the inner exception).</exception>
        public LoadReport LoadWeights(string path)
        {
            ArgumentNullException.ThrowIfNull(network);
            return SafeTensorsReader.Read(path, reader =>
            {
                var metadata = new MetadataReader(path, reader.Header.Metadata);
                if (metadata.Has("format"))
                {
                    NetworkFormat.CheckVersion(metadata);
                }

                return WeightLoader.Load(network, reader);
            });
        }

        /// <summary>As <see cref="LoadWeights(Network, string)"/>, from <paramref name="stream"/> (from its current position to its end; it is not closed).</summary>
        /// <param name="stream">A readable stream holding a safetensors file.</param>
        /// <returns>The report.</returns>
        /// <exception cref="ArgumentNullException">The network or <paramref name="stream"/> is <see langword="null"/>.</exception>
        /// <exception cref="ArgumentException"><paramref name="stream"/> cannot be read.</exception>
        /// <exception cref="ModelFormatException">The data are not a valid safetensors file, its metadata is of an unknown version, or a tensor to load is not floating-point or not finite. The network is then unchanged.</exception>
        /// <exception cref="IOException">The stream could not be read.</exception>
        public LoadReport LoadWeights(Stream stream)
        {
            ArgumentNullException.ThrowIfNull(network);
            return SafeTensorsReader.Read(stream, StreamName, reader =>
            {
                var metadata = new MetadataReader(StreamName, reader.Header.Metadata);
                if (metadata.Has("format"))
                {
                    NetworkFormat.CheckVersion(metadata);
                }

                return WeightLoader.Load(network, reader);
            });
        }

        /// <summary>Loads a network saved by <see cref="Save(Network, string)"/>.</summary>
        /// <param name="path">The file.</param>
        /// <returns>A new network with the saved architecture, weights, frozen flags and seed.</returns>
        /// <exception cref="ArgumentException"><paramref name="path"/> is empty.</exception>
        /// <exception cref="ModelFormatException">The file is not a valid network file of a version this library reads.</exception>
        /// <exception cref="IOException">The file could not be read (also a directory given as the file or no permission, with the path and the cause as the inner exception).</exception>
        public static Network Load(string path) =>
            SafeTensorsReader.Read(path, reader => NetworkFormat.Read(reader, new MetadataReader(path, reader.Header.Metadata)));

        /// <summary>Loads a network written by <see cref="Save(Network, Stream)"/> (or saved to a file) from <paramref name="stream"/>, from its current position to its end.</summary>
        /// <param name="stream">A readable stream; it is not closed.</param>
        /// <returns>The network, with the saved weights, frozen flags and seed.</returns>
        /// <exception cref="ArgumentNullException"><paramref name="stream"/> is <see langword="null"/>.</exception>
        /// <exception cref="ArgumentException"><paramref name="stream"/> cannot be read.</exception>
        /// <exception cref="ModelFormatException">The data are not a valid network file of a version this library reads.</exception>
        /// <exception cref="IOException">The stream could not be read.</exception>
        public static Network Load(Stream stream) =>
            SafeTensorsReader.Read(stream, StreamName, reader => NetworkFormat.Read(reader, new MetadataReader(StreamName, reader.Header.Metadata)));

        /// <summary>
        /// Loads a network saved on a <see cref="FeatureExtractor"/> — a network whose first layer runs outside the library, such as an
        /// ONNX body — with that extractor given again: the file records its identity and sizes, not the extractor.
        /// </summary>
        /// <param name="path">The file.</param>
        /// <param name="extractor">The extractor the network was saved on (its <see cref="FeatureExtractor.Identity"/> and sizes are checked).</param>
        /// <returns>The loaded network, its first layer on <paramref name="extractor"/>.</returns>
        /// <exception cref="ArgumentNullException"><paramref name="extractor"/> is <see langword="null"/>.</exception>
        /// <exception cref="ArgumentException"><paramref name="path"/> is empty, or <paramref name="extractor"/> is not the one the file was saved on (its identity or sizes differ; the message gives both), or the file holds no extractor layer.</exception>
        /// <exception cref="ModelFormatException">The file is not a valid file of this kind of a version this library reads.</exception>
        /// <exception cref="IOException">The file could not be read.</exception>
        public static Network Load(string path, FeatureExtractor extractor) => FeatureExtractorLayer.LoadingWith(extractor, () => Load(path));

        /// <summary>Loads a network saved on a <see cref="FeatureExtractor"/> from <paramref name="stream"/>, with that extractor given again (see <c>Load(path, extractor)</c>).</summary>
        /// <param name="stream">A readable stream, read from its current position to its end; it is not closed.</param>
        /// <param name="extractor">The extractor the network was saved on.</param>
        /// <returns>The loaded network.</returns>
        /// <exception cref="ArgumentNullException"><paramref name="stream"/> or <paramref name="extractor"/> is <see langword="null"/>.</exception>
        /// <exception cref="ArgumentException"><paramref name="stream"/> cannot be read, or <paramref name="extractor"/> is not the one the data were saved on, or they hold no extractor layer.</exception>
        /// <exception cref="ModelFormatException">The data are not a valid file of this kind of a version this library reads.</exception>
        /// <exception cref="IOException">The stream could not be read.</exception>
        public static Network Load(Stream stream, FeatureExtractor extractor) => FeatureExtractorLayer.LoadingWith(extractor, () => Load(stream));
    }

    /// <summary>Loads a network from a seekable stream positioned at the start of a file; <paramref name="path"/> names it in messages.</summary>
    internal static Network Load(Stream stream, string path)
    {
        var reader = SafeTensorsReader.Open(stream, path);
        return NetworkFormat.Read(reader, new MetadataReader(path, reader.Header.Metadata));
    }

    /// <summary>
    /// Loads a network file whose metadata also holds a record (read by <paramref name="record"/> from the
    /// strings alone, before any tensor is read) and attaches the record to the network.
    /// </summary>
    internal static T Read<T>(string path, Func<MetadataReader, Func<Network, T>> record) =>
        SafeTensorsReader.Read(path, reader => Read(reader, path, record));

    /// <summary>As <see cref="Read{T}(string, Func{MetadataReader, Func{Network, T}})"/>, from a stream.</summary>
    internal static T Read<T>(Stream stream, Func<MetadataReader, Func<Network, T>> record) =>
        SafeTensorsReader.Read(stream, StreamName, reader => Read(reader, StreamName, record));

    /// <summary>Writes <paramref name="network"/> and any extra metadata to <paramref name="stream"/> (not atomic: the caller owns the stream).</summary>
    internal static void Save(Network network, Stream stream, Action<MetadataWriter>? describe)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(stream);
        if (!stream.CanWrite)
        {
            throw new ArgumentException("Expected a writable stream but got one that cannot be written.", nameof(stream));
        }

        var (metadata, tensors) = Describe(network, describe);
        SafeTensorsWriter.Write(stream, metadata.Values, tensors);
        stream.Flush();
    }

    /// <summary>Saves with extra metadata and a stream decorator (tests inject failures with it).</summary>
    internal static void Save(Network network, string path, Func<Stream, Stream>? decorate, Action<MetadataWriter>? describe = null)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentException.ThrowIfNullOrEmpty(path);
        var (metadata, tensors) = Describe(network, describe);
        AtomicFile.Write(path, stream => SafeTensorsWriter.Write(stream, metadata.Values, tensors), decorate);
    }

    private static T Read<T>(SafeTensorsReader reader, string name, Func<MetadataReader, Func<Network, T>> record)
    {
        var metadata = new MetadataReader(name, reader.Header.Metadata);
        NetworkFormat.CheckVersion(metadata);
        var attach = record(metadata);
        return attach(NetworkFormat.Read(reader, metadata));
    }

    private static (MetadataWriter Metadata, IReadOnlyList<SavedTensor> Tensors) Describe(Network network, Action<MetadataWriter>? describe)
    {
        if (network.Layers.Count == 0)
        {
            throw new InvalidOperationException("The network has no layers.");
        }

        var (metadata, tensors) = NetworkFormat.Describe(network);
        describe?.Invoke(metadata);
        return (metadata, tensors);
    }
}
