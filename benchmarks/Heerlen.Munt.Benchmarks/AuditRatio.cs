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
    /// <summary>Runs the warm-up and <paramref name="rounds"/> rounds on a chain of <paramref name="entries"/>; 0 if all verified.</summary>
    public static int Run(int entries, int rounds, TextWriter output)
    {
        var setup = Stopwatch.StartNew();
        string path = GeneratedChains.File(entries);
        var triples = Triples.Read(path);
        output.WriteLine($"{triples.Entries:N0} entries in {Path.GetFileName(path)} ({new FileInfo(path).Length / (1 << 20):N0} MiB), ready in {setup.Elapsed.TotalSeconds:F1} s; {Environment.ProcessorCount} cores; server GC: {System.Runtime.GCSettings.IsServerGC}; load average before: {PipelineRatio.LoadAverage()}");
        output.WriteLine($"signatures the audit checks: {triples.CommandSignatures:N0} on commands ({triples.CosignedEntries:N0} entries co-signed, two signatures each) + {triples.Blocks:N0} block seals = {triples.Count:N0}, {(double)triples.Count / triples.Entries:F4} per entry");
        output.WriteLine("the limit verifies exactly these with the native verifier on all cores (Parallel.For, nothing else) and counts entries/s as entries ÷ that time, like the audit");

        // Untimed warm-up of both on a small chain (JIT, thread pool, the native library).
        string small = GeneratedChains.File(2_000);
        var warm = Triples.Read(small);
        warm.VerifyAll();
        Audit(small);

        var ratios = new List<double>();
        output.WriteLine($"{"round",5} {"audit entries/s",16} {"CPU",5} {"GC pause",9} {"allocated",10} {"limit entries/s",16} {"CPU",5} {"verifications/s",16} {"ratio",6}");
        for (int round = 1; round <= rounds; round++)
        {
            // Alternate the order, so a drift in the machine's load does not always favour the same side.
            Measure limit = default, audit = default;
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
            ratios.Add(auditRate / limitRate);
            output.WriteLine($"{round,5} {auditRate,16:N0} {audit.Cpu,5:P0} {audit.GcPauseMs,6:N0} ms {audit.AllocatedMiB,6:N0} MiB {limitRate,16:N0} {limit.Cpu,5:P0} {triples.Count / limit.Seconds,16:N0} {auditRate / limitRate,6:P0}");
        }
        ratios.Sort();
        double median = ratios[ratios.Count / 2];
        output.WriteLine($"median ratio full audit / native verification limit: {median:P0} (target ≥ 60 %: {(median >= 0.60 ? "met" : "MISSED")}); CPU is process time ÷ wall time (200 % = both cores); load average after: {PipelineRatio.LoadAverage()}");
        return 0;
    }

    /// <summary><c>munt-verify FILE --no-state</c>, in-process through the tool's entry point; throws unless it verifies.</summary>
    private static void Audit(string path)
    {
        int exitCode = VerifyTool.RunAsync([path, "--no-state", "--quiet", "--lang", "en"], TextWriter.Null, TextWriter.Null, interactive: false).GetAwaiter().GetResult();
        if (exitCode != 0) throw new InvalidOperationException($"munt-verify exited with {exitCode} on {path}");
    }

    /// <summary>Wall time, CPU share, GC pause and allocation of one timed action.</summary>
    private readonly record struct Measure(double Seconds, double Cpu, double GcPauseMs, double AllocatedMiB)
    {
        public static Measure Of(Action action)
        {
            var process = Process.GetCurrentProcess();
            var cpu = process.TotalProcessorTime;
            var pause = GC.GetTotalPauseDuration();
            long allocated = GC.GetTotalAllocatedBytes(precise: false);
            var clock = Stopwatch.StartNew();
            action();
            double seconds = clock.Elapsed.TotalSeconds;
            process.Refresh();
            return new Measure(
                seconds,
                (process.TotalProcessorTime - cpu).TotalSeconds / seconds,
                (GC.GetTotalPauseDuration() - pause).TotalMilliseconds,
                (GC.GetTotalAllocatedBytes(precise: false) - allocated) / (double)(1 << 20));
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
