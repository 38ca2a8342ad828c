using MathNet.Numerics.Distributions;
using MathNet.Numerics.LinearAlgebra;
using MathNet.Numerics.Random;

namespace TransferLearning.Data;

/// <summary>Small data sets made on the spot from a seed: for quick starts, tests and demonstrations.</summary>
public static class SyntheticData
{
    /// <summary>The four XOR points: features (0,0), (0,1), (1,0), (1,1) with labels 0, 1, 1, 0.</summary>
    /// <returns>A 2-feature, 2-class set of 4 examples.</returns>
    public static Dataset Xor() => Dataset.ForClassification(
        Matrix<float>.Build.DenseOfColumnArrays([0f, 0f], [0f, 1f], [1f, 0f], [1f, 1f]),
        [0, 1, 1, 0],
        2);

    /// <summary>
    /// Two interleaved spirals in the plane: example <c>i</c> of class <c>c</c> sits at radius
    /// <c>r = t</c> and angle <c>t + c·π</c> with <c>t</c> from 0.25 to 3.5π, scaled to about [−1, 1],
    /// plus Gaussian noise.
    /// </summary>
    /// <param name="perClass">Examples per class, at least 1.</param>
    /// <param name="noise">The standard deviation of the noise (in scaled units), ≥ 0. The default is 0.02.</param>
    /// <param name="seed">The seed of the noise and of the order of the examples.</param>
    /// <returns>A 2-feature, 2-class set of <c>2 · perClass</c> examples.</returns>
    /// <exception cref="ArgumentOutOfRangeException">An argument is out of range.</exception>
    public static Dataset Spirals(int perClass, float noise = 0.02f, int seed = 0)
    {
        Guard.AtLeast(perClass, 1, nameof(perClass));
        Guard.NonNegative(noise, nameof(noise));
        var random = new Xoshiro256StarStar(seed);
        int m = 2 * perClass;
        var x = new float[2 * m];
        var labels = new int[m];
        double maxT = 3.5 * Math.PI;
        int k = 0;
        for (int c = 0; c < 2; c++)
        {
            for (int i = 0; i < perClass; i++, k++)
            {
                double t = 0.25 + ((maxT - 0.25) * i / Math.Max(1, perClass - 1));
                double angle = t + (c * Math.PI);
                x[2 * k] = (float)((t * Math.Cos(angle) / maxT) + (noise * Normal.Sample(random, 0, 1)));
                x[(2 * k) + 1] = (float)((t * Math.Sin(angle) / maxT) + (noise * Normal.Sample(random, 0, 1)));
                labels[k] = c;
            }
        }

        var data = Dataset.ForClassification(Matrix<float>.Build.Dense(2, m, x), labels, 2);
        var order = Enumerable.Range(0, m).ToArray();
        Dataset.Shuffle(order, random);
        return data.Subset(order);
    }
}
