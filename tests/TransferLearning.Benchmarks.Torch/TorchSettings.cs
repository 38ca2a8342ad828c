using System.Globalization;

namespace TransferLearning.Benchmarks.Torch;

// The command line: [--epochs N] [--quick] [--workload W1|W1a|W1i]... [--rows N] [--data DIR].
internal sealed record TorchSettings
{
    public static readonly IReadOnlyList<string> AllWorkloads = ["W1", "W1a", "W1i"];

    public const string Usage =
        "usage: [--epochs N (measured epochs per engine, default 3)] [--quick (1 measured epoch each)] " +
        "[--workload W1|W1a|W1i]... (default: all three) [--rows N (the first N examples, for a check that it runs)] " +
        "[--data DIR (Fashion-MNIST's folder, only there; default: FASHION_MNIST_DIR, else /usr/share/datasets/fashion-mnist)]";

    public int Epochs { get; init; } = 3;

    public IReadOnlyList<string> Workloads { get; init; } = AllWorkloads;

    public int? Rows { get; init; }

    public string? DataDirectory { get; init; }

    // The settings, or null with the reason in error.
    public static TorchSettings? Parse(ReadOnlySpan<string> args, out string? error)
    {
        var settings = new TorchSettings();
        var workloads = new List<string>();
        error = null;
        for (int i = 0; i < args.Length; i++)
        {
            string? value = i + 1 < args.Length ? args[i + 1] : null;
            switch (args[i])
            {
                case "--quick":
                    settings = settings with { Epochs = 1 };
                    continue;
                case "--epochs" when PositiveInt(value) is { } epochs:
                    settings = settings with { Epochs = epochs };
                    break;
                case "--rows" when PositiveInt(value) is { } rows:
                    settings = settings with { Rows = rows };
                    break;
                case "--data" when value is not null:
                    settings = settings with { DataDirectory = value };
                    break;
                case "--workload" when AllWorkloads.FirstOrDefault(w => string.Equals(w, value, StringComparison.OrdinalIgnoreCase)) is { } workload:
                    workloads.Add(workload);
                    break;
                default:
                    error = $"unexpected argument '{args[i]}'{(value is null ? string.Empty : $" (then '{value}')")}";
                    return null;
            }

            i++;
        }

        return workloads.Count > 0 ? settings with { Workloads = workloads.Distinct().ToList() } : settings;
    }

    private static int? PositiveInt(string? text) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int n) && n > 0 ? n : null;
}
