using System.Globalization;
using TransferLearning.Data;
using TransferLearning.Networks;
using TransferLearning.Serialization;

namespace TransferLearning.Training;

public sealed partial class Trainer
{
    /// <summary>The <c>format</c> of a checkpoint's metadata.</summary>
    internal const string CheckpointFormat = "TransferLearning.checkpoint";

    /// <summary>The checkpoint format version this library writes and reads.</summary>
    internal const int CheckpointVersion = 1;

    /// <summary>
    /// Goes on with a run from a checkpoint written by <see cref="Fit"/> (<see cref="TrainingOptions.Checkpoint"/>): the
    /// checkpoint's weights, optimiser state, epoch, history, early-stopping and dropout state are put into
    /// <paramref name="network"/> and training continues up to <see cref="TrainingOptions.Epochs"/>. With the same
    /// network, data and options the result is the uninterrupted run's, bit for bit.
    /// </summary>
    /// <remarks>
    /// <paramref name="network"/> must be built as the checkpointed one was (same layers, sizes, activations and frozen
    /// flags; its weights are replaced), the data must be the same (the checkpoint keeps their sizes and a fingerprint
    /// of their values), and the options must be the same except <see cref="TrainingOptions.Epochs"/>, which may be
    /// raised to train on (a schedule then follows the new total), and <see cref="TrainingOptions.Checkpoint"/>, which
    /// says where the resumed run saves its own checkpoints. A checkpoint of a run that had ended trains no further
    /// epoch: the history is returned and the network holds the weights that run ended with.
    /// </remarks>
    /// <param name="checkpointPath">The checkpoint file.</param>
    /// <param name="network">A network built like the checkpointed one; its weights are replaced by the checkpoint's and it trains in place.</param>
    /// <param name="train">The training set the checkpoint was made with.</param>
    /// <param name="validation">The validation set the checkpoint was made with, or <see langword="null"/> if it had none.</param>
    /// <param name="progress">Receives the reports of the epochs still to run, as in <see cref="Fit"/>.</param>
    /// <param name="cancellationToken">Stops the run before the next mini-batch.</param>
    /// <returns>The history of the whole run: the checkpoint's epochs, then the new ones.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="checkpointPath"/>, <paramref name="network"/> or <paramref name="train"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">
    /// <paramref name="checkpointPath"/> is empty; or the checkpoint does not match: it was made by a run from a <see cref="DataSource"/>
    /// (<paramref name="checkpointPath"/>; resume it with <see cref="ResumeFromSource"/>), the network (<paramref name="network"/>: a layer, its size,
    /// activation or freezing), the data (<paramref name="train"/> or <paramref name="validation"/>: count, features, classes or values), the options
    /// or parameter groups (<paramref name="checkpointPath"/>: the option named, with both values); or <see cref="TrainingOptions.Epochs"/> is fewer
    /// than the epochs already done. The message names what differs. The network is then unchanged.
    /// </exception>
    /// <exception cref="ModelFormatException">The file is not a training checkpoint of a version this library reads, or is damaged.</exception>
    /// <exception cref="IOException">The checkpoint could not be read (also a directory given as the file or no permission, with the path and the cause as the inner exception), or a new checkpoint could not be written.</exception>
    /// <exception cref="InvalidOperationException">The network has no layers, its top layer is not dense, or no parameter trains.</exception>
    /// <exception cref="TrainingDivergedException">The run diverged, as in <see cref="Fit"/>.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public TrainingHistory Resume(
        string checkpointPath,
        Network network,
        Dataset train,
        Dataset? validation = null,
        IProgress<TrainingProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(checkpointPath);
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(train);
        var checkpoint = ReadCheckpoint(checkpointPath);
        return Train(network, train, validation, null, progress, checkpoint, cancellationToken);
    }

    /// <summary>Reads every tensor and the metadata of a checkpoint file, and checks its format and version.</summary>
    private static CheckpointReader ReadCheckpoint(string path) =>
        SafeTensorsReader.Read(path, reader =>
        {
            var metadata = new MetadataReader(path, reader.Header.Metadata);
            if (!metadata.Has("format") || metadata.String("format") != CheckpointFormat)
            {
                throw metadata.Error(
                    $"it is not a training checkpoint ('format' should be '{CheckpointFormat}'{(metadata.Has("format") ? $" but is '{metadata.String("format")}'" : string.Empty)}).");
            }

            int version = metadata.Int("format_version", 0);
            if (version != CheckpointVersion)
            {
                throw metadata.Error(Invariant.F($"it is checkpoint version {version}; this library reads version {CheckpointVersion}."));
            }

            var tensors = reader.Header.Tensors.ToDictionary(t => t.Name, reader.ReadFloats, StringComparer.Ordinal);
            return new CheckpointReader(metadata, tensors);
        });

    /// <summary>Puts the checkpoint's weights and running statistics into <paramref name="network"/>, and its L2-SP anchors into the groups.</summary>
    private static void RestoreNetwork(CheckpointReader checkpoint, Network network, IReadOnlyList<ParameterGroup> groups)
    {
        var values = network.Parameters.Concat(network.Buffers).Select(p => (p, checkpoint.Tensor("network." + p.Name, p.Length))).ToArray();
        var anchors = new List<(float[] Anchor, float[] Saved)>();
        for (int g = 0; g < groups.Count; g++)
        {
            for (int i = 0; i < groups[g].Parameters.Count; i++)
            {
                if (groups[g].AnchorArray(i) is { } anchor)
                {
                    anchors.Add((anchor, checkpoint.Tensor(Invariant.F($"groups.{g}.anchor.{groups[g].Parameters[i].Name}"), anchor.Length)));
                }
            }
        }

        // Everything was read and checked above: only now is the network changed.
        foreach (var (p, saved) in values)
        {
            saved.CopyTo(p.Data, 0);
            p.MarkChanged();
        }

        foreach (var (anchor, saved) in anchors)
        {
            saved.CopyTo(anchor, 0);
        }
    }

    private sealed partial class Run
    {
        /// <summary>Writes the run as it stands after an epoch to <paramref name="path"/>, atomically.</summary>
        private void Save(string path, TimeSpan elapsed)
        {
            var checkpoint = new CheckpointWriter();
            var m = checkpoint.Metadata;
            m.Set("format", CheckpointFormat);
            m.Set("format_version", CheckpointVersion);
            Identity!.Write(checkpoint);
            foreach (var p in network.Parameters.Concat(network.Buffers))
            {
                checkpoint.Tensor("network." + p.Name, p.Values);
            }

            for (int g = 0; g < optimizer.Groups.Count; g++)
            {
                var group = optimizer.Groups[g];
                for (int i = 0; i < group.Parameters.Count; i++)
                {
                    if (group.AnchorArray(i) is { } anchor)
                    {
                        checkpoint.Tensor(Invariant.F($"groups.{g}.anchor.{group.Parameters[i].Name}"), anchor);
                    }
                }
            }

            optimizer.Save(checkpoint);
            _divergence.Save(checkpoint);
            _stopping.Save(checkpoint);
            var states = _step.Workspace.States;
            for (int l = 0; l < states.Length; l++)
            {
                if (states[l]?.Random is { } random)
                {
                    m.Set(Invariant.F($"dropout.{l}.state"), string.Join(',', random.State.Select(w => w.ToString(CultureInfo.InvariantCulture))));
                }
            }

            m.Set("run.epochs_done", _reports.Count);
            m.Set("run.ended", _ended);
            m.Set("run.stopped_early", _stoppedEarly);
            m.Set("run.elapsed_ticks", elapsed.Ticks);
            m.SetList("run.history", _reports.Select(EpochText).ToArray());
            AtomicFile.Write(path, stream => SafeTensorsWriter.Write(stream, m.Values, checkpoint.Tensors));
        }

        /// <summary>Puts back the state of a run from its checkpoint (the network's weights are already in place).</summary>
        public void Restore(CheckpointReader checkpoint)
        {
            var m = checkpoint.Metadata;
            int done = m.Int("run.epochs_done", 1, options.Epochs); // checked against the options by CheckpointIdentity
            optimizer.Restore(checkpoint);
            _divergence.Restore(checkpoint);
            _stopping.Restore(checkpoint);
            var states = _step.Workspace.States;
            for (int l = 0; l < states.Length; l++)
            {
                if (states[l]?.Random is { } random)
                {
                    string key = Invariant.F($"dropout.{l}.state");
                    var words = checkpoint.Words(key);
                    if (words.Length != 4 || words.All(w => w == 0))
                    {
                        throw m.Error($"metadata '{key}' is '{m.String(key)}'; expected four words, not all zero.");
                    }

                    random.State = words;
                }
            }

            var history = m.List("run.history");
            if (history.Count != done)
            {
                throw m.Error(Invariant.F($"the checkpoint has {history.Count} epoch reports; expected {done}."));
            }

            for (int e = 0; e < done; e++)
            {
                _reports.Add(ParseEpoch(m, e + 1, history[e]));
            }

            _ended = m.Bool("run.ended");
            _stoppedEarly = m.Bool("run.stopped_early");
            _elapsedBefore = TimeSpan.FromTicks(m.Integer("run.elapsed_ticks", 0, long.MaxValue));

            // The shuffle order of epoch e follows from the seed and the e − 1 shuffles before it: replay them.
            _batches.SkipEpochs(done);
        }

        /// <summary>An epoch report as text that reads back bit for bit: the losses, accuracies, learning rate and ticks, separated by ';' ('-' for none).</summary>
        private static string EpochText(EpochReport r) => string.Join(';', Number(r.TrainLoss), Number(r.TrainAccuracy), Number(r.ValidationLoss), Number(r.ValidationAccuracy), r.LearningRate.ToString("R", CultureInfo.InvariantCulture), r.Elapsed.Ticks.ToString(CultureInfo.InvariantCulture));

        private static string Number(double? value) => value?.ToString("R", CultureInfo.InvariantCulture) ?? "-";

        private static EpochReport ParseEpoch(MetadataReader m, int epoch, string text)
        {
            var parts = text.Split(';');
            if (parts.Length != 6
                || !TryNumber(parts[0], out var trainLoss) || trainLoss is null
                || !TryNumber(parts[1], out var trainAccuracy)
                || !TryNumber(parts[2], out var validationLoss)
                || !TryNumber(parts[3], out var validationAccuracy)
                || !float.TryParse(parts[4], NumberStyles.Float, CultureInfo.InvariantCulture, out float rate)
                || !long.TryParse(parts[5], NumberStyles.None, CultureInfo.InvariantCulture, out long ticks))
            {
                throw m.Error(Invariant.F($"the report of epoch {epoch} is '{text}'; expected six values separated by ';'."));
            }

            return new EpochReport
            {
                Epoch = epoch,
                TrainLoss = trainLoss.Value,
                TrainAccuracy = trainAccuracy,
                ValidationLoss = validationLoss,
                ValidationAccuracy = validationAccuracy,
                LearningRate = rate,
                Elapsed = TimeSpan.FromTicks(ticks),
            };
        }

        private static bool TryNumber(string text, out double? value)
        {
            value = null;
            if (text == "-")
            {
                return true;
            }

            bool ok = double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double parsed);
            value = parsed;
            return ok;
        }
    }
}
