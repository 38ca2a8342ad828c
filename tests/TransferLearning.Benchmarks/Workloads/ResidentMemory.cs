using System.Globalization;

namespace TransferLearning.Benchmarks.Workloads;

// The process's resident memory from /proc/self/status (Linux): VmRSS, the whole resident set, and RssAnon, its
// anonymous part — the heap, stacks and arrays, what a job really holds. A memory-mapped file's pages are RssFile:
// the page cache, which the kernel drops under pressure. Sampled by a timer so that a run's peak is caught.
public sealed class ResidentMemory : IDisposable
{
    private readonly Timer _timer;
    private long _peakAnonymous;
    private long _peakResident;

    public ResidentMemory(int periodMilliseconds = 50)
    {
        Sample();
        _timer = new Timer(_ => Sample(), null, periodMilliseconds, periodMilliseconds);
    }

    // Whether /proc/self/status can be read (Linux).
    public static bool IsAvailable => File.Exists("/proc/self/status");

    // The peaks since this sampler started, in bytes.
    public long PeakAnonymous => Interlocked.Read(ref _peakAnonymous);

    public long PeakResident => Interlocked.Read(ref _peakResident);

    // RssAnon and VmRSS now, in bytes (0 where /proc is missing).
    public static (long Anonymous, long Resident) Now()
    {
        if (!IsAvailable)
        {
            return (0, 0);
        }

        long anonymous = 0;
        long resident = 0;
        foreach (var line in File.ReadLines("/proc/self/status"))
        {
            if (line.StartsWith("RssAnon:", StringComparison.Ordinal))
            {
                anonymous = Kilobytes(line) * 1024;
            }
            else if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                resident = Kilobytes(line) * 1024;
            }
        }

        return (anonymous, resident);
    }

    public void Dispose()
    {
        _timer.Dispose();
        Sample();
    }

    private static long Kilobytes(string line) =>
        long.Parse(line.AsSpan(line.IndexOf(':') + 1).Trim().TrimEnd("kB").Trim(), NumberStyles.None, CultureInfo.InvariantCulture);

    private void Sample()
    {
        var (anonymous, resident) = Now();
        Max(ref _peakAnonymous, anonymous);
        Max(ref _peakResident, resident);
    }

    private static void Max(ref long peak, long value)
    {
        long seen;
        while (value > (seen = Interlocked.Read(ref peak)) && Interlocked.CompareExchange(ref peak, value, seen) != seen)
        {
        }
    }
}
