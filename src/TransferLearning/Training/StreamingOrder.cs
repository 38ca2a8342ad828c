using TransferLearning.Data;

namespace TransferLearning.Training;

/// <summary>
/// The example order of training from a source, an epoch at a time: <c>0 … m − 1</c> unshuffled, or whole chunks in a
/// seeded random order, shuffled within windows of chunks (the maths is in <see cref="StreamingShuffle"/>).
/// Holds <c>K + W·C</c> integers, however many examples there are.
/// </summary>
internal sealed class StreamingOrder
{
    private readonly int _count;
    private readonly int _chunkSize;
    private readonly int _windowChunks;
    private readonly Random? _random;
    private readonly int[] _chunks;
    private readonly int[] _window;
    private int _nextChunk;
    private int _windowLength;
    private int _windowAt;
    private int _served;

    /// <summary>Creates the order of <paramref name="count"/> examples; <paramref name="random"/> <see langword="null"/> for no shuffle.</summary>
    public StreamingOrder(int count, StreamingShuffle settings, Random? random)
    {
        _count = count;
        _random = random;
        _chunkSize = Math.Min(settings.ChunkSize, count);
        int chunks = (int)(((long)count + _chunkSize - 1) / _chunkSize);
        _windowChunks = Math.Min(settings.WindowChunks, chunks);
        _chunks = random is null ? [] : new int[chunks];
        _window = random is null ? [] : new int[(int)Math.Min((long)_windowChunks * _chunkSize, count)];
    }

    /// <summary>Starts an epoch: a new chunk order when shuffling.</summary>
    public void StartEpoch()
    {
        _served = 0;
        _nextChunk = 0;
        _windowLength = 0;
        _windowAt = 0;
        if (_random is not null)
        {
            for (int k = 0; k < _chunks.Length; k++)
            {
                _chunks[k] = k;
            }

            Strata.Shuffle(_chunks, _random);
        }
    }

    /// <summary>
    /// Passes over an epoch without serving it (a resumed run): the same draws of the generator as serving every example of
    /// it — the chunk order, then each window's shuffle — so the epochs after it are served as in the uninterrupted run.
    /// Costs as many draws as the epoch has examples and reads nothing.
    /// </summary>
    public void SkipEpoch()
    {
        StartEpoch();
        while (_random is not null && _nextChunk < _chunks.Length)
        {
            FillWindow();
        }
    }

    /// <summary>Writes the next indices of the epoch into <paramref name="indices"/> (as many as fit, fewer at the end); returns how many.</summary>
    public int Next(Span<int> indices)
    {
        int n = Math.Min(indices.Length, _count - _served);
        if (_random is null)
        {
            for (int j = 0; j < n; j++)
            {
                indices[j] = _served + j;
            }

            _served += n;
            return n;
        }

        for (int j = 0; j < n; j++)
        {
            if (_windowAt == _windowLength)
            {
                FillWindow();
            }

            indices[j] = _window[_windowAt++];
        }

        _served += n;
        return n;
    }

    /// <summary>The next <c>W</c> chunks of the chunk order, their examples shuffled together.</summary>
    private void FillWindow()
    {
        int length = 0;
        for (int w = 0; w < _windowChunks && _nextChunk < _chunks.Length; w++)
        {
            int start = _chunks[_nextChunk++] * _chunkSize;
            int end = Math.Min(start + _chunkSize, _count);
            for (int i = start; i < end; i++)
            {
                _window[length++] = i;
            }
        }

        Strata.Shuffle(_window.AsSpan(0, length), _random!);
        _windowLength = length;
        _windowAt = 0;
    }
}
