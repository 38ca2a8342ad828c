using TransferLearning.Compute;

namespace TransferLearning.Inference;

// The scratch of one thread's small-batch inference: two activation buffers used in turn by the layers, and
// the packed input of the current product. Allocated on the thread's first prediction and grown only for a
// larger network or batch, so that steady-state predictions allocate nothing; per thread, so that any number
// of threads may predict at once.
internal sealed unsafe class InferenceBuffers
{
    private const int Slots = 4;

    [ThreadStatic]
    private static InferenceBuffers? _current;

    private readonly float[]?[] _arrays = new float[]?[Slots];
    private readonly nint[] _pointers = new nint[Slots];
    private readonly int[] _capacities = new int[Slots];

    public static InferenceBuffers Current => _current ??= new InferenceBuffers();

    // Activations of layers use slots 0 and 1 in turn; slot 2 holds the packed input, slot 3 a layer's own scratch.
    public float* Get(int slot, int floats)
    {
        if (floats > _capacities[slot])
        {
            _pointers[slot] = (nint)GemmPackBuffers.Allocate(floats, out var array, out _capacities[slot]);
            _arrays[slot] = array;
        }

        return (float*)_pointers[slot];
    }
}
