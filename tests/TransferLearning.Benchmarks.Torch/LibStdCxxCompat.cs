using System.Buffers.Binary;
using System.Text;

namespace TransferLearning.Benchmarks.Torch;

// TorchSharp 0.107.0's libLibTorchSharp.so was built with GCC 13, whose <iostream> leaves an undefined reference to
// std::ios_base_library_init() tagged GLIBCXX_3.4.32, only to pull in GCC 13's libstdc++: a link anchor that no code
// calls (the library has no relocation against it). Debian 12's libstdc++ (GCC 12) stops at GLIBCXX_3.4.30, so the
// loader refuses the library ("version `GLIBCXX_3.4.32' not found") although nothing in it needs the newer one.
// Where the system's libstdc++ lacks that version, this marks the requirement weak (VER_FLG_WEAK in the library's
// .gnu.version_r, the ELF way to say "use it if present") in the copy under this program's bin folder — never in
// the NuGet cache. libtorch itself (GCC 11, GLIBCXX ≤ 3.4.29) loads as shipped.
internal static class LibStdCxxCompat
{
    private const string Version = "GLIBCXX_3.4.32";
    private const uint VerNeedSection = 0x6ffffffe;   // SHT_GNU_verneed
    private const ushort WeakFlag = 0x2;               // VER_FLG_WEAK

    private static readonly string[] SystemLibraries =
        ["/lib/x86_64-linux-gnu/libstdc++.so.6", "/usr/lib/x86_64-linux-gnu/libstdc++.so.6", "/usr/lib64/libstdc++.so.6", "/usr/lib/libstdc++.so.6"];

    // Returns a line for the output when it changed the library, else null.
    public static string? Apply()
    {
        string library = Path.Combine(AppContext.BaseDirectory, "runtimes", "linux-x64", "native", "libLibTorchSharp.so");
        if (!OperatingSystem.IsLinux() || !File.Exists(library) || SystemLibraries.Any(HasVersion))
        {
            return null;
        }

        byte[] elf = File.ReadAllBytes(library);
        int? flags = FindRequirementFlags(elf);
        if (flags is not { } at || (BinaryPrimitives.ReadUInt16LittleEndian(elf.AsSpan(at)) & WeakFlag) != 0)
        {
            return null;
        }

        BinaryPrimitives.WriteUInt16LittleEndian(elf.AsSpan(at), (ushort)(BinaryPrimitives.ReadUInt16LittleEndian(elf.AsSpan(at)) | WeakFlag));
        File.WriteAllBytes(library, elf);
        return $"note: this system's libstdc++ lacks {Version}, which TorchSharp's libLibTorchSharp.so names for a symbol it never uses; marked that requirement weak in {library}.";
    }

    private static bool HasVersion(string path) =>
        File.Exists(path) && File.ReadAllBytes(path).AsSpan().IndexOf(Encoding.ASCII.GetBytes(Version + "\0")) >= 0;

    // The offset of vna_flags of the Version requirement in an ELF64 little-endian file, or null.
    private static int? FindRequirementFlags(byte[] elf)
    {
        var span = elf.AsSpan();
        if (elf.Length < 64 || elf[0] != 0x7f || elf[1] != (byte)'E' || elf[4] != 2 || elf[5] != 1)
        {
            return null;
        }

        int sectionTable = (int)BinaryPrimitives.ReadUInt64LittleEndian(span[0x28..]);
        int entrySize = BinaryPrimitives.ReadUInt16LittleEndian(span[0x3A..]);
        int sections = BinaryPrimitives.ReadUInt16LittleEndian(span[0x3C..]);
        for (int s = 0; s < sections; s++)
        {
            var header = span[(sectionTable + (s * entrySize))..];
            if (BinaryPrimitives.ReadUInt32LittleEndian(header[4..]) != VerNeedSection)
            {
                continue;
            }

            int strings = (int)BinaryPrimitives.ReadUInt64LittleEndian(span[(sectionTable + ((int)BinaryPrimitives.ReadUInt32LittleEndian(header[40..]) * entrySize) + 24)..]);
            int need = (int)BinaryPrimitives.ReadUInt64LittleEndian(header[24..]);
            while (true)
            {
                int count = BinaryPrimitives.ReadUInt16LittleEndian(span[(need + 2)..]);
                int aux = need + (int)BinaryPrimitives.ReadUInt32LittleEndian(span[(need + 8)..]);
                for (int a = 0; a < count; a++)
                {
                    int name = strings + (int)BinaryPrimitives.ReadUInt32LittleEndian(span[(aux + 8)..]);
                    if (span[name..].StartsWith(Encoding.ASCII.GetBytes(Version + "\0")))
                    {
                        return aux + 4;
                    }

                    aux += (int)BinaryPrimitives.ReadUInt32LittleEndian(span[(aux + 12)..]);
                }

                uint next = BinaryPrimitives.ReadUInt32LittleEndian(span[(need + 12)..]);
                if (next == 0)
                {
                    return null;
                }

                need += (int)next;
            }
        }

        return null;
    }
}
