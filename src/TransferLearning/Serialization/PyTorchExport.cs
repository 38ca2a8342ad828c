using TransferLearning.Networks;

namespace TransferLearning.Serialization;

/// <summary>
/// Saves a network's weights as the <c>state_dict</c> of the equivalent PyTorch <c>nn.Sequential</c>, so that
/// <c>model.load_state_dict(safetensors.torch.load_file(path), strict=True)</c> loads them with no renaming.
/// </summary>
/// <remarks>
/// <para>
/// The equivalent <c>nn.Sequential</c> (<see cref="SequentialCode"/> writes it as Python) has, in order, for a dense
/// layer an <c>nn.Linear</c> and its activation module (<c>nn.ReLU()</c>, <c>nn.LeakyReLU(slope)</c>,
/// <c>nn.Sigmoid()</c>, <c>nn.Tanh()</c>, <c>nn.Softmax(dim=1)</c>; none for the identity), for batch normalisation an
/// <c>nn.BatchNorm1d</c> with the layer's <c>eps</c> and <c>momentum</c>, for dropout an <c>nn.Dropout</c>. The file
/// holds each module's tensors under its index: <c>{k}.weight</c> (<c>[out, in]</c>) and <c>{k}.bias</c> for
/// <c>nn.Linear</c>; <c>{k}.weight</c>, <c>{k}.bias</c>, <c>{k}.running_mean</c>, <c>{k}.running_var</c> (float32)
/// and <c>{k}.num_batches_tracked</c> (an I64 scalar, 0: this library does not count batches, and PyTorch uses the
/// count only for a module built with <c>momentum=None</c>) for <c>nn.BatchNorm1d</c>. The metadata is
/// <c>format</c> = <c>pt</c>, as <c>safetensors.torch.save_file</c> writes it; the architecture is not in the file
/// (<see cref="NetworkFiles"/> saves that), and <see cref="PyTorchImport"/> reads the file back into a network of
/// the same architecture.
/// </para>
/// <para>
/// Saving to a path is atomic, as <c>network.Save</c>: the file is written beside the target under a temporary
/// name, flushed and renamed, so a save that fails leaves the previous file intact.
/// </para>
/// </remarks>
public static class PyTorchExport
{
    /// <summary>Saves the network's weights, with the keys of the equivalent <c>nn.Sequential</c>, to a safetensors file, atomically.</summary>
    /// <param name="network">The network.</param>
    /// <param name="path">The file to create or replace.</param>
    /// <exception cref="ArgumentNullException"><paramref name="network"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="path"/> is empty.</exception>
    /// <exception cref="InvalidOperationException">The network has no layers.</exception>
    /// <exception cref="IOException">The file could not be written (also a folder that cannot be written, a directory given as the file or a file-size limit, with the path and the cause as the inner exception); the previous file, if any, is unchanged.</exception>
    public static void Save(Network network, string path) => Save(network, path, null);

    /// <summary>Writes the network's weights, with the keys of the equivalent <c>nn.Sequential</c>, to <paramref name="stream"/>.</summary>
    /// <param name="network">The network.</param>
    /// <param name="stream">A writable stream; the file is written from its current position, and the stream is flushed but not closed.</param>
    /// <remarks>Unlike a save to a path this cannot be atomic: a failure may leave part of a file in the stream.</remarks>
    /// <exception cref="ArgumentNullException"><paramref name="network"/> or <paramref name="stream"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="stream"/> cannot be written.</exception>
    /// <exception cref="InvalidOperationException">The network has no layers.</exception>
    /// <exception cref="IOException">The stream could not be written.</exception>
    public static void Save(Network network, Stream stream)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(stream);
        if (!stream.CanWrite)
        {
            throw new ArgumentException("Expected a writable stream but got one that cannot be written.", nameof(stream));
        }

        var tensors = StateDict(network);
        SafeTensorsWriter.Write(stream, Metadata, tensors);
        stream.Flush();
    }

    /// <summary>
    /// Returns the Python code of the <c>nn.Sequential</c> whose <c>state_dict</c> <see cref="Save(Network, string)"/>
    /// writes, such as <c>nn.Sequential(nn.Linear(6, 8), nn.ReLU(), nn.BatchNorm1d(8, eps=1e-05, momentum=0.1), nn.Dropout(0.3), nn.Linear(8, 3), nn.Softmax(dim=1))</c>.
    /// </summary>
    /// <param name="network">The network.</param>
    /// <returns>The code (with <c>from torch import nn</c>).</returns>
    /// <exception cref="ArgumentNullException"><paramref name="network"/> is <see langword="null"/>.</exception>
    public static string SequentialCode(Network network)
    {
        ArgumentNullException.ThrowIfNull(network);
        return new PyTorchSequential(network).Code();
    }

    /// <summary>Saves with a stream decorator (tests inject failures with it).</summary>
    internal static void Save(Network network, string path, Func<Stream, Stream>? decorate)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentException.ThrowIfNullOrEmpty(path);
        var tensors = StateDict(network);
        AtomicFile.Write(path, stream => SafeTensorsWriter.Write(stream, Metadata, tensors), decorate);
    }

    private static Dictionary<string, string> Metadata => new(StringComparer.Ordinal) { ["format"] = "pt" };

    private static List<SavedTensor> StateDict(Network network)
    {
        if (network.Layers.Count == 0)
        {
            throw new InvalidOperationException("The network has no layers.");
        }

        return new PyTorchSequential(network).StateDict(network);
    }
}
