using System.Diagnostics;
using TransferLearning.Compute;

namespace TransferLearning.Benchmarks.Workloads;

// `probe-pool [microseconds per job] [jobs]`: how much of a split job the shared GEMM worker takes, and how
// long after the job is published it starts its first part. A job is 8 parts of busy arithmetic; jobs run
// back to back, as the layers of a batch do.
public static class PoolProbe
{
    public static int Run(ReadOnlySpan<string> args)
    {
        // The pool counts the parts its workers run only with the library's test hooks on (read once, before the
        // pool is first used): this probe is run on its own, so turning them on here changes no measurement.
        AppContext.SetSwitch("TransferLearning.TestHooks", isEnabled: true);
        double jobMicroseconds = args.Length > 0 ? double.Parse(args[0], System.Globalization.CultureInfo.InvariantCulture) : 60;
        int jobs = args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 20_000;
        var pool = GemmWorkerPool.Shared;
        var work = new ProbeWork(8, jobMicroseconds);
        var delays = new List<double>(jobs);
        var jobTimes = new List<double>(jobs);
        int jobsWithoutWorker = 0;
        long workerPartsBefore = pool.WorkerJobs;
        for (int j = 0; j < jobs; j++)
        {
            if (!pool.TryAcquire())
            {
                throw new InvalidOperationException("The pool is busy.");
            }

            try
            {
                work.Reset();
                long start = Stopwatch.GetTimestamp();
                pool.Run(work, 8);
                long end = Stopwatch.GetTimestamp();
                jobTimes.Add((end - start) * 1e6 / Stopwatch.Frequency);
                if (work.FirstWorkerTimestamp == 0)
                {
                    jobsWithoutWorker++;
                }
                else
                {
                    delays.Add((work.FirstWorkerTimestamp - start) * 1e6 / Stopwatch.Frequency);
                }
            }
            finally
            {
                pool.Release();
            }
        }

        long workerParts = pool.WorkerJobs - workerPartsBefore;
        delays.Sort();
        jobTimes.Sort();
        long spinStart = Stopwatch.GetTimestamp();
        for (int i = 0; i < 10_000; i++)
        {
            Thread.SpinWait(20);
        }

        Console.WriteLine($"Thread.SpinWait(20) takes {(Stopwatch.GetTimestamp() - spinStart) * 1e6 / Stopwatch.Frequency / 10_000:F3} µs");
        Console.WriteLine($"load {File.ReadAllText("/proc/loadavg").Trim()}");
        Console.WriteLine($"{jobs} jobs of 8 parts, {jobMicroseconds} µs of work each on one thread");
        Console.WriteLine($"worker parts {workerParts} of {8L * jobs} ({100.0 * workerParts / (8.0 * jobs):F1} %), jobs the worker missed {jobsWithoutWorker}");
        if (delays.Count > 0)
        {
            Console.WriteLine($"worker start delay µs: median {delays[delays.Count / 2]:F2}, p90 {delays[delays.Count * 9 / 10]:F2}, p99 {delays[delays.Count * 99 / 100]:F2}");
        }

        Console.WriteLine($"job time µs: median {jobTimes[jobs / 2]:F2}, min {jobTimes[0]:F2}, p99 {jobTimes[jobs * 99 / 100]:F2}");
        return 0;
    }

    private sealed class ProbeWork(int parts, double jobMicroseconds) : IParallelWork
    {
        private readonly long _ticksPerPart = (long)(jobMicroseconds / parts * Stopwatch.Frequency / 1e6);
        private readonly int _caller = Environment.CurrentManagedThreadId;
        private long _firstWorker;

        public long FirstWorkerTimestamp => Volatile.Read(ref _firstWorker);

        public void Reset() => Volatile.Write(ref _firstWorker, 0);

        public void Execute(int part)
        {
            long start = Stopwatch.GetTimestamp();
            if (Environment.CurrentManagedThreadId != _caller)
            {
                Interlocked.CompareExchange(ref _firstWorker, start, 0);
            }

            while (Stopwatch.GetTimestamp() - start < _ticksPerPart)
            {
            }
        }
    }
}
