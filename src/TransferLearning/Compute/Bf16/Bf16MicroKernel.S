# The bfloat16 micro-kernel of ComputeBackend.ManagedBFloat16():
#   C[0..32, 0..8] <- alpha * Ap * Bp            (beta is zero: C is only written)
#   C[0..32, 0..8] <- alpha * Ap * Bp + beta * C (otherwise)
# with float32 sums of bfloat16 products. Written by Bf16MicroKernel.py (edit the script, not this file).
#
# One argument: a pointer to Bf16KernelArgs. The System V entry (bf16_kernel_sysv) moves it from rdi to
# rcx, where the Windows x64 entry (bf16_kernel_win64) receives it:
#   [rcx +  0] Ap: per k pair q, 32 rows x 2 bfloat16 (row i's 32 bits: k = 2q low, k = 2q + 1 high)
#   [rcx +  8] Bp: per k pair q, 8 columns x 2 bfloat16 (the same halves)
#   [rcx + 16] C: column-major, the 32 rows of column j at C + j * ldc
#   [rcx + 24] ldc in bytes
#   [rcx + 32] the number of k pairs (>= 0)
#   [rcx + 40] alpha, [rcx + 44] beta (float32); [rcx + 48] nonzero when beta is zero (int32)
# It touches only registers both conventions let a callee destroy (rax, rcx, rdx, r8-r10, zmm0-zmm3,
# zmm16-zmm31), no stack and no memory but Ap, Bp, C and the arguments.
# vdpbf16ps acc, a, b: per 32-bit lane i, acc[i] += a.lo[i] * b.lo[i] + a.hi[i] * b.hi[i] in float32.
        .intel_syntax noprefix
        .text
        .globl bf16_kernel_sysv
        .globl bf16_kernel_win64
bf16_kernel_sysv:
        mov     rcx, rdi
bf16_kernel_win64:
        mov     rax, qword ptr [rcx]
        mov     rdx, qword ptr [rcx + 8]
        mov     r8, qword ptr [rcx + 16]
        mov     r9, qword ptr [rcx + 24]
        mov     r10, qword ptr [rcx + 32]
        vpxord  zmm16, zmm16, zmm16
        vpxord  zmm17, zmm17, zmm17
        vpxord  zmm18, zmm18, zmm18
        vpxord  zmm19, zmm19, zmm19
        vpxord  zmm20, zmm20, zmm20
        vpxord  zmm21, zmm21, zmm21
        vpxord  zmm22, zmm22, zmm22
        vpxord  zmm23, zmm23, zmm23
        vpxord  zmm24, zmm24, zmm24
        vpxord  zmm25, zmm25, zmm25
        vpxord  zmm26, zmm26, zmm26
        vpxord  zmm27, zmm27, zmm27
        vpxord  zmm28, zmm28, zmm28
        vpxord  zmm29, zmm29, zmm29
        vpxord  zmm30, zmm30, zmm30
        vpxord  zmm31, zmm31, zmm31
        test    r10, r10
        jz      2f
        .p2align 5
1:
        vmovups zmm0, zmmword ptr [rax]
        vmovups zmm1, zmmword ptr [rax + 64]
        vpbroadcastd zmm2, dword ptr [rdx + 0]
        vdpbf16ps zmm16, zmm0, zmm2
        vdpbf16ps zmm17, zmm1, zmm2
        vpbroadcastd zmm3, dword ptr [rdx + 4]
        vdpbf16ps zmm18, zmm0, zmm3
        vdpbf16ps zmm19, zmm1, zmm3
        vpbroadcastd zmm2, dword ptr [rdx + 8]
        vdpbf16ps zmm20, zmm0, zmm2
        vdpbf16ps zmm21, zmm1, zmm2
        vpbroadcastd zmm3, dword ptr [rdx + 12]
        vdpbf16ps zmm22, zmm0, zmm3
        vdpbf16ps zmm23, zmm1, zmm3
        vpbroadcastd zmm2, dword ptr [rdx + 16]
        vdpbf16ps zmm24, zmm0, zmm2
        vdpbf16ps zmm25, zmm1, zmm2
        vpbroadcastd zmm3, dword ptr [rdx + 20]
        vdpbf16ps zmm26, zmm0, zmm3
        vdpbf16ps zmm27, zmm1, zmm3
        vpbroadcastd zmm2, dword ptr [rdx + 24]
        vdpbf16ps zmm28, zmm0, zmm2
        vdpbf16ps zmm29, zmm1, zmm2
        vpbroadcastd zmm3, dword ptr [rdx + 28]
        vdpbf16ps zmm30, zmm0, zmm3
        vdpbf16ps zmm31, zmm1, zmm3
        add     rax, 128
        add     rdx, 32
        dec     r10
        jnz     1b
2:
        vbroadcastss zmm0, dword ptr [rcx + 40]
        cmp     dword ptr [rcx + 48], 0
        jne     3f
        vbroadcastss zmm1, dword ptr [rcx + 44]
        vmulps  zmm16, zmm16, zmm0
        vfmadd231ps zmm16, zmm1, zmmword ptr [r8 + 0]
        vmovups zmmword ptr [r8 + 0], zmm16
        vmulps  zmm17, zmm17, zmm0
        vfmadd231ps zmm17, zmm1, zmmword ptr [r8 + 64]
        vmovups zmmword ptr [r8 + 64], zmm17
        add     r8, r9
        vmulps  zmm18, zmm18, zmm0
        vfmadd231ps zmm18, zmm1, zmmword ptr [r8 + 0]
        vmovups zmmword ptr [r8 + 0], zmm18
        vmulps  zmm19, zmm19, zmm0
        vfmadd231ps zmm19, zmm1, zmmword ptr [r8 + 64]
        vmovups zmmword ptr [r8 + 64], zmm19
        add     r8, r9
        vmulps  zmm20, zmm20, zmm0
        vfmadd231ps zmm20, zmm1, zmmword ptr [r8 + 0]
        vmovups zmmword ptr [r8 + 0], zmm20
        vmulps  zmm21, zmm21, zmm0
        vfmadd231ps zmm21, zmm1, zmmword ptr [r8 + 64]
        vmovups zmmword ptr [r8 + 64], zmm21
        add     r8, r9
        vmulps  zmm22, zmm22, zmm0
        vfmadd231ps zmm22, zmm1, zmmword ptr [r8 + 0]
        vmovups zmmword ptr [r8 + 0], zmm22
        vmulps  zmm23, zmm23, zmm0
        vfmadd231ps zmm23, zmm1, zmmword ptr [r8 + 64]
        vmovups zmmword ptr [r8 + 64], zmm23
        add     r8, r9
        vmulps  zmm24, zmm24, zmm0
        vfmadd231ps zmm24, zmm1, zmmword ptr [r8 + 0]
        vmovups zmmword ptr [r8 + 0], zmm24
        vmulps  zmm25, zmm25, zmm0
        vfmadd231ps zmm25, zmm1, zmmword ptr [r8 + 64]
        vmovups zmmword ptr [r8 + 64], zmm25
        add     r8, r9
        vmulps  zmm26, zmm26, zmm0
        vfmadd231ps zmm26, zmm1, zmmword ptr [r8 + 0]
        vmovups zmmword ptr [r8 + 0], zmm26
        vmulps  zmm27, zmm27, zmm0
        vfmadd231ps zmm27, zmm1, zmmword ptr [r8 + 64]
        vmovups zmmword ptr [r8 + 64], zmm27
        add     r8, r9
        vmulps  zmm28, zmm28, zmm0
        vfmadd231ps zmm28, zmm1, zmmword ptr [r8 + 0]
        vmovups zmmword ptr [r8 + 0], zmm28
        vmulps  zmm29, zmm29, zmm0
        vfmadd231ps zmm29, zmm1, zmmword ptr [r8 + 64]
        vmovups zmmword ptr [r8 + 64], zmm29
        add     r8, r9
        vmulps  zmm30, zmm30, zmm0
        vfmadd231ps zmm30, zmm1, zmmword ptr [r8 + 0]
        vmovups zmmword ptr [r8 + 0], zmm30
        vmulps  zmm31, zmm31, zmm0
        vfmadd231ps zmm31, zmm1, zmmword ptr [r8 + 64]
        vmovups zmmword ptr [r8 + 64], zmm31
        add     r8, r9
        jmp     4f
3:
        vmulps  zmm16, zmm16, zmm0
        vmovups zmmword ptr [r8 + 0], zmm16
        vmulps  zmm17, zmm17, zmm0
        vmovups zmmword ptr [r8 + 64], zmm17
        add     r8, r9
        vmulps  zmm18, zmm18, zmm0
        vmovups zmmword ptr [r8 + 0], zmm18
        vmulps  zmm19, zmm19, zmm0
        vmovups zmmword ptr [r8 + 64], zmm19
        add     r8, r9
        vmulps  zmm20, zmm20, zmm0
        vmovups zmmword ptr [r8 + 0], zmm20
        vmulps  zmm21, zmm21, zmm0
        vmovups zmmword ptr [r8 + 64], zmm21
        add     r8, r9
        vmulps  zmm22, zmm22, zmm0
        vmovups zmmword ptr [r8 + 0], zmm22
        vmulps  zmm23, zmm23, zmm0
        vmovups zmmword ptr [r8 + 64], zmm23
        add     r8, r9
        vmulps  zmm24, zmm24, zmm0
        vmovups zmmword ptr [r8 + 0], zmm24
        vmulps  zmm25, zmm25, zmm0
        vmovups zmmword ptr [r8 + 64], zmm25
        add     r8, r9
        vmulps  zmm26, zmm26, zmm0
        vmovups zmmword ptr [r8 + 0], zmm26
        vmulps  zmm27, zmm27, zmm0
        vmovups zmmword ptr [r8 + 64], zmm27
        add     r8, r9
        vmulps  zmm28, zmm28, zmm0
        vmovups zmmword ptr [r8 + 0], zmm28
        vmulps  zmm29, zmm29, zmm0
        vmovups zmmword ptr [r8 + 64], zmm29
        add     r8, r9
        vmulps  zmm30, zmm30, zmm0
        vmovups zmmword ptr [r8 + 0], zmm30
        vmulps  zmm31, zmm31, zmm0
        vmovups zmmword ptr [r8 + 64], zmm31
        add     r8, r9
4:
        vzeroupper
        ret
