using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace TransferLearning.Benchmarks.Quick;

// This machine's float32 FMA peak: threads each running twelve independent chains of fused multiply-adds (enough
// to cover the latency on every x86 core of the day) at the widest vector .NET uses here (512-bit with AVX-512,
// 256-bit with AVX2 + FMA; AVX-512 turned off, DOTNET_EnableAVX512=0 on .NET 10, measures the 256-bit peak). GFLOP/s, two
// per lane per FMA. A run's float32 floor is its GFLOP ÷ this peak: no engine that does every multiply-add of
// the dense products runs faster.
public static class FmaPeak
{
    private const int Chains = 12;

    // The widest FMA .NET uses here, as a name: "512-bit", "256-bit" or "none".
    public static string Width =>
        Avx512F.IsSupported && Vector512.IsHardwareAccelerated ? "512-bit" : Fma.IsSupported && Vector256.IsHardwareAccelerated ? "256-bit" : "none";

    // GFLOP/s of `threads` threads, each running `rounds` rounds of the twelve chains (about 0.15 s at 50 million on
    // a 3 GHz core; quick mode takes the best of three runs, a shared machine's other tenants lowering the others).
    public static double Measure(int threads, long rounds = 50_000_000)
    {
        int lanes = Width switch { "512-bit" => 16, "256-bit" => 8, _ => 1 };
        var sinks = new float[threads];
        Chains_(1000);   // compiled before the clock starts
        var clock = Stopwatch.StartNew();
        var workers = Enumerable.Range(0, threads).Select(t => new Thread(() => sinks[t] = Chains_(rounds))).ToList();
        workers.ForEach(w => w.Start());
        workers.ForEach(w => w.Join());
        return threads * rounds * Chains * lanes * 2.0 / clock.Elapsed.TotalSeconds / 1e9;
    }

    // The best of `runs` measurements on `threads` threads.
    public static double Best(int threads, int runs = 3) => Enumerable.Range(0, runs).Max(_ => Measure(threads));

    private static float Chains_(long rounds) => Width switch
    {
        "512-bit" => Chains512(rounds),
        "256-bit" => Chains256(rounds),
        _ => ChainsScalar(rounds),
    };

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static float Chains512(long rounds)
    {
        var m = Vector512.Create(0.999999f);
        var c = Vector512.Create(1e-7f);
        Vector512<float> a0 = Vector512.Create(1f), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0;
        Vector512<float> a6 = a0, a7 = a0, a8 = a0, a9 = a0, a10 = a0, a11 = a0;
        for (long i = 0; i < rounds; i++)
        {
            a0 = Avx512F.FusedMultiplyAdd(a0, m, c);
            a1 = Avx512F.FusedMultiplyAdd(a1, m, c);
            a2 = Avx512F.FusedMultiplyAdd(a2, m, c);
            a3 = Avx512F.FusedMultiplyAdd(a3, m, c);
            a4 = Avx512F.FusedMultiplyAdd(a4, m, c);
            a5 = Avx512F.FusedMultiplyAdd(a5, m, c);
            a6 = Avx512F.FusedMultiplyAdd(a6, m, c);
            a7 = Avx512F.FusedMultiplyAdd(a7, m, c);
            a8 = Avx512F.FusedMultiplyAdd(a8, m, c);
            a9 = Avx512F.FusedMultiplyAdd(a9, m, c);
            a10 = Avx512F.FusedMultiplyAdd(a10, m, c);
            a11 = Avx512F.FusedMultiplyAdd(a11, m, c);
        }

        return Vector512.Sum(((a0 + a1) + (a2 + a3)) + ((a4 + a5) + (a6 + a7)) + ((a8 + a9) + (a10 + a11)));
    }

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static float Chains256(long rounds)
    {
        var m = Vector256.Create(0.999999f);
        var c = Vector256.Create(1e-7f);
        Vector256<float> a0 = Vector256.Create(1f), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0;
        Vector256<float> a6 = a0, a7 = a0, a8 = a0, a9 = a0, a10 = a0, a11 = a0;
        for (long i = 0; i < rounds; i++)
        {
            a0 = Fma.MultiplyAdd(a0, m, c);
            a1 = Fma.MultiplyAdd(a1, m, c);
            a2 = Fma.MultiplyAdd(a2, m, c);
            a3 = Fma.MultiplyAdd(a3, m, c);
            a4 = Fma.MultiplyAdd(a4, m, c);
            a5 = Fma.MultiplyAdd(a5, m, c);
            a6 = Fma.MultiplyAdd(a6, m, c);
            a7 = Fma.MultiplyAdd(a7, m, c);
            a8 = Fma.MultiplyAdd(a8, m, c);
            a9 = Fma.MultiplyAdd(a9, m, c);
            a10 = Fma.MultiplyAdd(a10, m, c);
            a11 = Fma.MultiplyAdd(a11, m, c);
        }

        return Vector256.Sum(((a0 + a1) + (a2 + a3)) + ((a4 + a5) + (a6 + a7)) + ((a8 + a9) + (a10 + a11)));
    }

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static float ChainsScalar(long rounds)
    {
        float a0 = 1f, a1 = 1f, a2 = 1f, a3 = 1f;
        for (long i = 0; i < rounds; i++)
        {
            a0 = MathF.FusedMultiplyAdd(a0, 0.999999f, 1e-7f);
            a1 = MathF.FusedMultiplyAdd(a1, 0.999999f, 1e-7f);
            a2 = MathF.FusedMultiplyAdd(a2, 0.999999f, 1e-7f);
            a3 = MathF.FusedMultiplyAdd(a3, 0.999999f, 1e-7f);
        }

        return a0 + a1 + a2 + a3;
    }
}
