using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.X86;

namespace TransferLearning.Compute.Bf16;

// The arguments of one call of the machine-code kernel (Bf16MicroKernel.S documents the offsets).
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct Bf16KernelArgs
{
    public ushort* A;
    public ushort* B;
    public float* C;
    public nint LdcBytes;
    public nint Pairs;
    public float Alpha;
    public float Beta;
    public int BetaIsZero;
}

// The bfloat16 micro-kernel: C[0..Mr, 0..Nr] ← alpha·Ap·Bp + beta·C with float32 sums of bfloat16 products
// (VDPBF16PS), where Ap and Bp are k-pair-major panels (Bf16Packing). .NET 10 has no intrinsic for AVX512_BF16, so the
// kernel is the machine code of Bf16MicroKernel.S, copied once per process into a read-and-execute page.
internal static unsafe partial class Bf16MicroKernel
{
    // The kernel's System V or Windows entry in its read-and-execute page (0 when it cannot run here), and why not.
    private static readonly (nint Entry, string? Unsupported) Loaded = Load();

    /// <summary>Gets why the kernel cannot run here, or <see langword="null"/> when it can (its page is then loaded).</summary>
    public static string? Unsupported => Loaded.Unsupported;

    public static bool IsSupported => Loaded.Unsupported is null;

    // CPUID leaf 7, sub-leaf 1, EAX bit 5: AVX512_BF16.
    internal static bool CpuHasAvx512Bf16() =>
        X86Base.IsSupported && X86Base.CpuId(0, 0).Eax >= 7 && (X86Base.CpuId(7, 1).Eax & (1 << 5)) != 0;

    // Runs the kernel on one whole tile.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Run(Bf16KernelArgs* args) =>
        ((delegate* unmanaged[SuppressGCTransition]<Bf16KernelArgs*, void>)Loaded.Entry)(args);

    // The CPU and OS first, then the page itself: an OS that refuses executable memory (SELinux deny_execmem, PaX)
    // makes the kernel unsupported here, not a failure in the middle of training.
    private static (nint Entry, string? Unsupported) Load()
    {
        string? reason = FindUnsupported(
            RuntimeInformation.ProcessArchitecture,
            OperatingSystem.IsLinux() || OperatingSystem.IsWindows(),
            Avx512F.IsSupported && Avx512BW.IsSupported && Fma.IsSupported,
            CpuHasAvx512Bf16());
        if (reason is not null)
        {
            return (0, reason);
        }

        try
        {
            nint page = ExecutableMemory.Create(Code);
            return (page + (OperatingSystem.IsWindows() ? Win64Entry : SysVEntry), null);
        }
        catch (Exception e) when (e is PlatformNotSupportedException or DllNotFoundException or EntryPointNotFoundException)
        {
            return (0, $"the OS refused an executable page for the kernel ({e.Message})");
        }
    }

    // The first reason, of the facts given, why the kernel cannot run; null when it can.
    internal static string? FindUnsupported(Architecture architecture, bool linuxOrWindows, bool avx512, bool avx512Bf16)
    {
        if (architecture != Architecture.X64)
        {
            return $"the process runs on {architecture}, not x64";
        }

        if (!linuxOrWindows)
        {
            return $"the OS is {RuntimeInformation.OSDescription}, and the bfloat16 kernel runs on Linux and Windows only";
        }

        if (!avx512)
        {
            return "AVX-512 (F and BW, with FMA) is not available to .NET: the CPU lacks it, the OS does not enable it, or DOTNET_EnableAVX512=0 is set";
        }

        if (!avx512Bf16)
        {
            return "the CPU does not report AVX512_BF16 (CPUID leaf 7, sub-leaf 1, EAX bit 5)";
        }

        return null;
    }
}
