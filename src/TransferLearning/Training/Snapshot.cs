using TransferLearning.Networks;

namespace TransferLearning.Training;

/// <summary>Copies parameter values to and from saved arrays (checkpoints, best weights).</summary>
internal static class Snapshot
{
    public static void Copy(Parameter[] from, float[][] to)
    {
        for (int i = 0; i < from.Length; i++)
        {
            from[i].Values.CopyTo(to[i]);
        }
    }

    public static void Copy(float[][] from, Parameter[] to)
    {
        for (int i = 0; i < to.Length; i++)
        {
            from[i].CopyTo(to[i].Data, 0);
            to[i].MarkChanged();
        }
    }
}
