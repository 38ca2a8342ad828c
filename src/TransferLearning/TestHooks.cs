using System.Runtime.CompilerServices;

namespace TransferLearning;

/// <summary>
/// Counters that let the tests see what ran (how often a layer was run, how many parts the worker pool took),
/// kept out of the work itself: each is behind <see cref="Enabled"/>, a <see langword="static readonly"/> flag that
/// the JIT reads as a constant once this class is initialised, so in an application (where it is false) the
/// counting code is dropped from the compiled hot paths.
/// </summary>
/// <remarks>
/// The test project turns it on with the runtime switch <c>TransferLearning.TestHooks</c>
/// (<c>RuntimeHostConfigurationOption</c> in its project file), read once when this class is first used.
/// </remarks>
internal static class TestHooks
{
    /// <summary>Whether the counters count (only in the test process).</summary>
    public static readonly bool Enabled = AppContext.TryGetSwitch("TransferLearning.TestHooks", out bool on) && on;

    /// <summary>Counts one pass of every layer in <c>[first, end)</c> of <paramref name="layers"/> (a training forward pass or one inference run).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void CountPasses(IReadOnlyList<object> layers, int first, int end)
    {
        if (Enabled)
        {
            Passes.Count(layers, first, end);
        }
    }

    /// <summary>The passes counted for <paramref name="layer"/> (0 unless <see cref="Enabled"/>).</summary>
    public static int PassesOf(object layer) => Passes.Of(layer);

    /// <summary>The counts, per object, created only when a count is first read or taken.</summary>
    private static class Passes
    {
        private static readonly ConditionalWeakTable<object, StrongBox<int>> Counts = new();

        public static void Count(IReadOnlyList<object> layers, int first, int end)
        {
            for (int l = first; l < end; l++)
            {
                Count(layers[l]);
            }
        }

        public static void Count(object layer) => Interlocked.Increment(ref Counts.GetValue(layer, _ => new StrongBox<int>()).Value);

        public static int Of(object layer) => Counts.TryGetValue(layer, out var box) ? Volatile.Read(ref box.Value) : 0;
    }
}
