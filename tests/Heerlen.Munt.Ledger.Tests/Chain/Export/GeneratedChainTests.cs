using Heerlen.Munt.ChainGen;
using Heerlen.Munt.Ledger.Chain;
using Heerlen.Munt.Ledger.Chain.Export;
using Heerlen.Munt.Ledger.Commands;
using Heerlen.Munt.Ledger.Crypto;

namespace Heerlen.Munt.Ledger.Tests.Chain.Export;

/// <summary>The big-chain generator (benchmarks/Heerlen.Munt.ChainGen) on a small chain: valid, varied, readable.</summary>
public class When_a_city_chain_is_generated
{
    private static readonly ChainGenOptions Options = new()
    {
        Entries = 5_000,
        Seed = 7,
        Residents = 300,
        Shops = 12,
        BlockEntries = 250,
        BatchSize = 512,
        ExportedAtMs = ExportFixture.ExportedAtMs,
    };

    private static readonly Lazy<(byte[] File, ChainGenResult Result)> Generated = new(() => Generate(Options));

    private static (byte[] File, ChainGenResult Result) Generate(ChainGenOptions options)
    {
        using var stream = new MemoryStream();
        var result = ChainGenerator.Generate(options, stream);
        return (stream.ToArray(), result);
    }

    private static ISchnorrVerifier Verifier => NativeSchnorrVerifier.IsAvailable() ? NativeSchnorrVerifier.Instance : ManagedSchnorrVerifier.Instance;

    [Fact]
    public void it_reads_back_through_the_export_reader_and_the_whole_chain_verifies()
    {
        var (file, result) = Generated.Value;
        var (header, records, summary) = ExportFixture.Read(file);
        Assert.Equal(Options.Entries, summary.EntryCount);
        Assert.Equal(Options.Entries, result.Entries);
        Assert.Equal(Options.Entries / Options.BlockEntries, summary.BlockCount);
        Assert.Equal(ChainGenerator.OperatorKey(Options.Seed), header.OperatorKey);
        var report = ChainVerifier.Verify(header.ChainId,
            records.Where(r => r.Kind == ExportRecordKind.Entry).Select(r => r.EntryBytes!),
            records.Where(r => r.Kind == ExportRecordKind.Block).Select(r => r.Block!),
            Verifier);
        Assert.True(report.Ok, report.ToString());
        Assert.Equal(Options.Entries, report.EntriesVerified);
        Assert.Equal(summary.BlockCount, report.BlocksVerified);
        Assert.Equal(header.OperatorKey, report.State.OperatorKey);
    }

    [Fact]
    public void every_kind_of_activity_happens_and_the_generators_model_predicted_every_outcome()
    {
        var (file, result) = Generated.Value;
        Assert.Equal(0, result.UnexpectedOutcomes);
        string[] expected = ["EstablishChain", "OpenAccount", "GrantRole", "MintBudget", "AdmitMerchant", "PublishJob", "Enrol", "SubmitCompletion",
            "ApproveCompletion", "RejectCompletion", "Pay", "Refund", "Redeem", "SettleRedemption"];
        Assert.All(expected, type => Assert.True(result.CommandCounts.GetValueOrDefault(type) > 0, $"no {type} in the generated chain"));
        Assert.InRange(result.RecordedRejections, 1, Options.Entries / 100);
        var commands = ExportFixture.Read(file).Records
            .Where(r => r.Kind == ExportRecordKind.Entry)
            .Select(r => { Entry.TryDecode(r.EntryBytes, out var entry, out _); return SignedCommand.Decode(entry!.Envelope, Options.ChainId).Command!; })
            .ToList();
        Assert.Contains(commands, c => c.Command is MintBudget && c.Signatures.Count == 2);
        Assert.Contains(commands, c => c.Command is Pay { Request: not null });
        Assert.Contains(commands, c => c.Command is Pay { Request: null });
        Assert.True(result.LastTimestampMs - result.FirstTimestampMs > 24 * 3_600_000L, "the simulated clock should span more than a day");
    }

    [Fact]
    public void the_same_seed_gives_the_same_entries()
    {
        var small = Options with { Entries = 600, BlockEntries = 100 };
        static IEnumerable<string> EntriesOf(byte[] file) =>
            ExportFixture.Read(file).Records.Where(r => r.Kind == ExportRecordKind.Entry).Select(r => Convert.ToHexString(r.EntryBytes!));
        // Entries only: the core seals blocks with fresh signing randomness, so the blocks' signatures differ.
        Assert.Equal(EntriesOf(Generate(small).File), EntriesOf(Generate(small).File));
        Assert.NotEqual(EntriesOf(Generate(small).File), EntriesOf(Generate(small with { Seed = 8 }).File));
    }
}
