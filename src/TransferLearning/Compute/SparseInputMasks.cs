using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace TransferLearning.Compute;

// Where a training batch's inputs X (k × m, column-major: example e at x + e·k) are not zero, for the zero-skipping
// products of SparseTrainingGemm, and whether each of them pays for this batch. Built once per batch by the layer
// that reads the network's input (Fashion-MNIST's images are about half zero pixels), kept for its backward pass.
//
// Two views of one pass over X: per example, a bit per input (the forward product Z = W·X runs each example over
// its inputs that are not zero); per pair of adjacent inputs, a bit per example (the weight gradient dW = dZ·Xᵀ
// runs two inputs at a time over the examples where either is not zero; adjacent pixels are zero together, so
// the union of two loses little: on Fashion-MNIST's training images 55 % of the terms against 50 % one by one).
//
// Owned by one layer's training state: sized for its batch capacity on first use, then reused (no allocation per
// step). Not thread-safe (one training run per workspace).
internal sealed unsafe class SparseInputMasks
{
    // Inputs per group of the weight gradient's kernel.
    public const int GroupInputs = 2;

    // Examples sampled first: when fewer than an eighth of their inputs are zero, the batch is dense and no mask is
    // built (the pass over all of X would cost about 1 % of a dense step of 784 → 512 for nothing).
    private const int SampledExamples = 8;

    private readonly ulong[] _exampleBits;
    private readonly ulong[] _groupBits;

    public SparseInputMasks(int inputs, int capacity)
    {
        Inputs = inputs;
        Capacity = capacity;
        InputWords = (inputs + 63) / 64;
        ExampleWords = (capacity + 63) / 64;
        Groups = (inputs + GroupInputs - 1) / GroupInputs;
        _exampleBits = GC.AllocateArray<ulong>(InputWords * capacity, pinned: true);
        _groupBits = GC.AllocateArray<ulong>(Groups * ExampleWords, pinned: true);
    }

    public int Inputs { get; }

    public int Capacity { get; }

    // Words per example's mask (a bit per input).
    public int InputWords { get; }

    // Words per group's mask (a bit per example of the capacity).
    public int ExampleWords { get; }

    public int Groups { get; }

    // The examples of the batch last analysed (0: none, or the batch was found dense).
    public int Batch { get; private set; }

    // Whether the forward product and the weight gradient of the batch last analysed skip zeros.
    public bool SkipsForward { get; private set; }

    public bool SkipsGradient { get; private set; }

    // The share of multiply-adds the forward product runs (examples' inputs not zero) and that the weight gradient
    // runs (pairs' examples where an input of the pair is not zero), of the dense product's; 1 when the batch was
    // found dense by the sample.
    public double ForwardWork { get; private set; }

    public double GradientWork { get; private set; }

    // Example e's mask: bit j of word j / 64 for input j not zero.
    public ulong* ExampleMask(int e) => (ulong*)Unsafe.AsPointer(ref _exampleBits[e * InputWords]);

    // Group g's mask (inputs 2g and 2g+1): bit e of word e / 64 for example e with one of them not zero.
    public ulong* GroupMask(int g) => (ulong*)Unsafe.AsPointer(ref _groupBits[g * ExampleWords]);

    // Bits start .. start+count-1 (count ≤ 64) of a mask of `words` words, as bits 0 .. count-1.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong Window(ulong* mask, int words, int start, int count)
    {
        int w = start >> 6;
        int s = start & 63;
        ulong bits = mask[w] >> s;
        if (s != 0 && w + 1 < words)
        {
            bits |= mask[w + 1] << (64 - s);
        }

        return count < 64 ? bits & ((1UL << count) - 1) : bits;
    }

    // Reads the batch's m examples (x: m·Inputs values) and decides which products skip zeros: the forward product
    // when it runs at most `forwardLimit` of the dense multiply-adds, the weight gradient at most `gradientLimit`.
    // Returns whether either does. With sampleFirst, a batch whose first examples have few zeros is found dense
    // without building the masks.
    public bool Analyse(float* x, int m, double forwardLimit, double gradientLimit, bool sampleFirst = true)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(m, Capacity);
        Batch = 0;
        SkipsForward = SkipsGradient = false;
        ForwardWork = GradientWork = 1;
        int k = Inputs;
        if (sampleFirst && !SampleHasZeros(x, k, m))
        {
            return false;
        }

        for (int e = 0; e < m; e++)
        {
            BuildExample(x + ((nint)e * k), k, ExampleMask(e), InputWords);
        }

        new Span<ulong>(GroupMask(0), Groups * ExampleWords).Clear();
        BuildGroups(m);

        long exampleWork = 0;
        ulong* bits = ExampleMask(0);
        for (int i = 0; i < m * InputWords; i++)
        {
            exampleWork += BitOperations.PopCount(bits[i]);
        }

        long groupWork = 0;
        for (int g = 0; g < Groups; g++)
        {
            ulong* mask = GroupMask(g);
            for (int w = 0; w < ExampleWords; w++)
            {
                groupWork += BitOperations.PopCount(mask[w]);
            }
        }

        Batch = m;
        ForwardWork = (double)exampleWork / ((long)m * k);
        GradientWork = (double)groupWork / ((long)Groups * m);
        SkipsForward = ForwardWork <= forwardLimit;
        SkipsGradient = GradientWork <= gradientLimit;
        return SkipsForward || SkipsGradient;
    }

    // Whether an eighth or more of the first examples' inputs are zero.
    private static bool SampleHasZeros(float* x, int k, int m)
    {
        long values = (long)Math.Min(m, SampledExamples) * k;
        long zeros = 0;
        long i = 0;
        for (; i + Vector256<float>.Count <= values; i += Vector256<float>.Count)
        {
            zeros += BitOperations.PopCount(Vector256.Equals(Vector256.Load(x + i), Vector256<float>.Zero).ExtractMostSignificantBits());
        }

        for (; i < values; i++)
        {
            zeros += x[i] == 0f ? 1 : 0;
        }

        return zeros * 8 >= values;
    }

    // Example e's mask of inputs not zero.
    private static void BuildExample(float* x, int k, ulong* mask, int words)
    {
        int j = 0;
        for (int w = 0; w < words; w++)
        {
            ulong bits = 0;
            int end = Math.Min(k, (w + 1) * 64);
            for (; j + Vector256<float>.Count <= end; j += Vector256<float>.Count)
            {
                uint zero = Vector256.Equals(Vector256.Load(x + j), Vector256<float>.Zero).ExtractMostSignificantBits();
                bits |= (ulong)(~zero & 0xFFu) << (j & 63);
            }

            for (; j < end; j++)
            {
                bits |= x[j] != 0f ? 1UL << (j & 63) : 0UL;
            }

            mask[w] = bits;
        }
    }

    // The pairs' masks from the examples' (m examples): per 64 examples and 64 inputs, the 64 × 64 bits transposed
    // (example bits per input), then a pair's word the two inputs' words or'ed. About 30 operations per word, where
    // setting each example's bit in each pair it has (a read and a write to a scattered word) took a third of the
    // analysis.
    private void BuildGroups(int m)
    {
        ulong* block = stackalloc ulong[64];
        for (int b = 0; b * 64 < m; b++)
        {
            int e0 = b * 64;
            int count = Math.Min(64, m - e0);
            for (int w = 0; w < InputWords; w++)
            {
                for (int i = 0; i < 64; i++)
                {
                    block[i] = i < count ? ExampleMask(e0 + i)[w] : 0UL;
                }

                Transpose(block);
                int firstGroup = w * 64 / GroupInputs;
                int groups = Math.Min(64 / GroupInputs, Groups - firstGroup);
                for (int g = 0; g < groups; g++)
                {
                    GroupMask(firstGroup + g)[b] = block[2 * g] | block[(2 * g) + 1];
                }
            }
        }
    }

    // a[i] bit j ↔ a[j] bit i: the 32 × 32 blocks off the diagonal swapped, then the 16 × 16 blocks in each, and so on.
    internal static void Transpose(ulong* a)
    {
        ulong mask = 0x0000_0000_FFFF_FFFFUL;
        for (int j = 32; j != 0; j >>= 1, mask ^= mask << j)
        {
            for (int k = 0; k < 64; k = ((k | j) + 1) & ~j)
            {
                ulong t = ((a[k] >> j) ^ a[k | j]) & mask;
                a[k] ^= t << j;
                a[k | j] ^= t;
            }
        }
    }
}
