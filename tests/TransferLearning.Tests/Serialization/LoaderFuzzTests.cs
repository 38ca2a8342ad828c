using System.Buffers.Binary;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using MathNet.Numerics.Random;
using TransferLearning.Networks;
using TransferLearning.Serialization;
using TransferLearning.Tests.Support;
using Xunit.Abstractions;

namespace TransferLearning.Tests.Serialization;

/// <summary>
/// Seeded fuzzing of the loader: mutated and truncated model files either load (into a network whose every
/// weight is finite) or throw <see cref="ModelFormatException"/> naming the file — never another exception,
/// never a hang, and never more allocation than a bound proportional to the file.
/// </summary>
public class LoaderFuzzTests(ITestOutputHelper output)
{
    private const string FileName = "model.safetensors";

    private static readonly string[] DTypes = ["F32", "F64", "F16", "BF16", "I64", "U8", "BOOL", "F8_E4M3", "f32", "", "F3\u00e92"];

    /// <summary>The fast tier's share: the first 2,000 files of the same seeded stream (every mutation kind, about half a second).</summary>
    [Fact]
    public void Load_TwoThousandMutatedFiles_EachLoadsOrThrowsTheDocumentedExceptionWithinTheAllocationBound() => Fuzz(2_000);

    /// <summary>The whole run, 12,000 files (about 4 s on 2 cores): the slow tier's.</summary>
    [Fact]
    [Trait("Category", "Slow")]
    public void Load_TwelveThousandMutatedFiles_EachLoadsOrThrowsTheDocumentedExceptionWithinTheAllocationBound() => Fuzz(12_000);

    private void Fuzz(int files)
    {
        var network = Network.Create(3, seed: 2).Dense(4, Activation.ReLU).BatchNorm().Dropout(0.2f).Dense(3, Activation.LeakyReLU(0.05f)).Dense(2, Activation.Softmax);
        network.Layers[0].Freeze();
        network.Layers[2].Freeze();
        var valid = SafeTensorsBytes.Of(network);
        var random = new Xoshiro256StarStar(20261128);
        var problems = new HashSet<string>(StringComparer.Ordinal);
        int loaded = 0;
        long worstAllocation = 0;
        var clock = Stopwatch.StartNew();

        for (int i = 0; i < files; i++)
        {
            var file = Mutate(valid, random, i % Mutations);
            long bound = (256 * 1024) + (32L * file.Length);
            long before = GC.GetAllocatedBytesForCurrentThread();
            try
            {
                var result = SafeTensorsBytes.Load(file);
                loaded++;
                result.Parameters.SelectMany(p => p.Values.ToArray()).Should().OnlyContain(v => float.IsFinite(v));
            }
            catch (ModelFormatException e)
            {
                e.FilePath.Should().Be(FileName);
                e.Message.Should().StartWith($"Cannot load '{FileName}': ");
                problems.Add(Kind(e.Problem));
            }
            catch (Exception e)
            {
                throw new InvalidOperationException($"File {i} (mutation {i % Mutations}) threw {e.GetType().Name}: {e.Message}. Bytes: {Convert.ToBase64String(file)}", e);
            }

            long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            worstAllocation = Math.Max(worstAllocation, allocated);
            allocated.Should().BeLessThanOrEqualTo(bound, "file {0} (mutation {1}, {2} bytes) must not allocate more than the bound", i, i % Mutations, file.Length);
        }

        output.WriteLine($"{files} files: {loaded} loaded, {files - loaded} rejected, {problems.Count} kinds of problem, worst allocation {worstAllocation:N0} bytes, {clock.Elapsed.TotalSeconds:F1} s.");
        output.WriteLine(string.Join(Environment.NewLine, problems.Order(StringComparer.Ordinal)));
        clock.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(60), "no file may make the loader hang");
        loaded.Should().BeGreaterThan(0, "some mutations (a flipped weight bit, a changed frozen flag) leave a loadable file");
        (files - loaded).Should().BeGreaterThan(files / 2, "most mutations break the file");
        problems.Count.Should().BeGreaterThanOrEqualTo(20, "the mutations reach many different checks: {0}", string.Join(" | ", problems));
    }

    private const int Mutations = 11;

    private static byte[] Mutate(byte[] valid, Random random, int kind)
    {
        int headerLength = (int)BinaryPrimitives.ReadUInt64LittleEndian(valid);
        string header = Encoding.UTF8.GetString(valid, 8, headerLength);
        var data = valid[(8 + headerLength)..];
        switch (kind)
        {
            case 0:   // flip 1–4 random bits anywhere
            {
                var file = (byte[])valid.Clone();
                for (int k = random.Next(1, 5); k > 0; k--)
                {
                    file[random.Next(file.Length)] ^= (byte)(1 << random.Next(8));
                }

                return file;
            }

            case 1:   // truncate
                return valid[..random.Next(valid.Length)];

            case 2:   // huge, negative, short or long header lengths
            {
                var file = (byte[])valid.Clone();
                ulong[] lengths = [ulong.MaxValue, 1UL << 63, (ulong)random.NextInt64(), 100_000_001, (ulong)random.Next(0, valid.Length + 16), (ulong)(headerLength + random.Next(-8, 9))];
                BinaryPrimitives.WriteUInt64LittleEndian(file, lengths[random.Next(lengths.Length)]);
                return file;
            }

            case 3:   // change a digit of the header (offsets, shapes, sizes, version, flags' neighbours)
            {
                var digits = Enumerable.Range(0, header.Length).Where(k => char.IsAsciiDigit(header[k])).ToArray();
                var chars = header.ToCharArray();
                chars[digits[random.Next(digits.Length)]] = (char)('0' + random.Next(10));
                return SafeTensorsBytes.Make(Encoding.UTF8.GetBytes(new string(chars)), data);
            }

            case 4:   // another dtype
                return SafeTensorsBytes.Make(Encoding.UTF8.GetBytes(ReplaceNth(header, "\"F32\"", $"\"{DTypes[random.Next(DTypes.Length)]}\"", random)), data);

            case 5:   // duplicate a key
            {
                int at = NthIndex(header, "\"layers.", random);
                int end = header.IndexOf(':', at);
                string key = header[at..end];
                return SafeTensorsBytes.Make(Encoding.UTF8.GetBytes(header.Insert(1, $"{key}:\"x\",")), data);
            }

            case 6:   // NaN, ±∞ or a huge value in the payload
            {
                var file = (byte[])valid.Clone();
                float[] values = [float.NaN, float.PositiveInfinity, float.NegativeInfinity, float.MaxValue, -0f];
                int index = 8 + headerLength + (4 * random.Next(data.Length / 4));
                BinaryPrimitives.WriteSingleLittleEndian(file.AsSpan(index), values[random.Next(values.Length)]);
                return file;
            }

            case 7:   // deep JSON nesting, in the header or in a metadata value's place
            {
                int depth = random.Next(1, 20_000);
                string nest = new string('[', depth) + new string(']', depth);
                string mutated = random.Next(2) == 0 ? header.Insert(1, $"\"deep\":{nest},") : ReplaceNth(header, "\"false\"", nest, random);
                return SafeTensorsBytes.Make(Encoding.UTF8.GetBytes(mutated), data);
            }

            case 8:   // bytes added or removed at the end
            {
                int change = random.Next(-12, 13);
                return change >= 0 ? [.. valid, .. new byte[change]] : valid[..^(-change)];
            }

            case 9:   // a tensor's range moved as a whole: overlaps, gaps, ranges past the end
            {
                var ranges = Regex.Matches(header, @"\[(\d+),(\d+)\]");
                var range = ranges[random.Next(ranges.Count)];
                long shift = 4L * random.Next(-6, 7);
                string moved = string.Create(CultureInfo.InvariantCulture, $"[{long.Parse(range.Groups[1].Value, CultureInfo.InvariantCulture) + shift},{long.Parse(range.Groups[2].Value, CultureInfo.InvariantCulture) + shift}]");
                return SafeTensorsBytes.Make(Encoding.UTF8.GetBytes(string.Concat(header.AsSpan(0, range.Index), moved, header.AsSpan(range.Index + range.Length))), data);
            }

            default:  // metadata values replaced
            {
                string[] values = ["\"0\"", "\"-1\"", "\"2\"", "\"999999999\"", "\"1e9\"", "\"Softmax\"", "\"true\"", "\"\"", "\"NaN\"", "\"LeakyReLU(2)\"", "\"dropout\"", "null", "{}"];
                return SafeTensorsBytes.Make(Encoding.UTF8.GetBytes(ReplaceNth(header, ":\"", ":" + values[random.Next(values.Length)] + "\"", random)), data);
            }
        }
    }

    /// <summary>The kind of problem: the message without its names and numbers, first six words.</summary>
    private static string Kind(string problem)
    {
        string general = Regex.Replace(Regex.Replace(problem, "'[^']*'", "'…'"), @"-?\d+", "#");
        return string.Join(' ', general.Split(' ').Take(6));
    }

    private static int NthIndex(string text, string find, Random random)
    {
        var all = new List<int>();
        for (int at = text.IndexOf(find, StringComparison.Ordinal); at >= 0; at = text.IndexOf(find, at + 1, StringComparison.Ordinal))
        {
            all.Add(at);
        }

        return all[random.Next(all.Count)];
    }

    private static string ReplaceNth(string text, string find, string replacement, Random random)
    {
        int at = NthIndex(text, find, random);
        return string.Concat(text.AsSpan(0, at), replacement, text.AsSpan(at + find.Length));
    }
}
