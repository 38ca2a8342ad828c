using System.Diagnostics;
using TransferLearning.Tests.Support;

namespace TransferLearning.Tests.Compute;

public class GemmMicroKernelsGeneratorTests
{
    [SkippableFact]
    public void Generator_Run_WritesTheCommittedKernelsByteForByte()
    {
        string folder = Path.Combine(Repository.Root(), "src", "TransferLearning", "Compute");
        string output = Path.Combine(Path.GetTempPath(), $"GemmMicroKernels.{Environment.ProcessId}.cs");
        try
        {
            Process? process;
            try
            {
                process = Process.Start(new ProcessStartInfo("python3", [Path.Combine(folder, "GemmMicroKernels.py"), output]) { RedirectStandardError = true });
            }
            catch (System.ComponentModel.Win32Exception)
            {
                process = null;
            }

            Skip.If(process is null, "python3 is not installed: the generator cannot run here.");
            string errors = process!.StandardError.ReadToEnd();
            process.WaitForExit();
            process.ExitCode.Should().Be(0, errors);

            File.ReadAllBytes(output).Should().Equal(
                File.ReadAllBytes(Path.Combine(folder, "GemmMicroKernels.cs")),
                "GemmMicroKernels.cs must be what GemmMicroKernels.py writes: change the script, not the generated file");
        }
        finally
        {
            File.Delete(output);
        }
    }
}
