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

    /// <summary>
    /// A pair of tasks on the same inputs generated from latent structure, to show when transfer helps and
    /// when it does not. Each example has a shared latent <c>z</c> and an independent latent <c>u</c>
    /// (8 dimensions each, standard normal); its inputs are <c>x = tanh(M·[z; u]) + noise</c> (32 features,
    /// <c>M</c> random). The source labels are a rich rule on <c>z</c> alone (the arg-max of 64 random
    /// projections of <c>z</c>), so a network trained on them must learn <c>z</c>. The target labels are
    /// the arg-max of 5 other projections: of <c>z</c> when <paramref name="related"/> (the source's
    /// features help), of the independent <c>u</c> otherwise (they do not).
    /// </summary>
    /// <param name="sourceCount">Source training examples, at least 1.</param>
    /// <param name="targetPerClass">Target training examples per class, at least 1.</param>
    /// <param name="targetTestPerClass">Target test examples per class, at least 1.</param>
    /// <param name="related">Whether the target depends on the same latent as the source.</param>
    /// <param name="seed">The seed of the world (the projections) and of every draw.</param>
    /// <returns>The source, the target and the target's test set.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A count is less than 1.</exception>
    public static TransferTasks LatentTasks(int sourceCount, int targetPerClass, int targetTestPerClass, bool related, int seed)
    {
        Guard.AtLeast(sourceCount, 1, nameof(sourceCount));
        Guard.AtLeast(targetPerClass, 1, nameof(targetPerClass));
        Guard.AtLeast(targetTestPerClass, 1, nameof(targetTestPerClass));
        const int latent = 8;
        const int inputs = 32;
        const int sourceClasses = 64;
        const int targetClasses = 5;
        var random = new Xoshiro256StarStar(seed);
        double[,] Projection(int rows, int columns, double scale)
        {
            var p = new double[rows, columns];
            for (int i = 0; i < rows; i++)
            {
                for (int j = 0; j < columns; j++)
                {
                    p[i, j] = Normal.Sample(random, 0, scale);
                }
            }

            return p;
        }

        var mix = Projection(inputs, 2 * latent, 1 / Math.Sqrt(latent));
        var sourceRule = Projection(sourceClasses, latent, 1);
        var targetRule = Projection(targetClasses, latent, 1);
        int targetOffset = related ? 0 : latent;

        (float[] X, int Label) Draw(double[,] rule, int offset)
        {
            var h = new double[2 * latent];
            for (int i = 0; i < h.Length; i++)
            {
                h[i] = Normal.Sample(random, 0, 1);
            }

            var x = new float[inputs];
            for (int i = 0; i < inputs; i++)
            {
                double sum = 0;
                for (int j = 0; j < h.Length; j++)
                {
                    sum += mix[i, j] * h[j];
                }

                x[i] = (float)(Math.Tanh(sum) + Normal.Sample(random, 0, 0.05));
            }

            int best = 0;
            double bestValue = double.NegativeInfinity;
            for (int c = 0; c < rule.GetLength(0); c++)
            {
                double v = 0;
                for (int j = 0; j < latent; j++)
                {
                    v += rule[c, j] * h[offset + j];
                }

                if (v > bestValue)
                {
                    bestValue = v;
                    best = c;
                }
            }

            return (x, best);
        }

        Dataset Collect(int count, Func<(float[] X, int Label)> draw, int classes, int perClass)
        {
            var columns = new List<float[]>();
            var labels = new List<int>();
            var have = new int[classes];
            while (columns.Count < count)
            {
                var (x, label) = draw();
                if (perClass > 0 && have[label] >= perClass)
                {
                    continue;
                }

                have[label]++;
                columns.Add(x);
                labels.Add(label);
            }

            return Dataset.ForClassification(Matrix<float>.Build.DenseOfColumnArrays(columns), labels, classes);
        }

        var source = Collect(sourceCount, () => Draw(sourceRule, 0), sourceClasses, 0);
        var target = Collect(targetPerClass * targetClasses, () => Draw(targetRule, targetOffset), targetClasses, targetPerClass);
        var test = Collect(targetTestPerClass * targetClasses, () => Draw(targetRule, targetOffset), targetClasses, targetTestPerClass);
        return new TransferTasks { Source = source, Target = target, TargetTest = test };
    }
}
