using MathNet.Numerics.Distributions;
using MathNet.Numerics.LinearAlgebra;
using MathNet.Numerics.Random;
using TransferLearning.Data;

namespace TransferLearning.Tests.Support;

/// <summary>Small seeded data sets for training tests.</summary>
internal static class TestData
{
    /// <summary>
    /// <paramref name="classes"/> Gaussian blobs in <paramref name="features"/> dimensions (centres 3 apart on the
    /// axes, standard deviation 0.5): separable, so a small network learns them in a few epochs.
    /// </summary>
    public static Dataset Blobs(int perClass, int classes = 3, int features = 2, int seed = 0)
    {
        var random = new Xoshiro256StarStar(seed);
        int m = perClass * classes;
        var labels = new int[m];
        var x = Matrix<float>.Build.Dense(features, m);
        for (int j = 0; j < m; j++)
        {
            int c = j % classes;
            labels[j] = c;
            for (int i = 0; i < features; i++)
            {
                float centre = i == c % features ? 3f * (1 + (c / features)) : 0f;
                x[i, j] = centre + (float)Normal.Sample(random, 0, 0.5);
            }
        }

        return Dataset.ForClassification(x, labels, classes);
    }

    /// <summary>Regression <c>y = 2·x₀ − x₁ + 0.5</c> plus a little noise, inputs uniform in [−1, 1].</summary>
    public static Dataset Linear(int count, int seed = 0)
    {
        var random = new Xoshiro256StarStar(seed);
        var x = Matrix<float>.Build.Dense(2, count, (_, _) => (float)((2 * random.NextDouble()) - 1));
        var y = Matrix<float>.Build.Dense(1, count, (_, j) => (2 * x[0, j]) - x[1, j] + 0.5f + (float)Normal.Sample(random, 0, 0.01));
        return Dataset.ForRegression(x, y);
    }
}
