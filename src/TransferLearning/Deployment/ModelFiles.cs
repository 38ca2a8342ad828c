using TransferLearning.Serialization;

namespace TransferLearning.Deployment;

/// <summary>
/// Saves and loads deployable models as one safetensors file: <c>model.Save(path)</c>, <c>Model.Load(path)</c>.
/// </summary>
/// <remarks>
/// The file is a network file (see <see cref="NetworkFiles"/>; <c>Network.Load</c> reads its network) whose
/// <c>__metadata__</c> also holds the model record: its version, the task, the class names, the input transform
/// (the standardizer's means and deviations as round-trip numbers, so they read back bit for bit), a binary
/// classifier's <see cref="Model.DecisionThreshold"/> when it has one (a round-trip number too), the library
/// version that wrote it, and the provenance. Saving is atomic; loading checks the whole file before it builds
/// anything, and a network file without a model record is refused with a message that says so.
/// </remarks>
public static class ModelFiles
{
    /// <param name="model">The model.</param>
    extension(Model model)
    {
        /// <summary>Saves the model (network, input transform, class names, decision threshold, provenance) to one safetensors file, atomically.</summary>
        /// <param name="path">The file to create or replace.</param>
        /// <exception cref="ArgumentNullException">The model is <see langword="null"/>.</exception>
        /// <exception cref="ArgumentException"><paramref name="path"/> is empty.</exception>
        /// <exception cref="IOException">The file could not be written (also a folder that cannot be written, a directory given as the file or a file-size limit, with the path and the cause as the inner exception); the previous file, if any, is unchanged.</exception>
        public void Save(string path)
        {
            ArgumentNullException.ThrowIfNull(model);
            NetworkFiles.Save(model.Network, path, null, m => ModelFormat.Write(m, model));
        }

        /// <summary>Writes the model to <paramref name="stream"/>, in the format of <c>Save(path)</c>.</summary>
        /// <param name="stream">A writable stream; written from its current position, flushed, not closed.</param>
        /// <remarks>Unlike a save to a path this cannot be atomic: a failure may leave part of a file in the stream.</remarks>
        /// <exception cref="ArgumentNullException">The model or <paramref name="stream"/> is <see langword="null"/>.</exception>
        /// <exception cref="ArgumentException"><paramref name="stream"/> cannot be written.</exception>
        /// <exception cref="IOException">The stream could not be written.</exception>
        public void Save(Stream stream)
        {
            ArgumentNullException.ThrowIfNull(model);
            NetworkFiles.Save(model.Network, stream, m => ModelFormat.Write(m, model));
        }

        /// <summary>Loads a model saved by <c>model.Save(path)</c>.</summary>
        /// <param name="path">The file.</param>
        /// <returns>The model: it predicts the same bits from the same raw rows as the one saved.</returns>
        /// <exception cref="ArgumentException"><paramref name="path"/> is empty.</exception>
        /// <exception cref="ModelFormatException">The file is not a valid model file of a version this library reads (a network file without a model record, another file type, or inconsistent parts, such as a decision threshold outside [0, 1] or on a model of more than two classes).</exception>
        /// <exception cref="IOException">The file could not be read (also a directory given as the file or no permission, with the path and the cause as the inner exception).</exception>
        public static Model Load(string path) => NetworkFiles.Read(path, ModelFormat.Read);

        /// <summary>Loads what <c>Save(stream)</c> or <c>Save(path)</c> wrote, from <paramref name="stream"/> (from its current position to its end; it is not closed).</summary>
        /// <param name="stream">A readable stream.</param>
        /// <returns>The model.</returns>
        /// <exception cref="ArgumentNullException"><paramref name="stream"/> is <see langword="null"/>.</exception>
        /// <exception cref="ArgumentException"><paramref name="stream"/> cannot be read.</exception>
        /// <exception cref="ModelFormatException">The data are not a valid model file of a version this library reads.</exception>
        /// <exception cref="IOException">The stream could not be read.</exception>
        public static Model Load(Stream stream) => NetworkFiles.Read(stream, ModelFormat.Read);

        /// <summary>
        /// Loads a model saved on a <see cref="Networks.FeatureExtractor"/> — a network whose first layer runs outside the library, such as an
        /// ONNX body — with that extractor given again: the file records its identity and sizes, not the extractor.
        /// </summary>
        /// <param name="path">The file.</param>
        /// <param name="extractor">The extractor the network was saved on (its <see cref="Networks.FeatureExtractor.Identity"/> and sizes are checked).</param>
        /// <returns>The loaded model, its first layer on <paramref name="extractor"/>.</returns>
        /// <exception cref="ArgumentNullException"><paramref name="extractor"/> is <see langword="null"/>.</exception>
        /// <exception cref="ArgumentException"><paramref name="path"/> is empty, or <paramref name="extractor"/> is not the one the file was saved on (its identity or sizes differ; the message gives both), or the file holds no extractor layer.</exception>
        /// <exception cref="ModelFormatException">The file is not a valid file of this kind of a version this library reads.</exception>
        /// <exception cref="IOException">The file could not be read.</exception>
        public static Model Load(string path, Networks.FeatureExtractor extractor) => Networks.FeatureExtractorLayer.LoadingWith(extractor, () => Load(path));

        /// <summary>Loads a model saved on a <see cref="Networks.FeatureExtractor"/> from <paramref name="stream"/>, with that extractor given again (see <c>Load(path, extractor)</c>).</summary>
        /// <param name="stream">A readable stream, read from its current position to its end; it is not closed.</param>
        /// <param name="extractor">The extractor the network was saved on.</param>
        /// <returns>The loaded model.</returns>
        /// <exception cref="ArgumentNullException"><paramref name="stream"/> or <paramref name="extractor"/> is <see langword="null"/>.</exception>
        /// <exception cref="ArgumentException"><paramref name="stream"/> cannot be read, or <paramref name="extractor"/> is not the one the data were saved on, or they hold no extractor layer.</exception>
        /// <exception cref="ModelFormatException">The data are not a valid file of this kind of a version this library reads.</exception>
        /// <exception cref="IOException">The stream could not be read.</exception>
        public static Model Load(Stream stream, Networks.FeatureExtractor extractor) => Networks.FeatureExtractorLayer.LoadingWith(extractor, () => Load(stream));
    }
}
