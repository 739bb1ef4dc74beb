using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Engines;
using BenchmarkDotNet.Jobs;
using Heerlen.Munt.Benchmarks.Support;
using Heerlen.Munt.Verify;

namespace Heerlen.Munt.Benchmarks;

/// <summary>
/// The auditor's full check of a generated chain: <c>munt-verify FILE --no-state</c> (reading the export file, every
/// hash, link, signature, rule, invariant and block), run in-process through the tool's own entry point. The file is
/// generated once by ChainGen into the cache directory (a million entries take a couple of minutes to generate) and
/// reused by later runs. One invocation takes about a minute at a million entries, so this runs cold, a few times.
/// Items/s is entries/s.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(ColdFewTimes))]
public class VerifierBenchmarks
{
    /// <summary>Cold, three iterations of one invocation each; not in the smoke pass, which has its own job.</summary>
    private sealed class ColdFewTimes : ManualConfig
    {
        public ColdFewTimes()
        {
            if (!BenchmarkMode.Smoke) AddJob(Job.Default.WithStrategy(RunStrategy.Monitoring).WithLaunchCount(1).WithWarmupCount(0).WithIterationCount(3));
        }
    }

    private string _path = "";

    public static IEnumerable<int> EntryCounts => BenchmarkMode.Pick([1_000_000], 2_000);

    [ParamsSource(nameof(EntryCounts))]
    public int Entries { get; set; }

    [GlobalSetup]
    public void Setup() => _path = GeneratedChains.File(Entries);

    [Benchmark(Description = "munt-verify FILE --no-state")]
    public int FullAudit()
    {
        int exitCode = VerifyTool.RunAsync([_path, "--no-state", "--quiet", "--lang", "en"], TextWriter.Null, TextWriter.Null, interactive: false).GetAwaiter().GetResult();
        return exitCode == 0 ? exitCode : throw new InvalidOperationException($"munt-verify exited with {exitCode}");
    }
}
