using System.Diagnostics;
using System.Globalization;

namespace TransferLearning.Tests.Support;

/// <summary>Runs another program (Python for fixtures and cross-checks, <c>dotnet</c> for a second process) and collects its output.</summary>
internal static class ExternalProcess
{
    /// <summary>Debian's Python, which has python3-torch, python3-onnx and python3-sklearn when they are installed (a pyenv python3 on PATH may not).</summary>
    public const string Python = "/usr/bin/python3";

    /// <summary>Runs <paramref name="program"/> with <paramref name="arguments"/>; returns its exit code and its standard output and error.</summary>
    public static (int ExitCode, string Output, string Error) Run(string program, params string[] arguments) =>
        Run(program, new Dictionary<string, string>(), arguments);

    /// <summary>As <see cref="Run(string, string[])"/>, with <paramref name="environment"/> added to this process's environment variables.</summary>
    public static (int ExitCode, string Output, string Error) Run(string program, IReadOnlyDictionary<string, string> environment, params string[] arguments)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        string error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, output.Result, error);
    }

    /// <summary>Runs Debian's Python; returns its standard output, or throws <see cref="InvalidOperationException"/> with its error when it fails.</summary>
    public static string RunPython(params string[] arguments)
    {
        var (exitCode, output, error) = Run(Python, arguments);
        return exitCode == 0
            ? output
            : throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture, $"python3 exited with {exitCode}: {error}"));
    }

    /// <summary>Whether Debian's Python is installed and can import <paramref name="module"/>.</summary>
    public static bool PythonHas(string module) =>
        File.Exists(Python) && Run(Python, "-c", "import " + module).ExitCode == 0;

    /// <summary>Runs a .NET app in a new process with the <c>dotnet</c> host that runs the tests.</summary>
    public static (int ExitCode, string Output, string Error) RunDotnet(params string[] arguments) =>
        RunDotnet(new Dictionary<string, string>(), arguments);

    /// <summary>As <see cref="RunDotnet(string[])"/>, with <paramref name="environment"/> added (such as <c>DOTNET_EnableAVX512=0</c>).</summary>
    public static (int ExitCode, string Output, string Error) RunDotnet(IReadOnlyDictionary<string, string> environment, params string[] arguments) =>
        Run(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet", environment, arguments);
}
