using System.IO.MemoryMappedFiles;
using System.Numerics.Tensors;
using System.Runtime.InteropServices;

namespace TransferLearning.Data;

/// <summary>
/// The examples of a file source as stored: one row of <c>n_x</c> uint8 or float32 values per example, in a
/// memory-mapped file (or, for a gzip IDX file, a byte array), converted to float32 only when gathered —
/// <c>x = scale · stored</c> — and labels or targets held in memory (4 bytes a label).
/// </summary>
internal sealed unsafe class StoredExamples : IDisposable
{
    private readonly MemoryMappedFile? _map;
    private readonly MemoryMappedViewAccessor? _view;
    private readonly byte* _pointer;
    private readonly byte[]? _bytes;
    private readonly long _offset;
    private readonly int _featureCount;
    private readonly bool _float32;
    private readonly float _scale;
    private readonly string _path;
    private readonly int[]? _labels;
    private readonly float[]? _targets;
    private readonly int _targetCount;

    private StoredExamples(string path, long offset, int featureCount, bool float32, float scale, int[]? labels, float[]? targets, int targetCount)
    {
        _path = path;
        _offset = offset;
        _featureCount = featureCount;
        _float32 = float32;
        _scale = scale;
        _labels = labels;
        _targets = targets;
        _targetCount = targetCount;
    }

    private StoredExamples(MemoryMappedFile map, MemoryMappedViewAccessor view, string path, long offset, int featureCount, bool float32, float scale, int[]? labels, float[]? targets, int targetCount)
        : this(path, offset, featureCount, float32, scale, labels, targets, targetCount)
    {
        _map = map;
        _view = view;
        byte* pointer = null;
        view.SafeMemoryMappedViewHandle.AcquirePointer(ref pointer);
        _pointer = pointer + view.PointerOffset;
    }

    private StoredExamples(byte[] bytes, string path, long offset, int featureCount, float scale, int[]? labels)
        : this(path, offset, featureCount, float32: false, scale, labels, null, 0)
    {
        _bytes = bytes;
    }

    /// <summary>Maps <paramref name="path"/> read-only; example <c>i</c>'s values start at <c>offset + i·n_x·size</c>.</summary>
    public static StoredExamples Map(string path, long offset, int featureCount, bool float32, float scale, int[]? labels, float[]? targets, int targetCount)
    {
        MemoryMappedFile? map = null;
        try
        {
            using (var probe = DataFiles.OpenRead(path))
            {
                // DataFiles reports a directory or a file without read permission, naming the path.
            }

            map = MemoryMappedFile.CreateFromFile(path, FileMode.Open, null, 0, MemoryMappedFileAccess.Read);
            var view = map.CreateViewAccessor(0, 0, MemoryMappedFileAccess.Read);
            return new StoredExamples(map, view, path, offset, featureCount, float32, scale, labels, targets, targetCount);
        }
        catch
        {
            map?.Dispose();
            throw;
        }
    }

    /// <summary>Keeps <paramref name="bytes"/> (uint8 rows from <paramref name="offset"/>) in memory, as stored.</summary>
    public static StoredExamples InMemory(byte[] bytes, string path, long offset, int featureCount, float scale, int[]? labels) =>
        new(bytes, path, offset, featureCount, scale, labels);

    /// <summary>Reads the examples at <paramref name="indices"/>: see <see cref="DataSource.Gather"/>.</summary>
    public void Gather(ReadOnlySpan<int> indices, Span<float> features, Span<int> labels, Span<float> targets)
    {
        int n = _featureCount;
        int t = _targetCount;
        for (int j = 0; j < indices.Length; j++)
        {
            int i = indices[j];
            if (!features.IsEmpty)
            {
                var column = features.Slice(j * n, n);
                if (_float32)
                {
                    Row<float>(i).CopyTo(column);
                    if (_scale != 1f)
                    {
                        TensorPrimitives.Multiply(column, _scale, column);
                    }

                    if (!Guard.IsAllFinite(column))
                    {
                        throw new DataFormatException(_path, Invariant.F($"example {i}"), Invariant.F($"Expected finite features but example {i} has NaN or an infinity."));
                    }
                }
                else
                {
                    TensorPrimitives.ConvertTruncating<byte, float>(Row<byte>(i), column);
                    TensorPrimitives.Multiply(column, _scale, column);
                }
            }

            if (!labels.IsEmpty)
            {
                labels[j] = _labels![i];
            }

            if (!targets.IsEmpty)
            {
                _targets.AsSpan(i * t, t).CopyTo(targets.Slice(j * t, t));
            }
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (_view is not null)
        {
            _view.SafeMemoryMappedViewHandle.ReleasePointer();
            _view.Dispose();
        }

        _map?.Dispose();
    }

    private ReadOnlySpan<T> Row<T>(int i)
        where T : unmanaged
    {
        long at = _offset + ((long)i * _featureCount * sizeof(T));
        return _bytes is not null
            ? MemoryMarshal.Cast<byte, T>(_bytes.AsSpan((int)at, _featureCount * sizeof(T)))
            : new ReadOnlySpan<T>(_pointer + at, _featureCount);
    }
}
