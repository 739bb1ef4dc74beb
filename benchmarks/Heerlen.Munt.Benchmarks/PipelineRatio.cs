using System.Diagnostics;

namespace Heerlen.Munt.Benchmarks;

/// <summary>
/// <c>--pipeline-ratio</c>: runs <see cref="PipelineBenchmarks"/>' two benchmarks alternately a few times in one process and
/// prints payments/s, verifications/s and their ratio (BenchmarkDotNet does not relate differently shaped benchmarks), with
/// a breakdown of the sequencing thread's time.
/// </summary>
internal static class PipelineRatio
{
    public static int Run(int payments, int rounds, TextWriter output)
    {
        var bench = new PipelineBenchmarks { Payments = payments };
        var setup = Stopwatch.StartNew();
        bench.Setup();
        output.WriteLine($"{payments:N0} pre-signed payments by {PipelineBenchmarks.Residents} residents to {PipelineBenchmarks.Shops} shops, prepared in {setup.Elapsed.TotalSeconds:F1} s; {Environment.ProcessorCount} cores; load average before: {LoadAverage()}");

        // One untimed round of each to warm the JIT and the thread pool.
        bench.FreshEngine();
        bench.Pipeline();
        bench.NativeLimit();

        var ratios = new List<double>();
        output.WriteLine($"{"round",5} {"payments/s",12} {"verifications/s",16} {"ratio",7} {"sequencer waits",16} {"sequencer submits",18}");
        for (int round = 1; round <= rounds; round++)
        {
            bench.FreshEngine();
            var clock = Stopwatch.StartNew();
            bench.Pipeline();
            double pipeline = payments / clock.Elapsed.TotalSeconds;
            double wait = Stopwatch.GetElapsedTime(0, bench.WaitTicks).TotalMilliseconds, submit = Stopwatch.GetElapsedTime(0, bench.SubmitTicks).TotalMilliseconds;
            clock.Restart();
            bench.NativeLimit();
            double limit = payments / clock.Elapsed.TotalSeconds;
            ratios.Add(pipeline / limit);
            output.WriteLine($"{round,5} {pipeline,12:N0} {limit,16:N0} {pipeline / limit,7:P0} {wait,13:N0} ms {submit,15:N0} ms");
        }
        ratios.Sort();
        double median = ratios[ratios.Count / 2];

        bench.FreshEngine();
        var submitOnly = bench.SubmitOnly();
        output.WriteLine($"Submit alone (pre-verified, one thread): {payments / submitOnly.TotalSeconds:N0} payments/s ({submitOnly.TotalMilliseconds * 1000 / payments:F1} µs each)");
        output.WriteLine($"median ratio pipeline / native verification limit: {median:P0} (target ≥ 75 %: {(median >= 0.75 ? "met" : "MISSED")}); load average after: {LoadAverage()}");
        return 0;
    }

    /// <summary>The 1-minute load average (Linux), to say whether the machine was busy with other work.</summary>
    public static string LoadAverage()
    {
        try
        {
            return File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "?";
        }
        catch (IOException)
        {
            return "?";
        }
    }
}
