using System.Buffers.Binary;
using System.Text;
using TransferLearning.Networks;
using TransferLearning.Serialization;

namespace TransferLearning.Tests.Support;

/// <summary>Model files made by hand or in memory, for the loader's tests.</summary>
internal static class SafeTensorsBytes
{
    /// <summary>An 8-byte little-endian length, <paramref name="header"/> as UTF-8, then <paramref name="data"/>.</summary>
    public static byte[] Make(string header, byte[]? data = null) => Make(Encoding.UTF8.GetBytes(header), data ?? []);

    /// <summary>An 8-byte little-endian length, the header bytes, then the data.</summary>
    public static byte[] Make(byte[] header, byte[] data)
    {
        var bytes = new byte[8 + header.Length + data.Length];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, (ulong)header.Length);
        header.CopyTo(bytes, 8);
        data.CopyTo(bytes, 8 + header.Length);
        return bytes;
    }

    /// <summary>The bytes <c>network.Save</c> writes.</summary>
    public static byte[] Of(Network network)
    {
        using var folder = new TempFolder();
        string path = folder.File("network.safetensors");
        network.Save(path);
        return File.ReadAllBytes(path);
    }

    /// <summary>The header JSON of a file.</summary>
    public static string Header(byte[] file) =>
        Encoding.UTF8.GetString(file, 8, (int)BinaryPrimitives.ReadUInt64LittleEndian(file));

    /// <summary>The file with one <c>__metadata__</c> string set to <paramref name="value"/> (the tensors unchanged).</summary>
    public static byte[] WithMetadata(byte[] file, string key, string value)
    {
        var header = System.Text.Json.Nodes.JsonNode.Parse(Header(file))!.AsObject();
        header["__metadata__"]![key] = value;
        return Make(header.ToJsonString(), Data(file));
    }

    /// <summary>The data section of a file (everything after the header).</summary>
    public static byte[] Data(byte[] file) => file[(8 + (int)BinaryPrimitives.ReadUInt64LittleEndian(file))..];

    /// <summary>Loads a network from bytes, as <c>Network.Load</c> would from a file named <c>model.safetensors</c>.</summary>
    public static Network Load(byte[] file)
    {
        using var stream = new MemoryStream(file, writable: false);
        return NetworkFiles.Load(stream, "model.safetensors");
    }
}
