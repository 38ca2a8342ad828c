using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace TransferLearning.Compute;

// The packed panels of one thread: allocated on the thread's first GEMM and grown only when a larger
// block is needed, so that steady-state calls allocate nothing. Pinned arrays on the pinned object heap,
// aligned to 64 bytes, so that a thread's buffers go with the thread.
internal sealed unsafe class GemmPackBuffers
{
    private const int AlignFloats = 16;

    [ThreadStatic]
    private static GemmPackBuffers? _current;

    private float[]? _aArray;
    private float* _a;
    private int _aCapacity;
    private float[]? _bArray;
    private float* _b;
    private int _bCapacity;

    public static GemmPackBuffers Current => _current ??= new GemmPackBuffers();

    public float* A(int floats)
    {
        if (floats > _aCapacity)
        {
            _a = Allocate(floats, out _aArray, out _aCapacity);
        }

        return _a;
    }

    public float* B(int floats)
    {
        if (floats > _bCapacity)
        {
            _b = Allocate(floats, out _bArray, out _bCapacity);
        }

        return _b;
    }

    // A pinned array of at least `floats` floats (capacity rounded up to 1,024) and its first 64-byte-aligned float.
    internal static float* Allocate(int floats, out float[] array, out int capacity)
    {
        capacity = (floats + 1023) & ~1023;
        array = GC.AllocateUninitializedArray<float>(capacity + AlignFloats, pinned: true);
        nint start = (nint)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(array));
        return (float*)((start + ((AlignFloats * sizeof(float)) - 1)) & ~(nint)((AlignFloats * sizeof(float)) - 1));
    }
}
