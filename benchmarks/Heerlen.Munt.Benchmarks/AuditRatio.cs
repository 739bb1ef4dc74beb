using System.Diagnostics;
using Heerlen.Munt.Benchmarks.Support;
using Heerlen.Munt.Ledger.Chain;
using Heerlen.Munt.Ledger.Chain.Export;
using Heerlen.Munt.Ledger.Commands;
using Heerlen.Munt.Ledger.Crypto;
using Heerlen.Munt.Verify;

namespace Heerlen.Munt.Benchmarks;

/// <summary>
/// <c>--audit-ratio</c>: the auditor's full check of a generated chain against its limit, alternately in one process. The
/// limit is the native BIP340 verification, on all cores, of exactly the signatures the audit checks (every entry's
/// command signatures, co-signatures included, and every block's seal), precomputed as (key, message, signature) triples
/// so that nothing else runs. The audit is <c>munt-verify FILE --no-state</c> in-process, as <see cref="VerifierBenchmarks"/>
/// runs it. Both are counted in entries/s of the same chain, so the ratio is the audit's share of the limit.
/// </summary>
internal static class AuditRatio
{
    // Other processes' CPU time ÷ wall time from which a round counts as disturbed.
    private const double DisturbedOthers = 0.05;

    /// <summary>Runs the warm-up and <paramref name="rounds"/> rounds on a chain of <paramref name="entries"/>; 0 if all verified.</summary>
    public static int Run(int entries, int rounds, TextWriter output)
    {
        var setup = Stopwatch.StartNew();
        string path = GeneratedChains.File(entries);
        var triples = Triples.Read(path);
        output.WriteLine($"{triples.Entries:N0} entries in {Path.GetFileName(path)} ({new FileInfo(path).Length / (1 << 20):N0} MiB), ready in {setup.Elapsed.TotalSeconds:F1} s; {Environment.ProcessorCount} cores; server GC: {System.Runtime.GCSettings.IsServerGC}; load average before: {PipelineRatio.LoadAverage()}");
        output.WriteLine($"signatures the audit checks: {triples.CommandSignatures:N0} on commands ({triples.CosignedEntries:N0} {(triples.CosignedEntries == 1 ? "entry" : "entries")} co-signed, two signatures each) + {triples.Blocks:N0} block seals = {triples.Count:N0}, {(double)triples.Count / triples.Entries:F4} per entry");
        output.WriteLine("the limit verifies exactly these with the native verifier on all cores (Parallel.For, nothing else) and counts entries/s as entries ÷ that time, like the audit");

        // Untimed warm-up of both on a small chain (JIT, thread pool, the native library).
        string small = GeneratedChains.File(2_000);
        var warm = Triples.Read(small);
        warm.VerifyAll();
        Audit(small);

        // The ratio of wall times is the target. The ratio of CPU times (the limit's CPU seconds ÷ the audit's) is how much of
        // the audit's work is signature checking; it changes less with other load on the machine, but ignores idle cores.
        var ratios = new List<double>();
        var cpuRatios = new List<double>();
        var undisturbed = new List<double>();
        output.WriteLine($"{"round",5} | {"audit entries/s",15} {"CPU",5} {"µs CPU/entry",12} {"GC pause",9} {"GCs 0/1/2",10} {"allocated",9} {"others",6} | {"limit entries/s",15} {"CPU",5} {"µs CPU/entry",12} {"verifications/s",15} {"others",6} | {"ratio",5} {"CPU ratio",9}");
        for (int round = 1; round <= rounds; round++)
        {
            // Alternate the order, so a drift in the machine's load does not always favour the same side.
            Measure limit, audit;
            if (round % 2 == 1)
            {
                audit = Measure.Of(() => Audit(path));
                limit = Measure.Of(triples.VerifyAll);
            }
            else
            {
                limit = Measure.Of(triples.VerifyAll);
                audit = Measure.Of(() => Audit(path));
            }
            double auditRate = triples.Entries / audit.Seconds, limitRate = triples.Entries / limit.Seconds;
            double ratio = auditRate / limitRate, cpuRatio = limit.CpuSeconds / audit.CpuSeconds;
            ratios.Add(ratio);
            cpuRatios.Add(cpuRatio);
            if (audit.Others < DisturbedOthers && limit.Others < DisturbedOthers) undisturbed.Add(ratio);
            output.WriteLine($"{round,5} | {auditRate,15:N0} {audit.Cpu,5:P0} {audit.CpuSeconds * 1e6 / triples.Entries,12:F1} {audit.GcPauseMs,6:N0} ms {audit.Collections,10} {audit.AllocatedMiB,5:N0} MiB {audit.Others,6:P0} | {limitRate,15:N0} {limit.Cpu,5:P0} {limit.CpuSeconds * 1e6 / triples.Entries,12:F1} {triples.Count / limit.Seconds,15:N0} {limit.Others,6:P0} | {ratio,5:P0} {cpuRatio,9:P0}");
        }
        double median = Median(ratios); // judged as printed, in whole percents
        output.WriteLine($"median ratio full audit / native verification limit: {median:P0} (target ≥ 60 %: {(Math.Round(median, 2) >= 0.60 ? "met" : "MISSED")}); median CPU ratio {Median(cpuRatios):P0}");
        output.WriteLine(undisturbed.Count == 0
            ? $"no round was undisturbed (other processes below {DisturbedOthers:P0} of a core on both sides): run again when the machine is quiet"
            : $"median ratio of the {undisturbed.Count} undisturbed {(undisturbed.Count == 1 ? "round" : "rounds")} (other processes below {DisturbedOthers:P0} of a core on both sides): {Median(undisturbed):P0}");
        output.WriteLine($"CPU is this process's CPU time ÷ wall time (200 % = both cores busy); others is the CPU time of everything else on the machine ÷ wall time (more than a few % means the round was disturbed); load average after: {PipelineRatio.LoadAverage()}");
        return 0;
    }

    /// <summary>The median (the mean of the middle two for an even count).</summary>
    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
    }

    /// <summary><c>munt-verify FILE --no-state</c>, in-process through the tool's entry point; throws unless it verifies.</summary>
    private static void Audit(string path)
    {
        int exitCode = VerifyTool.RunAsync([path, "--no-state", "--quiet", "--lang", "en"], TextWriter.Null, TextWriter.Null, interactive: false).GetAwaiter().GetResult();
        if (exitCode != 0) throw new InvalidOperationException($"munt-verify exited with {exitCode} on {path}");
    }

    /// <summary>Wall time, CPU time, garbage collections and allocation of one timed action, and the CPU time of other processes meanwhile.</summary>
    private readonly record struct Measure(double Seconds, double CpuSeconds, double GcPauseMs, string Collections, double AllocatedMiB, double OthersCpuSeconds)
    {
        /// <summary>Other processes' CPU time ÷ wall time: 0 on a quiet machine; NaN where /proc/stat is missing.</summary>
        public double Others => OthersCpuSeconds / Seconds;

        /// <summary>CPU time ÷ wall time: 2 when both cores were busy throughout.</summary>
        public double Cpu => CpuSeconds / Seconds;

        public static Measure Of(Action action)
        {
            var process = Process.GetCurrentProcess();
            var cpu = process.TotalProcessorTime;
            var pause = GC.GetTotalPauseDuration();
            long allocated = GC.GetTotalAllocatedBytes(precise: false);
            int[] collections = [GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2)];
            double machine = MachineBusySeconds();
            var clock = Stopwatch.StartNew();
            action();
            double seconds = clock.Elapsed.TotalSeconds;
            process.Refresh();
            double own = (process.TotalProcessorTime - cpu).TotalSeconds;
            return new Measure(
                seconds,
                own,
                (GC.GetTotalPauseDuration() - pause).TotalMilliseconds,
                string.Join('/', Enumerable.Range(0, 3).Select(g => GC.CollectionCount(g) - collections[g])),
                (GC.GetTotalAllocatedBytes(precise: false) - allocated) / (double)(1 << 20),
                Math.Max(0, MachineBusySeconds() - machine - own));
        }

        /// <summary>CPU seconds all processes have used since boot (Linux: the first line of /proc/stat, in ticks of 1/100 s); NaN elsewhere.</summary>
        private static double MachineBusySeconds()
        {
            try
            {
                // cpu  user nice system idle iowait irq softirq steal …: everything but idle and iowait is busy.
                long[] ticks = [.. File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).Take(8).Select(long.Parse)];
                return (ticks.Sum() - ticks[3] - ticks[4]) / 100.0;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
            {
                return double.NaN;
            }
        }
    }

    /// <summary>Every signature in an export file as flat (key, message, signature) arrays, read once, untimed.</summary>
    private sealed class Triples
    {
        private readonly byte[] _keys, _messages, _signatures;

        private Triples(int count, int entries, int commandSignatures, int cosigned, int blocks, byte[] keys, byte[] messages, byte[] signatures)
        {
            (Count, Entries, CommandSignatures, CosignedEntries, Blocks) = (count, entries, commandSignatures, cosigned, blocks);
            (_keys, _messages, _signatures) = (keys, messages, signatures);
        }

        public int Count { get; }

        public int Entries { get; }

        public int CommandSignatures { get; }

        public int CosignedEntries { get; }

        public int Blocks { get; }

        public static Triples Read(string path)
        {
            var keys = new List<byte>();
            var messages = new List<byte>();
            var signatures = new List<byte>();
            int entries = 0, commandSignatures = 0, cosigned = 0, blocks = 0;
            using var stream = File.OpenRead(path);
            using var reader = new ChainExportReader(stream);
            var operatorKey = reader.Header.OperatorKey;
            foreach (var record in reader.Records())
            {
                if (record.Block is { } block)
                {
                    keys.AddRange(operatorKey.Span);
                    messages.AddRange(block.Hash.Span);
                    signatures.AddRange(block.Signature);
                    blocks++;
                    continue;
                }
                if (!Entry.TryDecode(record.EntryBytes, out var entry, out string problem)) throw new InvalidOperationException($"entry {entries}: {problem}");
                var signed = SignedCommand.Decode(entry!.Envelope, reader.Header.ChainId).Command ?? throw new InvalidOperationException($"entry {entries} holds no command");
                foreach (var signature in signed.Signatures)
                {
                    keys.AddRange(signature.PublicKey.Span);
                    messages.AddRange(signed.Digest.Span);
                    signatures.AddRange(signature.Signature);
                }
                entries++;
                commandSignatures += signed.Signatures.Count;
                if (signed.Signatures.Count > 1) cosigned++;
            }
            return new Triples(commandSignatures + blocks, entries, commandSignatures, cosigned, blocks, [.. keys], [.. messages], [.. signatures]);
        }

        /// <summary>The limit: every triple through the native verifier on all cores; throws if one does not verify.</summary>
        public void VerifyAll()
        {
            byte[] keys = _keys, messages = _messages, signatures = _signatures;
            Parallel.For(0, Count, i =>
            {
                if (!NativeSchnorrVerifier.Instance.Verify(keys.AsSpan(i * 32, 32), messages.AsSpan(i * 32, 32), signatures.AsSpan(i * 64, 64)))
                    throw new InvalidOperationException($"signature {i} does not verify");
            });
        }
    }
}
