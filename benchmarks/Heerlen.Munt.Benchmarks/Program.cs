using System.Diagnostics;
using System.Globalization;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using Heerlen.Munt.Benchmarks;
using Heerlen.Munt.Benchmarks.Support;

// dotnet run -c Release --project benchmarks/Heerlen.Munt.Benchmarks -- [BenchmarkDotNet arguments, e.g. --filter '*Merkle*' --job short]
//                                                                     -- --smoke                      every benchmark once, in-process (CI)
//                                                                     -- --pipeline-ratio [--payments 20000] [--rounds 5]
//                                                                     -- --memory [--residents 100000] [--jobs 10000]
//                                                                     -- --audit-ratio [--entries 200000] [--rounds 3]
int Number(string name, int fallback)
{
    int at = Array.IndexOf(args, name);
    return at >= 0 && at + 1 < args.Length ? int.Parse(args[at + 1], CultureInfo.InvariantCulture) : fallback;
}

if (args.Contains("--pipeline-ratio")) return PipelineRatio.Run(Number("--payments", 20_000), Number("--rounds", 5), Console.Out);
if (args.Contains("--audit-ratio")) return AuditRatio.Run(Number("--entries", 200_000), Number("--rounds", 3), Console.Out);
if (args.Contains("--memory")) return MemoryProbe.Run(Number("--residents", 100_000), Number("--jobs", 10_000), Console.Out);

var config = DefaultConfig.Instance.AddColumn(new PerSecondColumn());
if (!args.Contains("--smoke")) return BenchmarkSwitcher.FromAssembly(typeof(CanonicalBenchmarks).Assembly).Run(args, config).Any(s => Failed(s)) ? 1 : 0;

// Smoke: the smallest inputs (BenchmarkMode), one cold invocation per benchmark in this process (no build, no child
// process), the classes' own jobs ignored (AlwaysUseGlobal), and a failure if any benchmark threw or did not run.
BenchmarkMode.Smoke = true;
var clock = Stopwatch.StartNew();
var smoke = ManualConfig.Create(config)
    .AddJob(Job.Dry.WithToolchain(InProcessEmitToolchain.Instance).WithId("smoke"))
    .AddDiagnoser(MemoryDiagnoser.Default)
    .WithOptions(ConfigOptions.DisableOptimizationsValidator | ConfigOptions.JoinSummary)
    .WithUnionRule(ConfigUnionRule.AlwaysUseGlobal);
string[] filter = [.. args.Where(a => a != "--smoke")];
var summaries = BenchmarkSwitcher.FromAssembly(typeof(CanonicalBenchmarks).Assembly).Run(filter.Length > 0 ? filter : ["--filter", "*"], smoke).ToArray();
int failed = summaries.Count(Failed);
Console.WriteLine($"smoke: {summaries.Sum(s => s.BenchmarksCases.Length)} benchmarks in {clock.Elapsed.TotalSeconds:F0} s, {(failed == 0 ? "all ran" : $"{failed} summaries with failures")}");
return failed == 0 && summaries.Length > 0 ? 0 : 1;

static bool Failed(BenchmarkDotNet.Reports.Summary summary) =>
    summary.HasCriticalValidationErrors
    || summary.Reports.Length != summary.BenchmarksCases.Length
    || summary.Reports.Any(r => !r.Success);
