using System.Reflection;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using TransferLearning.Data;

namespace TransferLearning.Tests.Support;

/// <summary>
/// Compiles C# as a new console app that references the package would: top-level statements, the SDK's
/// implicit usings, references to the runtime, TransferLearning and MathNet.Numerics. For README code blocks.
/// </summary>
public static class ConsoleAppCompiler
{
    // What `dotnet new console` turns on with <ImplicitUsings>enable</ImplicitUsings>.
    private const string ImplicitUsings = """
        global using System;
        global using System.Collections.Generic;
        global using System.IO;
        global using System.Linq;
        global using System.Net.Http;
        global using System.Threading;
        global using System.Threading.Tasks;
        """;

    /// <summary>Compiles <paramref name="program"/>; returns the errors (empty when it compiles) and the assembly bytes.</summary>
    /// <param name="program">The program.</param>
    /// <param name="packages">Assemblies of further packages the app references (TransferLearning.MLNet and ML.NET's).</param>
    public static (IReadOnlyList<string> Errors, byte[] Assembly) Compile(string program, params Assembly[] packages)
    {
        var parse = new CSharpParseOptions(LanguageVersion.Latest);
        var trees = new[] { CSharpSyntaxTree.ParseText(ImplicitUsings, parse), CSharpSyntaxTree.ParseText(program, parse) };
        var references = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!)
            .Split(Path.PathSeparator)
            .Concat([typeof(Dataset).Assembly.Location, typeof(MathNet.Numerics.LinearAlgebra.Matrix<float>).Assembly.Location])
            .Concat(packages.Select(a => a.Location))
            .Distinct(StringComparer.Ordinal)
            .Select(path => MetadataReference.CreateFromFile(path));
        var compilation = CSharpCompilation.Create(
            "ReadmeProgram",
            trees,
            references,
            new CSharpCompilationOptions(OutputKind.ConsoleApplication, nullableContextOptions: NullableContextOptions.Enable));
        using var output = new MemoryStream();
        var result = compilation.Emit(output);
        var errors = result.Diagnostics
            .Where(d => d.Severity == DiagnosticSeverity.Error)
            .Select(d => d.ToString())
            .ToList();
        return (errors, output.ToArray());
    }

    /// <summary>
    /// Writes a compiled program into <paramref name="folder"/> as an app <c>dotnet</c> can run in another process:
    /// <c>Program.dll</c>, a runtime config for this process's runtime with <paramref name="switches"/> as
    /// AppContext switches, and the assemblies it references (TransferLearning, MathNet.Numerics and their packages) beside it.
    /// </summary>
    /// <returns>The path of <c>Program.dll</c>.</returns>
    public static string WriteApp(byte[] assembly, string folder, params string[] switches)
    {
        string path = Path.Combine(folder, "Program.dll");
        File.WriteAllBytes(path, assembly);
        // The two and the package assemblies they reference (System.Numerics.Tensors), not the shared framework's.
        string framework = Path.GetDirectoryName(typeof(object).Assembly.Location)!;
        var library = typeof(Dataset).Assembly;
        var assemblies = library.GetReferencedAssemblies().Select(Assembly.Load).Append(library)
            .Append(typeof(MathNet.Numerics.LinearAlgebra.Matrix<float>).Assembly)
            .Where(a => !string.IsNullOrEmpty(a.Location) && Path.GetDirectoryName(a.Location) != framework);
        foreach (var reference in assemblies)
        {
            File.Copy(reference.Location, Path.Combine(folder, Path.GetFileName(reference.Location)), overwrite: true);
        }

        string properties = string.Join(", ", switches.Select(name => $"\"{name}\": true"));
        File.WriteAllText(Path.Combine(folder, "Program.runtimeconfig.json"), $$"""
            { "runtimeOptions": { "tfm": "net10.0", "framework": { "name": "Microsoft.NETCore.App", "version": "{{Environment.Version}}" }, "configProperties": { {{properties}} } } }
            """);
        return path;
    }

    /// <summary>Runs a compiled program's entry point in this process.</summary>
    public static void Run(byte[] assembly)
    {
        var entry = Assembly.Load(assembly).EntryPoint ?? throw new InvalidOperationException("The program has no entry point.");
        object? result = entry.Invoke(null, entry.GetParameters().Length == 0 ? null : [Array.Empty<string>()]);
        if (result is Task task)
        {
            task.GetAwaiter().GetResult();
        }
    }
}
