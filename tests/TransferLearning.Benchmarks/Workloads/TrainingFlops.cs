namespace TransferLearning.Benchmarks.Workloads;

// The float32 GFLOP of a training epoch of a dense network, counted as the benchmarks count a product (2·M·N·K, two
// per multiply-add): per example, every computed layer's forward product W·A, every trained layer's weight gradient
// dZ·Aᵀ, and the input gradient Wᵀ·dZ of every trained layer above the lowest one that trains (nothing is passed
// below it). Element-wise work (bias, activations, loss, optimiser) is not counted: the floor is the products'.
// 784-512-256-10, all trained: 2·(2·535,040 + 133,632) = 2,407,424 FLOP per example, 144.4 GFLOP per 60,000.
public static class TrainingFlops
{
    // sizes: n[0] (inputs) .. n[L]; firstTrained: the index (0-based) of the lowest dense layer that trains;
    // firstComputed: of the lowest layer computed (above it, cached features).
    public static double EpochGflop(IReadOnlyList<int> sizes, int firstTrained, int examples, int firstComputed = 0)
    {
        double perExample = 0;
        for (int layer = firstComputed; layer < sizes.Count - 1; layer++)
        {
            double multiplyAdds = (double)sizes[layer + 1] * sizes[layer];
            perExample += multiplyAdds;   // forward
            if (layer >= firstTrained)
            {
                perExample += multiplyAdds;   // weight gradient
            }

            if (layer > firstTrained)
            {
                perExample += multiplyAdds;   // input gradient
            }
        }

        return 2 * perExample * examples / 1e9;
    }
}
