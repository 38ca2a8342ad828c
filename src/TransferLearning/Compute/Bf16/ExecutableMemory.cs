using System.ComponentModel;
using System.Runtime.InteropServices;

namespace TransferLearning.Compute.Bf16;

// A read-and-execute copy of some machine code, for the life of the process: mapped writable, filled, then made
// read-and-execute (never writable and executable at once).
internal static unsafe partial class ExecutableMemory
{
    public static nint Create(ReadOnlySpan<byte> code)
    {
        nuint size = (nuint)((code.Length + 4095) & ~4095);
        if (OperatingSystem.IsWindows())
        {
            nint page = VirtualAlloc(0, size, MemCommit | MemReserve, PageReadWrite);
            if (page == 0)
            {
                throw new PlatformNotSupportedException($"Could not allocate a page for the bfloat16 kernel: {new Win32Exception(Marshal.GetLastPInvokeError()).Message}.");
            }

            code.CopyTo(new Span<byte>((void*)page, code.Length));
            if (!VirtualProtect(page, size, PageExecuteRead, out _))
            {
                string error = new Win32Exception(Marshal.GetLastPInvokeError()).Message;
                VirtualFree(page, 0, MemRelease);
                throw new PlatformNotSupportedException($"Could not make the bfloat16 kernel's page executable: {error}.");
            }

            return page;
        }

        nint mapped = Mmap(0, size, ProtRead | ProtWrite, MapPrivate | MapAnonymous, -1, 0);
        if (mapped == -1)
        {
            throw new PlatformNotSupportedException($"Could not map a page for the bfloat16 kernel (mmap: errno {Marshal.GetLastPInvokeError()}).");
        }

        code.CopyTo(new Span<byte>((void*)mapped, code.Length));
        if (Mprotect(mapped, size, ProtRead | ProtExec) != 0)
        {
            int errno = Marshal.GetLastPInvokeError();
            Munmap(mapped, size);
            throw new PlatformNotSupportedException($"Could not make the bfloat16 kernel's page executable (mprotect: errno {errno}); a policy that forbids executable memory (SELinux execmem) does this.");
        }

        return mapped;
    }

    private const int ProtRead = 1;
    private const int ProtWrite = 2;
    private const int ProtExec = 4;
    private const int MapPrivate = 0x02;
    private const int MapAnonymous = 0x20;
    private const uint MemCommit = 0x1000;
    private const uint MemReserve = 0x2000;
    private const uint PageReadWrite = 0x04;
    private const uint PageExecuteRead = 0x20;
    private const uint MemRelease = 0x8000;

    [LibraryImport("libc", EntryPoint = "mmap", SetLastError = true)]
    private static partial nint Mmap(nint address, nuint length, int protection, int flags, int fd, nint offset);

    [LibraryImport("libc", EntryPoint = "mprotect", SetLastError = true)]
    private static partial int Mprotect(nint address, nuint length, int protection);

    [LibraryImport("libc", EntryPoint = "munmap", SetLastError = true)]
    private static partial int Munmap(nint address, nuint length);

    [LibraryImport("kernel32", SetLastError = true)]
    [return: MarshalAs(UnmanagedType.Bool)]
    private static partial bool VirtualFree(nint address, nuint size, uint freeType);

    [LibraryImport("kernel32", SetLastError = true)]
    private static partial nint VirtualAlloc(nint address, nuint size, uint allocationType, uint protection);

    [LibraryImport("kernel32", SetLastError = true)]
    [return: MarshalAs(UnmanagedType.Bool)]
    private static partial bool VirtualProtect(nint address, nuint size, uint newProtection, out uint oldProtection);
}
