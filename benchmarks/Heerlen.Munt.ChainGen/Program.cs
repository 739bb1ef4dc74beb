using System.Diagnostics;
using System.Globalization;
using Heerlen.Munt.ChainGen;
using Heerlen.Munt.Ledger.Chain;
using Heerlen.Munt.Ledger.Chain.Export;
using Heerlen.Munt.Ledger.Crypto;

// chaingen --entries N --out FILE [--seed 42] [--residents 20000] [--shops 200] [--chain-id heerlen-munt/generated] [--block-entries 1000]
// chaingen --verify FILE      reads an export back and times ChainVerifier over it
var args_ = args.Chunk(2).Where(p => p.Length == 2).ToDictionary(p => p[0], p => p[1], StringComparer.Ordinal);
if (args_.TryGetValue("--verify", out string? verifyPath)) return VerifyFile(verifyPath);
if (!args_.TryGetValue("--out", out string? outPath))
{
    Console.Error.WriteLine("usage: chaingen --entries N --out FILE [--seed 42] [--residents 20000] [--shops 200] [--chain-id ID] [--block-entries 1000]\n       chaingen --verify FILE");
    return 2;
}
long Number(string name, long fallback) => args_.TryGetValue(name, out string? v) ? long.Parse(v, CultureInfo.InvariantCulture) : fallback;
var defaults = new ChainGenOptions();
var options = defaults with
{
    Entries = Number("--entries", defaults.Entries),
    Seed = (int)Number("--seed", defaults.Seed),
    Residents = (int)Number("--residents", defaults.Residents),
    Shops = (int)Number("--shops", defaults.Shops),
    BlockEntries = (int)Number("--block-entries", defaults.BlockEntries),
    ChainId = args_.GetValueOrDefault("--chain-id", defaults.ChainId),
    ExportedAtMs = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(),
};
Console.WriteLine($"generating {options.Entries:N0} entries (seed {options.Seed}, {options.Residents:N0} residents, {options.Shops:N0} shops) into {outPath} on {Environment.ProcessorCount} cores");
var clock = Stopwatch.StartNew();
long nextReport = 0;
ChainGenResult result;
using (var file = new FileStream(outPath, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20))
{
    result = ChainGenerator.Generate(options, file, (entries, blocks) =>
    {
        if (entries < nextReport && entries < options.Entries) return;
        nextReport = entries + Math.Max(options.Entries / 20, 1);
        Console.WriteLine($"  {entries,12:N0} entries  {blocks,8:N0} blocks  {clock.Elapsed.TotalSeconds,7:F1} s  {entries / clock.Elapsed.TotalSeconds,9:N0} entries/s");
    });
}
clock.Stop();
long size = new FileInfo(outPath).Length;
Console.WriteLine($"done: {result.Entries:N0} entries, {result.Blocks:N0} blocks in {clock.Elapsed.TotalSeconds:F1} s ({result.Entries / clock.Elapsed.TotalSeconds:N0} entries/s)");
Console.WriteLine($"file: {size:N0} bytes ({size / 1048576.0:F1} MiB, {size / (double)result.Entries:F0} bytes per entry)");
Console.WriteLine($"time span: {DateTimeOffset.FromUnixTimeMilliseconds(result.FirstTimestampMs):yyyy-MM-dd} to {DateTimeOffset.FromUnixTimeMilliseconds(result.LastTimestampMs):yyyy-MM-dd}; recorded rejections {result.RecordedRejections:N0}; outcomes the model did not expect {result.UnexpectedOutcomes:N0}");
Console.WriteLine(string.Join(", ", result.CommandCounts.Select(c => $"{c.Key} {c.Value:N0}")));
return result.UnexpectedOutcomes == 0 ? 0 : 1;

static int VerifyFile(string path)
{
    ISchnorrVerifier verifier = NativeSchnorrVerifier.IsAvailable() ? NativeSchnorrVerifier.Instance : ManagedSchnorrVerifier.Instance;
    var clock = Stopwatch.StartNew();
    // First pass: the file's structure and its blocks (few: one per thousand entries), which ChainVerifier takes up front.
    ExportHeader header;
    ExportSummary summary;
    var blocks = new List<Block>();
    using (var reader = new ChainExportReader(File.OpenRead(path)))
    {
        header = reader.Header;
        foreach (var record in reader.Records())
            if (record.Block is { } block) blocks.Add(block);
        summary = reader.Summary!;
    }
    var firstPass = clock.Elapsed;
    clock.Restart();
    VerificationReport report;
    using (var stream = File.OpenRead(path))
    using (var reader = new ChainExportReader(stream))
    {
        var entries = reader.Records().Where(r => r.EntryBytes is not null).Select(r => r.EntryBytes!);
        report = ChainVerifier.Verify(header.ChainId, entries, blocks, verifier);
    }
    clock.Stop();
    bool operatorOk = report.State.OperatorKey == header.OperatorKey;
    Console.WriteLine($"read the file's structure ({summary.EntryCount:N0} entries, {summary.BlockCount:N0} blocks) in {firstPass.TotalSeconds:F1} s");
    Console.WriteLine($"{report} in {clock.Elapsed.TotalSeconds:F1} s ({report.EntriesVerified / clock.Elapsed.TotalSeconds:N0} entries/s, {verifier.Name}); header's operator key {(operatorOk ? "matches" : "DOES NOT match")} the chain's");
    return report.Ok && operatorOk ? 0 : 1;
}
