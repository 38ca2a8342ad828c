using MathNet.Numerics.Distributions;
using MathNet.Numerics.LinearAlgebra;
using MathNet.Numerics.Random;
using TransferLearning.Data;
using TransferLearning.Networks;
using TransferLearning.Training;

namespace TransferLearning.Tests.Networks;

/// <summary>Inference: idempotent, thread-safe, and correct across the internal chunking.</summary>
public class PredictTests
{
    private static Network MakeNetwork() =>
        Network.Create(3, seed: 21).Dense(16, Activation.ReLU).Dense(8, Activation.Tanh).Dense(4, Activation.Softmax);

    private static Matrix<float> Inputs(int columns, int seed = 1)
    {
        var random = new Xoshiro256StarStar(seed);
        return Matrix<float>.Build.Dense(3, columns, (_, _) => (float)Normal.Sample(random, 0, 1));
    }

    [Fact]
    public void Predict_TwiceOnTheSameInput_IdenticalOutput()
    {
        var network = MakeNetwork();
        var x = Inputs(50);

        var first = network.Predict(x).ToColumnMajorArray();
        network.Predict(Inputs(7, seed: 2));   // a different batch in between must not leave anything behind
        var second = network.Predict(x).ToColumnMajorArray();

        second.Should().Equal(first);
    }

    [Fact]
    public void Predict_DoesNotModifyItsInput()
    {
        var x = Inputs(10);
        var copy = x.Clone();

        MakeNetwork().Predict(x);

        x.Should().Be(copy);
    }

    [Fact]
    public void Predict_ManyThreadsAtOnce_SameResultsAsOneThread()
    {
        var network = MakeNetwork();
        var inputs = Enumerable.Range(0, 16).Select(i => Inputs(40 + i, seed: i)).ToArray();
        var expected = inputs.Select(x => network.Predict(x).ToColumnMajorArray()).ToArray();

        var mismatches = new System.Collections.Concurrent.ConcurrentBag<int>();
        int predictions = 0;
        using var start = new Barrier(8);
        var threads = Enumerable.Range(0, 8).Select(t => new Thread(() =>
        {
            start.SignalAndWait();
            for (int repeat = 0; repeat < 5; repeat++)
            {
                for (int i = t; i < inputs.Length; i += 8)
                {
                    if (!network.Predict(inputs[i]).ToColumnMajorArray().SequenceEqual(expected[i]))
                    {
                        mismatches.Add(i);
                    }

                    Interlocked.Increment(ref predictions);
                }
            }
        })).ToArray();
        foreach (var thread in threads)
        {
            thread.Start();
        }

        foreach (var thread in threads)
        {
            thread.Join();
        }

        predictions.Should().Be(5 * inputs.Length);
        mismatches.Should().BeEmpty("every concurrent prediction must equal the single-threaded one");
    }

    [Fact]
    public void Predict_ManySlicesOfColumns_MatchesAReferenceForwardPass()
    {
        // A large batch runs in slices (2,500 columns: 18 of 64 at each end, and 32s and a 4 in the middle), shared
        // between the threads.
        var network = MakeNetwork();
        var x = Inputs(2500);

        var actual = network.Predict(x);
        var expected = ReferenceForward(network, x);

        (actual - expected).Enumerate().Max(Math.Abs).Should().BeLessThan(1e-5f);
    }

    [Fact]
    public void PredictClasses_ArgMaxOfPredict()
    {
        var network = MakeNetwork();
        var x = Inputs(30);
        var probabilities = network.Predict(x);

        var classes = network.PredictClasses(x);

        classes.Should().Equal(Enumerable.Range(0, 30).Select(j => probabilities.Column(j).MaximumIndex()));
        probabilities.ColumnSums().Enumerate().Should().OnlyContain(s => Math.Abs(s - 1f) < 1e-5f, "softmax columns are distributions");
    }

    [Fact]
    public void Evaluate_MoreExamplesThanOneChunk_MatchesLossFromReferenceForwardPass()
    {
        var network = MakeNetwork();
        var x = Inputs(2100, seed: 5);
        var labels = Enumerable.Range(0, 2100).Select(j => j % 4).ToArray();
        var probabilities = ReferenceForward(network, x);
        double expectedLoss = labels.Select((label, j) => -Math.Log(probabilities[label, j])).Average();
        double expectedAccuracy = labels.Where((label, j) => probabilities.Column(j).MaximumIndex() == label).Count() / 2100.0;

        var evaluation = network.Evaluate(Dataset.ForClassification(x, labels, 4));

        evaluation.Loss.Should().BeApproximately(expectedLoss, 1e-5);
        evaluation.Accuracy.Should().BeApproximately(expectedAccuracy, 1e-9);
        evaluation.Count.Should().Be(2100);
    }

    /// <summary>A = g(W·A_prev + b) layer by layer with MathNet, in double precision.</summary>
    private static Matrix<float> ReferenceForward(Network network, Matrix<float> x)
    {
        var a = x.Map(v => (double)v);
        foreach (var layer in network.DenseLayers)
        {
            var w = layer.Weight.ToMatrix().Map(v => (double)v);
            var b = layer.Bias.ToMatrix().Map(v => (double)v);
            var z = (w * a) + (b * Matrix<double>.Build.Dense(1, a.ColumnCount, 1.0));
            a = layer.Activation.Name switch
            {
                "ReLU" => z.Map(v => Math.Max(v, 0)),
                "Tanh" => z.Map(Math.Tanh),
                "Softmax" => Softmax(z),
                _ => throw new NotSupportedException(layer.Activation.Name),
            };
        }

        return a.Map(v => (float)v);
    }

    private static Matrix<double> Softmax(Matrix<double> z)
    {
        var e = z.Clone();
        for (int j = 0; j < z.ColumnCount; j++)
        {
            var column = z.Column(j);
            var exp = column.Subtract(column.Maximum()).PointwiseExp();
            e.SetColumn(j, exp / exp.Sum());
        }

        return e;
    }
}
