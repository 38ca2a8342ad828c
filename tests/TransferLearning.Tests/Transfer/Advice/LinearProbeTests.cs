using TransferLearning.Compute;
using TransferLearning.Transfer;

namespace TransferLearning.Tests.Transfer;

public class LinearProbeTests
{
    [Fact]
    public void FitPredict_ExactLinearTarget_WithoutRidge_PredictsTheHeldOutValues()
    {
        // One feature x = 0..7 and y = 2x + 1; train on the even examples, predict the odd ones.
        float[] x = [0, 1, 2, 3, 4, 5, 6, 7];
        float[] y = x.Select(v => (2 * v) + 1).ToArray();

        var predictions = LinearProbe.FitPredict(x, 1, [0, 2, 4, 6], [1, 3, 5, 7], y, 1, ridge: 0, ComputeBackend.Managed);

        predictions.Should().Equal([3f, 7f, 11f, 15f], (a, b) => Math.Abs(a - b) < 1e-3);
    }

    [Fact]
    public void FitPredict_Ridge_ShrinksTheSlopeTowardsTheMean_AsTheFormulaSays()
    {
        // Standardised x of the training part: x̃ = (x − 3)/√5 for x ∈ {0, 2, 4, 6}; Σx̃² = 4 = m.
        // W = Σx̃·(y − ȳ) / (Σx̃² + λ) with λ = ρ·m = 4 (ρ = 1): half the least-squares slope.
        float[] x = [0, 1, 2, 3, 4, 5, 6, 7];
        float[] y = x.Select(v => (2 * v) + 1).ToArray();

        var predictions = LinearProbe.FitPredict(x, 1, [0, 2, 4, 6], [1, 7], y, 1, ridge: 1, ComputeBackend.Managed);

        // About x̄ = 3, ȳ = 7: least squares would give 3 and 15 (slope 2); half the slope gives 7 − 2 and 7 + 4.
        predictions.Should().Equal([5f, 11f], (a, b) => Math.Abs(a - b) < 1e-3);
    }

    [Fact]
    public void FitPredict_MoreFeaturesThanExamples_MatchesTheNarrowCase()
    {
        // The same one informative feature, padded with 9 constant ones (d = 10 > m = 4): the dual form.
        float[] narrow = [0, 1, 2, 3, 4, 5, 6, 7];
        var wide = new float[10 * 8];
        for (int j = 0; j < 8; j++)
        {
            wide[j * 10] = narrow[j];
            for (int i = 1; i < 10; i++)
            {
                wide[(j * 10) + i] = 5f;
            }
        }

        float[] y = narrow.Select(v => (2 * v) + 1).ToArray();

        var a = LinearProbe.FitPredict(narrow, 1, [0, 2, 4, 6], [1, 7], y, 1, ridge: 1, ComputeBackend.Managed);
        var b = LinearProbe.FitPredict(wide, 10, [0, 2, 4, 6], [1, 7], y, 1, ridge: 1, ComputeBackend.Managed);

        b.Should().Equal(a, (p, q) => Math.Abs(p - q) < 1e-3);
    }
}
