using System.Globalization;

namespace TransferLearning.Benchmarks.Workloads;

// The CPU a run measured, for any absolute figure quoted (DESIGN.md §7): /proc/cpuinfo's model name and the core count.
public static class MachineInfo
{
    public static string Cpu()
    {
        string model = File.Exists("/proc/cpuinfo")
            ? File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "unknown CPU"
            : "unknown CPU";
        return string.Create(CultureInfo.InvariantCulture, $"{model}, {Environment.ProcessorCount} cores");
    }
}
