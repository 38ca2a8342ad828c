using MathNet.Numerics.LinearAlgebra;
using TransferLearning.Data;
using TransferLearning.Networks;
using TransferLearning.Tests.Support;
using TransferLearning.Training;

namespace TransferLearning.Tests.Networks;

/// <summary>
/// Tiny networks with fixed weights whose forward and backward passes are worked out by hand with the course
/// formulas (examples as columns): Z = W·A_prev + b, dZ[L] = A[L] − Y, dW = (1/m)·dZ·A_prevᵀ,
/// db = (1/m)·Σ dZ, dA_prev = Wᵀ·dZ, dZ = dA ⊙ g'(Z).
/// </summary>
public class ForwardBackwardByHandTests
{
    private const double Tolerance = 1e-5;

    /// <summary>
    /// 2 → 2 (ReLU) → 2 (softmax), two examples; each example has one hidden unit below 0 so the ReLU mask matters.
    /// W1 = [[1, −1], [0.5, 2]], b1 = [0, −1]; W2 = [[1, 0.5], [−1, 0.25]], b2 = [0.1, −0.1];
    /// x1 = (1, 2) with label 1, x2 = (3, −1) with label 0.
    /// </summary>
    private static (Network Network, Dataset Data) ReluSoftmaxCase()
    {
        var network = Network.Create(2)
            .Add(DenseLayer.FromWeights(
                Matrix<float>.Build.DenseOfArray(new float[,] { { 1f, -1f }, { 0.5f, 2f } }),
                Vector<float>.Build.DenseOfArray([0f, -1f]),
                Activation.ReLU))
            .Add(DenseLayer.FromWeights(
                Matrix<float>.Build.DenseOfArray(new float[,] { { 1f, 0.5f }, { -1f, 0.25f } }),
                Vector<float>.Build.DenseOfArray([0.1f, -0.1f]),
                Activation.Softmax));
        var x = Matrix<float>.Build.DenseOfColumnArrays([1f, 2f], [3f, -1f]);
        return (network, Dataset.ForClassification(x, [1, 0], 2));
    }

    [Fact]
    public void Forward_ReluSoftmax_MatchesHandComputedZAndA()
    {
        var (network, data) = ReluSoftmaxCase();

        var ws = GradientChecker.ComputeGradients(network, data, Loss.SoftmaxCrossEntropy);

        // Z1: x1 → (1·1 − 1·2 + 0, 0.5·1 + 2·2 − 1) = (−1, 3.5); x2 → (3 + 1, 1.5 − 2 − 1) = (4, −1.5).
        ShouldBeClose(ws.PreActivationOf(0).ToArray(), [-1, 3.5, 4, -1.5]);
        ShouldBeClose(ws.A[0], [0, 3.5, 4, 0]);

        // Z2 = W2·A1 + b2: x1 → (0.5·3.5 + 0.1, 0.25·3.5 − 0.1) = (1.85, 0.775); x2 → (4 + 0.1, −4 − 0.1).
        ShouldBeClose(ws.PreActivationOf(1).ToArray(), [1.85, 0.775, 4.1, -4.1]);
        var (p0, p1) = Softmax2(1.85, 0.775);
        var (q0, q1) = Softmax2(4.1, -4.1);
        ShouldBeClose(ws.A[1], [p0, p1, q0, q1]);
        network.Predict(data.Features).ToColumnMajorArray().Select(v => (double)v)
            .Should().Equal([p0, p1, q0, q1], (a, e) => Math.Abs(a - e) < Tolerance, "Predict computes the same A[L]");
    }

    [Fact]
    public void Evaluate_ReluSoftmax_IsMeanCrossEntropyOfHandComputedProbabilities()
    {
        var (network, data) = ReluSoftmaxCase();
        var (_, p1) = Softmax2(1.85, 0.775);
        var (q0, _) = Softmax2(4.1, -4.1);

        var evaluation = network.Evaluate(data);

        // J = (1/m)·Σ −log a_y: x1's label is 1, x2's is 0.
        evaluation.Loss.Should().BeApproximately((-Math.Log(p1) - Math.Log(q0)) / 2, Tolerance);
        evaluation.Accuracy.Should().Be(0.5, "x1 (label 1) is predicted 0 since 1.85 > 0.775, x2 (label 0) is predicted 0");
        evaluation.Count.Should().Be(2);
    }

    [Fact]
    public void Backward_ReluSoftmax_MatchesHandComputedGradients()
    {
        var (network, data) = ReluSoftmaxCase();
        var (p0, p1) = Softmax2(1.85, 0.775);
        var (q0, q1) = Softmax2(4.1, -4.1);

        GradientChecker.ComputeGradients(network, data, Loss.SoftmaxCrossEntropy);

        // dZ2 = A2 − Y (x1: y = (0, 1); x2: y = (1, 0)).
        double[] dz2X1 = [p0, p1 - 1];
        double[] dz2X2 = [q0 - 1, q1];

        // dW2 = ½·dZ2·A1ᵀ with A1 = [(0, 3.5), (4, 0)]: column 0 sees only x2's a = 4, column 1 only x1's a = 3.5.
        double[,] dw2 =
        {
            { 0.5 * dz2X2[0] * 4, 0.5 * dz2X1[0] * 3.5 },
            { 0.5 * dz2X2[1] * 4, 0.5 * dz2X1[1] * 3.5 },
        };
        double[] db2 = [0.5 * (dz2X1[0] + dz2X2[0]), 0.5 * (dz2X1[1] + dz2X2[1])];

        // dA1 = W2ᵀ·dZ2 with W2 = [[1, 0.5], [−1, 0.25]]; the ReLU mask keeps x1's unit 1 and x2's unit 0.
        double dz1X1Unit1 = (0.5 * dz2X1[0]) + (0.25 * dz2X1[1]);
        double dz1X2Unit0 = (1 * dz2X2[0]) + (-1 * dz2X2[1]);

        // dW1 = ½·dZ1·Xᵀ with x1 = (1, 2), x2 = (3, −1); db1 = ½·Σ dZ1.
        double[,] dw1 =
        {
            { 0.5 * dz1X2Unit0 * 3, 0.5 * dz1X2Unit0 * -1 },
            { 0.5 * dz1X1Unit1 * 1, 0.5 * dz1X1Unit1 * 2 },
        };
        double[] db1 = [0.5 * dz1X2Unit0, 0.5 * dz1X1Unit1];

        ShouldBeClose(network.DenseLayers[1].Weight.Gradients, ColumnMajor(dw2));
        ShouldBeClose(network.DenseLayers[1].Bias.Gradients, db2);
        ShouldBeClose(network.DenseLayers[0].Weight.Gradients, ColumnMajor(dw1));
        ShouldBeClose(network.DenseLayers[0].Bias.Gradients, db1);
    }

    [Fact]
    public void ForwardBackward_TanhSigmoidBinaryCrossEntropy_MatchesHandComputedValues()
    {
        // 2 → 2 (tanh) → 1 (sigmoid), one example x = (0.5, −1) with label 1.
        // W1 = [[0.2, −0.4], [0.7, 0.1]], b1 = [0.1, 0]; W2 = [[1.5, −2]], b2 = [0.3].
        var network = Network.Create(2)
            .Add(DenseLayer.FromWeights(
                Matrix<float>.Build.DenseOfArray(new float[,] { { 0.2f, -0.4f }, { 0.7f, 0.1f } }),
                Vector<float>.Build.DenseOfArray([0.1f, 0f]),
                Activation.Tanh))
            .Add(DenseLayer.FromWeights(
                Matrix<float>.Build.DenseOfArray(new float[,] { { 1.5f, -2f } }),
                Vector<float>.Build.DenseOfArray([0.3f]),
                Activation.Sigmoid));
        var data = Dataset.ForClassification(Matrix<float>.Build.DenseOfColumnArrays([0.5f, -1f]), [1], 2);

        var ws = GradientChecker.ComputeGradients(network, data, Loss.BinaryCrossEntropy);

        // Z1 = (0.2·0.5 + 0.4 + 0.1, 0.7·0.5 − 0.1) = (0.6, 0.25).
        double a1 = Math.Tanh(0.6), a2 = Math.Tanh(0.25);
        double z = (1.5 * a1) - (2 * a2) + 0.3;
        double a = 1 / (1 + Math.Exp(-z));
        ShouldBeClose(ws.PreActivationOf(0).ToArray(), [0.6, 0.25]);
        ShouldBeClose(ws.A[0], [a1, a2]);
        ShouldBeClose(ws.PreActivationOf(1).ToArray(), [z]);
        ShouldBeClose(ws.A[1], [a]);
        network.Evaluate(data).Loss.Should().BeApproximately(-Math.Log(a), Tolerance, "BCE with y = 1 is −log a");

        // dZ2 = a − 1; dW2 = dZ2·A1ᵀ (m = 1); dZ1 = (W2ᵀ·dZ2) ⊙ (1 − A1²); dW1 = dZ1·xᵀ.
        double dz2 = a - 1;
        double dz1A = 1.5 * dz2 * (1 - (a1 * a1));
        double dz1B = -2 * dz2 * (1 - (a2 * a2));
        ShouldBeClose(network.DenseLayers[1].Weight.Gradients, [dz2 * a1, dz2 * a2]);
        ShouldBeClose(network.DenseLayers[1].Bias.Gradients, [dz2]);
        ShouldBeClose(network.DenseLayers[0].Weight.Gradients, ColumnMajor(new[,] { { dz1A * 0.5, dz1A * -1 }, { dz1B * 0.5, dz1B * -1 } }));
        ShouldBeClose(network.DenseLayers[0].Bias.Gradients, [dz1A, dz1B]);
    }

    [Fact]
    public void Evaluate_IdentityRegression_IsMeanSquaredErrorOverOutputsAndExamples()
    {
        // 2 → 2 (identity): W = [[1, 2], [0, −1]], b = [0.5, 0]. x1 = (1, 1) → (3.5, −1); x2 = (0, 2) → (4.5, −2).
        var network = Network.Create(2).Add(DenseLayer.FromWeights(
            Matrix<float>.Build.DenseOfArray(new float[,] { { 1f, 2f }, { 0f, -1f } }),
            Vector<float>.Build.DenseOfArray([0.5f, 0f]),
            Activation.Identity));
        var x = Matrix<float>.Build.DenseOfColumnArrays([1f, 1f], [0f, 2f]);
        var y = Matrix<float>.Build.DenseOfColumnArrays([3f, 0f], [4.5f, -4f]);
        var data = Dataset.ForRegression(x, y);

        var evaluation = network.Evaluate(data);
        GradientChecker.ComputeGradients(network, data, Loss.MeanSquaredError);

        // Errors a − y: x1 (0.5, −1), x2 (0, 2). L = (1/n_y)·Σ_i (a_i − y_i)², J = mean over examples.
        evaluation.Loss.Should().BeApproximately((((0.25 + 1) / 2) + ((0 + 4) / 2)) / 2, Tolerance);
        evaluation.Accuracy.Should().BeNull("a regression set has no accuracy");

        // dZ = (2/n_y)·(A − Y) = A − Y here; dW = ½·dZ·Xᵀ; db = ½·Σ dZ.
        ShouldBeClose(network.DenseLayers[0].Weight.Gradients, ColumnMajor(new[,]
        {
            { 0.5 * ((0.5 * 1) + (0 * 0)), 0.5 * ((0.5 * 1) + (0 * 2)) },
            { 0.5 * ((-1 * 1) + (2 * 0)), 0.5 * ((-1 * 1) + (2 * 2)) },
        }));
        ShouldBeClose(network.DenseLayers[0].Bias.Gradients, [0.5 * (0.5 + 0), 0.5 * (-1 + 2)]);
    }

    private static (double P0, double P1) Softmax2(double z0, double z1)
    {
        double e0 = Math.Exp(z0), e1 = Math.Exp(z1);
        return (e0 / (e0 + e1), e1 / (e0 + e1));
    }

    private static double[] ColumnMajor(double[,] m)
    {
        var result = new double[m.Length];
        int rows = m.GetLength(0);
        for (int j = 0; j < m.GetLength(1); j++)
        {
            for (int i = 0; i < rows; i++)
            {
                result[(j * rows) + i] = m[i, j];
            }
        }

        return result;
    }

    private static void ShouldBeClose(ReadOnlySpan<float> actual, double[] expected)
    {
        var values = actual[..expected.Length].ToArray().Select(v => (double)v).ToArray();
        values.Should().Equal(expected, (a, e) => Math.Abs(a - e) < Tolerance, "expected [{0}]", string.Join(", ", expected));
    }
}
