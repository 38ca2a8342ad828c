using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.InteropServices;

namespace TransferLearning.Compute;

/// <summary>
/// The vectorised element-wise kernels of the forward and backward passes. TensorPrimitives serves what
/// it has (Exp, Sigmoid, Tanh, Max, Sum, …); what it lacks (ReLU and their masks) is written here with
/// <see cref="Vector{T}"/>.
/// </summary>
internal static class Elementwise
{
    /// <summary>Writes <c>b</c> into each of the <paramref name="columns"/> columns of <paramref name="z"/> (<c>rows × columns</c>).</summary>
    public static void BroadcastColumns(ReadOnlySpan<float> b, Span<float> z, int columns)
    {
        int rows = b.Length;
        for (int j = 0; j < columns; j++)
        {
            b.CopyTo(z.Slice(j * rows, rows));
        }
    }

    /// <summary><c>sums[i] = scale · Σ_j m[i, j]</c> over the columns of a column-major <c>rows × columns</c> block.</summary>
    public static void RowSums(ReadOnlySpan<float> m, int columns, float scale, Span<float> sums)
    {
        int rows = sums.Length;
        sums.Clear();
        for (int j = 0; j < columns; j++)
        {
            TensorPrimitives.Add(sums, m.Slice(j * rows, rows), sums);
        }

        TensorPrimitives.Multiply(sums, scale, sums);
    }

    /// <summary><c>a = max(z, 0)</c>.</summary>
    public static void Relu(ReadOnlySpan<float> z, Span<float> a) => TensorPrimitives.Max(z, 0f, a);

    /// <summary><c>a = z</c> where <c>z &gt; 0</c>, else <c>slope · z</c>.</summary>
    public static void LeakyRelu(ReadOnlySpan<float> z, Span<float> a, float slope)
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var zeros = Vector<float>.Zero;
            var s = new Vector<float>(slope);
            var zv = MemoryMarshal.Cast<float, Vector<float>>(z);
            var av = MemoryMarshal.Cast<float, Vector<float>>(a);
            for (int v = 0; v < zv.Length; v++)
            {
                var x = zv[v];
                av[v] = Vector.ConditionalSelect(Vector.GreaterThan(x, zeros), x, x * s);
            }

            i = zv.Length * Vector<float>.Count;
        }

        for (; i < z.Length; i++)
        {
            a[i] = z[i] > 0 ? z[i] : slope * z[i];
        }
    }

    /// <summary><c>dZ = dA</c> where <c>z &gt; 0</c>, else <c>slope · dA</c>.</summary>
    public static void LeakyReluBackward(ReadOnlySpan<float> z, ReadOnlySpan<float> dA, Span<float> dZ, float slope)
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var zeros = Vector<float>.Zero;
            var s = new Vector<float>(slope);
            var zv = MemoryMarshal.Cast<float, Vector<float>>(z);
            var gv = MemoryMarshal.Cast<float, Vector<float>>(dA);
            var dv = MemoryMarshal.Cast<float, Vector<float>>(dZ);
            for (int v = 0; v < zv.Length; v++)
            {
                var g = gv[v];
                dv[v] = Vector.ConditionalSelect(Vector.GreaterThan(zv[v], zeros), g, g * s);
            }

            i = zv.Length * Vector<float>.Count;
        }

        for (; i < z.Length; i++)
        {
            dZ[i] = z[i] > 0 ? dA[i] : slope * dA[i];
        }
    }

    /// <summary><c>dZ = dA ⊙ a ⊙ (1 − a)</c>, the sigmoid's derivative expressed through its output.</summary>
    public static void SigmoidBackward(ReadOnlySpan<float> a, ReadOnlySpan<float> dA, Span<float> dZ) =>
        BackwardThroughOutput<SigmoidDerivative>(a, dA, dZ);

    /// <summary><c>dZ = dA ⊙ (1 − a²)</c>, tanh's derivative expressed through its output.</summary>
    public static void TanhBackward(ReadOnlySpan<float> a, ReadOnlySpan<float> dA, Span<float> dZ) =>
        BackwardThroughOutput<TanhDerivative>(a, dA, dZ);

    /// <summary><c>dZ = dA ⊙ g'(a)</c> for an activation whose derivative is a function of its output.</summary>
    private static void BackwardThroughOutput<TDerivative>(ReadOnlySpan<float> a, ReadOnlySpan<float> dA, Span<float> dZ)
        where TDerivative : struct, IDerivativeOfOutput
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var av = MemoryMarshal.Cast<float, Vector<float>>(a);
            var gv = MemoryMarshal.Cast<float, Vector<float>>(dA);
            var dv = MemoryMarshal.Cast<float, Vector<float>>(dZ);
            for (int v = 0; v < av.Length; v++)
            {
                dv[v] = gv[v] * TDerivative.Of(av[v]);
            }

            i = av.Length * Vector<float>.Count;
        }

        for (; i < a.Length; i++)
        {
            dZ[i] = dA[i] * TDerivative.Of(a[i]);
        }
    }

    /// <summary>Column-wise softmax of a column-major <c>rows × columns</c> block, shifted by each column's maximum.</summary>
    public static void Softmax(ReadOnlySpan<float> z, Span<float> a, int rows)
    {
        int columns = z.Length / rows;
        for (int j = 0; j < columns; j++)
        {
            var zc = z.Slice(j * rows, rows);
            var ac = a.Slice(j * rows, rows);
            float max = TensorPrimitives.Max(zc);
            TensorPrimitives.Subtract(zc, max, ac);
            TensorPrimitives.Exp(ac, ac);
            TensorPrimitives.Multiply(ac, 1f / TensorPrimitives.Sum(ac), ac);
        }
    }

    /// <summary>
    /// Softmax of many examples at once, laid out with the examples side by side: <c>block[o·lanes + r]</c> is output
    /// <c>o</c> of example <c>r</c>, and each example's <paramref name="outputs"/> values become
    /// <c>exp(z − max z) / Σ exp(z − max z)</c>, as <see cref="Softmax"/> computes them column by column. One vector
    /// holds one output of several examples, so a softmax of 10 classes runs at the vector width instead of ten
    /// values at a time (the small-batch inference's output panels are laid out so).
    /// </summary>
    public static void SoftmaxAcrossLanes(Span<float> block, int outputs, int lanes)
    {
        int width = Vector<float>.Count;
        int r = 0;
        for (; Vector.IsHardwareAccelerated && r + width <= lanes; r += width)
        {
            var max = new Vector<float>(block.Slice(r, width));
            for (int o = 1; o < outputs; o++)
            {
                max = Vector.Max(max, new Vector<float>(block.Slice((o * lanes) + r, width)));
            }

            for (int o = 0; o < outputs; o++)
            {
                var slot = block.Slice((o * lanes) + r, width);
                (new Vector<float>(slot) - max).CopyTo(slot);
            }
        }

        for (; r < lanes; r++)
        {
            float max = block[r];
            for (int o = 1; o < outputs; o++)
            {
                max = Math.Max(max, block[(o * lanes) + r]);
            }

            for (int o = 0; o < outputs; o++)
            {
                block[(o * lanes) + r] -= max;
            }
        }

        var values = block[..(outputs * lanes)];
        TensorPrimitives.Exp(values, values);
        r = 0;
        for (; Vector.IsHardwareAccelerated && r + width <= lanes; r += width)
        {
            var sum = new Vector<float>(block.Slice(r, width));
            for (int o = 1; o < outputs; o++)
            {
                sum += new Vector<float>(block.Slice((o * lanes) + r, width));
            }

            var scale = Vector<float>.One / sum;
            for (int o = 0; o < outputs; o++)
            {
                var slot = block.Slice((o * lanes) + r, width);
                (new Vector<float>(slot) * scale).CopyTo(slot);
            }
        }

        for (; r < lanes; r++)
        {
            float sum = 0f;
            for (int o = 0; o < outputs; o++)
            {
                sum += block[(o * lanes) + r];
            }

            float scale = 1f / sum;
            for (int o = 0; o < outputs; o++)
            {
                block[(o * lanes) + r] *= scale;
            }
        }
    }

    /// <summary>Softmax backward per column: <c>dZ = a ⊙ (dA − (dA · a))</c>.</summary>
    public static void SoftmaxBackward(ReadOnlySpan<float> a, ReadOnlySpan<float> dA, Span<float> dZ, int rows)
    {
        int columns = a.Length / rows;
        for (int j = 0; j < columns; j++)
        {
            var ac = a.Slice(j * rows, rows);
            var gc = dA.Slice(j * rows, rows);
            var dc = dZ.Slice(j * rows, rows);
            float dot = TensorPrimitives.Dot(gc, ac);
            TensorPrimitives.Subtract(gc, dot, dc);
            TensorPrimitives.Multiply(dc, ac, dc);
        }
    }

    /// <summary><c>g'</c> written through the activation's output <c>a = g(z)</c>.</summary>
    private interface IDerivativeOfOutput
    {
        static abstract float Of(float a);

        static abstract Vector<float> Of(Vector<float> a);
    }

    private readonly struct SigmoidDerivative : IDerivativeOfOutput
    {
        public static float Of(float a) => a * (1 - a);

        public static Vector<float> Of(Vector<float> a) => a * (Vector<float>.One - a);
    }

    private readonly struct TanhDerivative : IDerivativeOfOutput
    {
        public static float Of(float a) => 1 - (a * a);

        public static Vector<float> Of(Vector<float> a) => Vector<float>.One - (a * a);
    }
}
