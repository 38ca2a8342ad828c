using System.IO.Compression;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.ML;
using Microsoft.ML.Data;
using TransferLearning.Deployment;
using TransferLearning.Serialization;

namespace TransferLearning.MLNet;

/// <summary>
/// Saves and loads an ML.NET model (a transformer or a chain of them) that contains <see cref="NetworkTransformer"/>s:
/// <c>mlContext.Model.SaveWithNetworks(model, schema, path)</c>, <c>mlContext.Model.LoadWithNetworks(path, out schema)</c>.
/// </summary>
/// <remarks>
/// <para>
/// ML.NET's own <c>mlContext.Model.Save</c> cannot write a transformer from outside ML.NET: the members of its save
/// context are internal, and a custom mapping saves only a contract name, never the state (the network) behind it.
/// So the file is a zip of parts, in pipeline order: ML.NET's own model file (saved and loaded by
/// <c>mlContext.Model.Save</c>/<c>Load</c>) for each run of ML.NET transformers — the first part always, with the
/// pipeline's input schema — and, for each network, this library's model file (<c>Model.Save</c>: the network, the
/// class names and the decision, in safetensors) with its columns and the label's key values. A manifest,
/// <c>TransferLearning.MLNet.json</c>, lists them.
/// </para>
/// <para>
/// Loading rebuilds the chain: ML.NET's parts as <c>mlContext.Model.Load</c> loads them, the networks as
/// <see cref="NetworkTransformer"/>s that predict the same bits. A <c>PredictionEngine</c> runs the loaded chain.
/// </para>
/// </remarks>
public static class NetworkModelFiles
{
    private const string ManifestName = "TransferLearning.MLNet.json";
    private const string Format = "TransferLearning.MLNet pipeline";
    private const int Version = 1;
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    /// <summary>Saves <paramref name="model"/> — ML.NET's transformers in ML.NET's format, the networks in this library's — to one file, atomically.</summary>
    /// <param name="catalog">The model operations (<c>mlContext.Model</c>).</param>
    /// <param name="model">The model: a transformer, or a chain (as <c>pipeline.Fit</c> returns) with ML.NET's transformers and <see cref="NetworkTransformer"/>s.</param>
    /// <param name="inputSchema">The schema of the model's input data (<c>data.Schema</c>), as <c>mlContext.Model.Save</c> takes it.</param>
    /// <param name="path">The file to create or replace.</param>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="path"/> is empty.</exception>
    /// <exception cref="NotSupportedException">A label's key values are of a type this format does not write (only text and number types).</exception>
    /// <exception cref="InvalidOperationException">ML.NET cannot save one of its own transformers (such as a custom mapping without a contract name); the previous file, if any, is unchanged.</exception>
    /// <exception cref="IOException">The file could not be written; the previous file, if any, is unchanged.</exception>
    public static void SaveWithNetworks(this ModelOperationsCatalog catalog, ITransformer model, DataViewSchema inputSchema, string path)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(inputSchema);
        ArgumentException.ThrowIfNullOrEmpty(path);
        AtomicFile.Write(path, stream => Write(catalog, model, inputSchema, stream));
    }

    /// <summary>Writes <paramref name="model"/> to <paramref name="stream"/>, in the format of <see cref="SaveWithNetworks(ModelOperationsCatalog, ITransformer, DataViewSchema, string)"/>.</summary>
    /// <param name="catalog">The model operations (<c>mlContext.Model</c>).</param>
    /// <param name="model">The model.</param>
    /// <param name="inputSchema">The schema of the model's input data.</param>
    /// <param name="stream">A writable stream; written from its current position, not closed.</param>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    /// <exception cref="NotSupportedException">A label's key values are of a type this format does not write.</exception>
    /// <exception cref="InvalidOperationException">ML.NET cannot save one of its own transformers.</exception>
    /// <exception cref="IOException">The stream could not be written.</exception>
    public static void SaveWithNetworks(this ModelOperationsCatalog catalog, ITransformer model, DataViewSchema inputSchema, Stream stream)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(inputSchema);
        ArgumentNullException.ThrowIfNull(stream);
        Write(catalog, model, inputSchema, stream);
    }

    /// <summary>Loads a model saved by <c>SaveWithNetworks</c>.</summary>
    /// <param name="catalog">The model operations (<c>mlContext.Model</c>).</param>
    /// <param name="path">The file.</param>
    /// <param name="inputSchema">The schema of the model's input data, as saved.</param>
    /// <returns>The model, as a chain of its transformers.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="catalog"/> or <paramref name="path"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="path"/> is empty.</exception>
    /// <exception cref="ModelFormatException">The file is not one <c>SaveWithNetworks</c> wrote (no manifest, another format or version, a missing part).</exception>
    /// <exception cref="IOException">The file could not be read.</exception>
    public static ITransformer LoadWithNetworks(this ModelOperationsCatalog catalog, string path, out DataViewSchema inputSchema)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentException.ThrowIfNullOrEmpty(path);
        using var stream = File.OpenRead(path);
        return Read(catalog, stream, path, out inputSchema);
    }

    /// <summary>Loads a model that <c>SaveWithNetworks</c> wrote, from <paramref name="stream"/> (not closed).</summary>
    /// <param name="catalog">The model operations (<c>mlContext.Model</c>).</param>
    /// <param name="stream">A readable stream.</param>
    /// <param name="inputSchema">The schema of the model's input data, as saved.</param>
    /// <returns>The model, as a chain of its transformers.</returns>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    /// <exception cref="ModelFormatException">The data are not what <c>SaveWithNetworks</c> writes.</exception>
    /// <exception cref="IOException">The stream could not be read.</exception>
    public static ITransformer LoadWithNetworks(this ModelOperationsCatalog catalog, Stream stream, out DataViewSchema inputSchema)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(stream);
        return Read(catalog, stream, "the stream", out inputSchema);
    }

    private static void Write(ModelOperationsCatalog catalog, ITransformer model, DataViewSchema inputSchema, Stream stream)
    {
        var parts = new JsonArray();
        using var zip = new ZipArchive(stream, ZipArchiveMode.Create, leaveOpen: true);
        var schema = inputSchema;
        var run = new List<ITransformer>();
        void WriteRun()
        {
            // The first part is always ML.NET's (even an empty chain): it carries the pipeline's input schema.
            if (run.Count == 0 && parts.Count > 0)
            {
                return;
            }

            var chain = new TransformerChain<ITransformer>([.. run]);
            string entry = $"{parts.Count}.mlnet.zip";
            using (var buffer = new MemoryStream())
            {
                catalog.Save(chain, schema, buffer);
                WriteEntry(zip, entry, buffer.ToArray());
            }

            parts.Add(new JsonObject { ["kind"] = "mlnet", ["entry"] = entry });
            schema = chain.GetOutputSchema(schema);
            run.Clear();
        }

        foreach (var transformer in Flatten(model))
        {
            if (transformer is not NetworkTransformer network)
            {
                run.Add(transformer);
                continue;
            }

            WriteRun();
            string entry = $"{parts.Count}.network.safetensors";
            using (var buffer = new MemoryStream())
            {
                network.Model.Save(buffer);
                WriteEntry(zip, entry, buffer.ToArray());
            }

            var part = new JsonObject { ["kind"] = "network", ["entry"] = entry, ["featureColumn"] = network.FeatureColumnName };
            if (network.KeyValues is { } keyValues)
            {
                if (!KeyValues.CanParse(keyValues.ItemType))
                {
                    throw new NotSupportedException($"Expected key values of text or a number type but the label of network part {parts.Count} has key values of {keyValues.ItemType}.");
                }

                part["keyValueType"] = keyValues.ItemTypeName;
                part["keyValues"] = new JsonArray([.. keyValues.Names.Select(n => (JsonNode)n)]);
            }

            parts.Add(part);
            schema = network.GetOutputSchema(schema);
        }

        WriteRun();
        var manifest = new JsonObject { ["format"] = Format, ["version"] = Version, ["parts"] = parts };
        WriteEntry(zip, ManifestName, JsonSerializer.SerializeToUtf8Bytes(manifest, Indented));
    }

    private static TransformerChain<ITransformer> Read(ModelOperationsCatalog catalog, Stream stream, string source, out DataViewSchema inputSchema)
    {
        using var zip = OpenZip(stream, source);
        var manifest = JsonNode.Parse(ReadEntry(zip, ManifestName, source)) as JsonObject;
        if (manifest?["format"]?.GetValue<string>() != Format || manifest["version"]?.GetValue<int>() != Version || manifest["parts"] is not JsonArray parts || parts.Count == 0)
        {
            throw new ModelFormatException(source, $"Expected a manifest of format '{Format}' version {Version} with at least one part but got {manifest?.ToJsonString() ?? "none"}.");
        }

        var transformers = new List<ITransformer>();
        DataViewSchema? schema = null;
        foreach (var part in parts.OfType<JsonObject>())
        {
            string entry = part["entry"]?.GetValue<string>() ?? throw new ModelFormatException(source, $"Expected an entry name in every part but got {part.ToJsonString()}.");
            using var bytes = new MemoryStream(ReadEntry(zip, entry, source));
            switch (part["kind"]?.GetValue<string>())
            {
                case "mlnet":
                    transformers.AddRange(Flatten(catalog.Load(bytes, out var partSchema)));
                    schema ??= partSchema;
                    break;
                case "network":
                    var keyValues = part["keyValues"] is JsonArray names
                        ? KeyValues.Parse(part["keyValueType"]?.GetValue<string>() ?? "Text", [.. names.Select(n => n!.GetValue<string>())])
                        : null;
                    string feature = part["featureColumn"]?.GetValue<string>() ?? throw new ModelFormatException(source, $"Expected a feature column in network part '{entry}'.");
                    transformers.Add(new NetworkTransformer(Deployment.Model.Load(bytes), feature, keyValues));
                    break;
                default:
                    throw new ModelFormatException(source, $"Expected parts of kind 'mlnet' or 'network' but part '{entry}' is of kind '{part["kind"]}'.");
            }
        }

        inputSchema = schema ?? throw new ModelFormatException(source, $"Expected the first part to be ML.NET's (it carries the input schema) but it is not.");
        return new TransformerChain<ITransformer>([.. transformers]);
    }

    private static IEnumerable<ITransformer> Flatten(ITransformer model) =>
        model is IEnumerable<ITransformer> chain ? chain.SelectMany(Flatten) : [model];

    private static void WriteEntry(ZipArchive zip, string name, byte[] bytes)
    {
        using var entry = zip.CreateEntry(name, CompressionLevel.Optimal).Open();
        entry.Write(bytes);
    }

    private static ZipArchive OpenZip(Stream stream, string source)
    {
        try
        {
            return new ZipArchive(stream, ZipArchiveMode.Read, leaveOpen: true);
        }
        catch (InvalidDataException e)
        {
            throw new ModelFormatException(source, $"Expected a zip file (as SaveWithNetworks writes) but it is not one: {e.Message}", e);
        }
    }

    private static byte[] ReadEntry(ZipArchive zip, string name, string source)
    {
        var entry = zip.GetEntry(name) ?? throw new ModelFormatException(source, $"Expected an entry '{name}' but it has none: it was not written by SaveWithNetworks.");
        using var input = entry.Open();
        using var copy = new MemoryStream();
        input.CopyTo(copy);
        return copy.ToArray();
    }
}
