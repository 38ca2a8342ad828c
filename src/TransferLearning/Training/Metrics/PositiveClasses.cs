using TransferLearning.Data;

namespace TransferLearning.Training.Metrics;

/// <summary>The check shared by the metrics of one positive class.</summary>
internal static class PositiveClasses
{
    /// <summary>Throws unless <paramref name="data"/>'s classes include <paramref name="positiveClass"/>.</summary>
    public static void EnsureHas(Dataset data, int positiveClass, string metric, string paramName)
    {
        if (positiveClass >= data.ClassCount)
        {
            throw new ArgumentException(
                Invariant.F($"Expected a data set with class {positiveClass} (the positive class of {metric}), classes in [0, {positiveClass + 1}) or more, but it has {data.ClassCount} classes."),
                paramName);
        }
    }
}
