#!/usr/bin/env python3
"""Writes the bfloat16 micro-kernel: Bf16MicroKernel.S (GNU as, x86-64, Intel syntax) and Bf16MicroKernel.Code.cs,
the bytes that `as` assembles it into, next to this script.

.NET 10 has no intrinsic for AVX512_BF16's VDPBF16PS, so the kernel is machine code that Bf16MicroKernel.cs copies
into an executable page at run time (as oneDNN's JIT does). Change the kernel here, run
`python3 Bf16MicroKernel.py` (needs binutils: `as`, `objcopy`), and commit the three files;
Bf16MicroKernelGeneratorTests checks that the committed files are what this script writes.

Usage: Bf16MicroKernel.py [OUTPUT_DIR]   (default: the script's folder)
"""
import os
import subprocess
import sys
import tempfile

MR = 32  # rows of C per tile: two zmm registers of 16 float32 sums
NR = 8   # columns of C per tile: 16 accumulators in zmm16-zmm31


def assembly():
    acc = lambda j, h: 16 + (2 * j) + h
    out = [
        "# The bfloat16 micro-kernel of ComputeBackend.ManagedBFloat16():",
        f"#   C[0..{MR}, 0..{NR}] <- alpha * Ap * Bp            (beta is zero: C is only written)",
        f"#   C[0..{MR}, 0..{NR}] <- alpha * Ap * Bp + beta * C (otherwise)",
        "# with float32 sums of bfloat16 products. Written by Bf16MicroKernel.py (edit the script, not this file).",
        "#",
        "# One argument: a pointer to Bf16KernelArgs. The System V entry (bf16_kernel_sysv) moves it from rdi to",
        "# rcx, where the Windows x64 entry (bf16_kernel_win64) receives it:",
        f"#   [rcx +  0] Ap: per k pair q, {MR} rows x 2 bfloat16 (row i's 32 bits: k = 2q low, k = 2q + 1 high)",
        f"#   [rcx +  8] Bp: per k pair q, {NR} columns x 2 bfloat16 (the same halves)",
        f"#   [rcx + 16] C: column-major, the {MR} rows of column j at C + j * ldc",
        "#   [rcx + 24] ldc in bytes",
        "#   [rcx + 32] the number of k pairs (>= 0)",
        "#   [rcx + 40] alpha, [rcx + 44] beta (float32); [rcx + 48] nonzero when beta is zero (int32)",
        "# It touches only registers both conventions let a callee destroy (rax, rcx, rdx, r8-r10, zmm0-zmm3,",
        "# zmm16-zmm31), no stack and no memory but Ap, Bp, C and the arguments.",
        "# vdpbf16ps acc, a, b: per 32-bit lane i, acc[i] += a.lo[i] * b.lo[i] + a.hi[i] * b.hi[i] in float32.",
        "        .intel_syntax noprefix",
        "        .text",
        "        .globl bf16_kernel_sysv",
        "        .globl bf16_kernel_win64",
        "bf16_kernel_sysv:",
        "        mov     rcx, rdi",
        "bf16_kernel_win64:",
        "        mov     rax, qword ptr [rcx]",
        "        mov     rdx, qword ptr [rcx + 8]",
        "        mov     r8, qword ptr [rcx + 16]",
        "        mov     r9, qword ptr [rcx + 24]",
        "        mov     r10, qword ptr [rcx + 32]",
    ]
    for j in range(NR):
        for h in range(2):
            r = acc(j, h)
            out.append(f"        vpxord  zmm{r}, zmm{r}, zmm{r}")
    out += ["        test    r10, r10", "        jz      2f", "        .p2align 5", "1:",
            "        vmovups zmm0, zmmword ptr [rax]",
            "        vmovups zmm1, zmmword ptr [rax + 64]"]
    for j in range(NR):
        b = 2 + (j % 2)
        out.append(f"        vpbroadcastd zmm{b}, dword ptr [rdx + {4 * j}]")
        out.append(f"        vdpbf16ps zmm{acc(j, 0)}, zmm0, zmm{b}")
        out.append(f"        vdpbf16ps zmm{acc(j, 1)}, zmm1, zmm{b}")
    out += [f"        add     rax, {4 * MR}", f"        add     rdx, {4 * NR}",
            "        dec     r10", "        jnz     1b",
            "2:",
            "        vbroadcastss zmm0, dword ptr [rcx + 40]",
            "        cmp     dword ptr [rcx + 48], 0",
            "        jne     3f",
            "        vbroadcastss zmm1, dword ptr [rcx + 44]"]
    for j in range(NR):
        for h in range(2):
            r = acc(j, h)
            out.append(f"        vmulps  zmm{r}, zmm{r}, zmm0")
            out.append(f"        vfmadd231ps zmm{r}, zmm1, zmmword ptr [r8 + {64 * h}]")
            out.append(f"        vmovups zmmword ptr [r8 + {64 * h}], zmm{r}")
        out.append("        add     r8, r9")
    out += ["        jmp     4f", "3:"]
    for j in range(NR):
        for h in range(2):
            r = acc(j, h)
            out.append(f"        vmulps  zmm{r}, zmm{r}, zmm0")
            out.append(f"        vmovups zmmword ptr [r8 + {64 * h}], zmm{r}")
        out.append("        add     r8, r9")
    out += ["4:", "        vzeroupper", "        ret", ""]
    return "\n".join(out)


def assemble(source):
    with tempfile.TemporaryDirectory() as tmp:
        s, o, b = (os.path.join(tmp, "k" + ext) for ext in (".S", ".o", ".bin"))
        with open(s, "w") as f:
            f.write(source)
        subprocess.run(["as", "--64", "-o", o, s], check=True)
        subprocess.run(["objcopy", "-O", "binary", "-j", ".text", o, b], check=True)
        symbols = subprocess.run(["nm", o], check=True, capture_output=True, text=True).stdout
        with open(b, "rb") as f:
            code = f.read()
    offsets = {}
    for line in symbols.splitlines():
        parts = line.split()
        if len(parts) == 3:
            offsets[parts[2]] = int(parts[0], 16)
    return code, offsets["bf16_kernel_sysv"], offsets["bf16_kernel_win64"]


def csharp(code, sysv, win64):
    rows = []
    for i in range(0, len(code), 16):
        rows.append("        " + " ".join(f"0x{x:02X}," for x in code[i:i + 16]))
    return "\n".join([
        "namespace TransferLearning.Compute.Bf16;",
        "",
        "// The machine code of Bf16MicroKernel.S, as GNU as assembles it. Written by Bf16MicroKernel.py: edit the script,",
        "// not this file.",
        "internal static partial class Bf16MicroKernel",
        "{",
        f"    public const int Mr = {MR};",
        "",
        f"    public const int Nr = {NR};",
        "",
        f"    private const int SysVEntry = {sysv};",
        "",
        f"    private const int Win64Entry = {win64};",
        "",
        "    private static ReadOnlySpan<byte> Code =>",
        "    [",
        *rows,
        "    ];",
        "}",
        "",
    ])


def main():
    folder = sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(os.path.abspath(__file__))
    source = assembly()
    code, sysv, win64 = assemble(source)
    with open(os.path.join(folder, "Bf16MicroKernel.S"), "w") as f:
        f.write(source)
    with open(os.path.join(folder, "Bf16MicroKernel.Code.cs"), "w") as f:
        f.write(csharp(code, sysv, win64))


if __name__ == "__main__":
    main()
