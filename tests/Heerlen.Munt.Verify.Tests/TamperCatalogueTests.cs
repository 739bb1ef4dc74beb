using System.Text.Json.Nodes;
using Heerlen.Munt.Ledger;
using Heerlen.Munt.Ledger.Accounts;
using Heerlen.Munt.Ledger.Chain;
using Heerlen.Munt.Ledger.Commands;
using Heerlen.Munt.Ledger.Crypto;
using Heerlen.Munt.Ledger.Money;
using Heerlen.Munt.Verify.Tests.Support;

namespace Heerlen.Munt.Verify.Tests;

/// <summary>
/// The tamper catalogue of issue 5: each way of changing a chain, and the height and rule the verifier names for it.
/// Every forgery here gets fresh checksums (the forger controls the file), unless the test is about checksums.
/// </summary>
public sealed class TamperCatalogueTests : IDisposable
{
    private readonly TestChain _chain = TestChain.Build();
    private readonly VerifierRun _run = new();

    public void Dispose() => _run.Dispose();

    private async Task<JsonObject> Broken(byte[] file, string rule, long height, int exitCode = ExitCodes.Broken)
    {
        string path = _run.File("forged.hmx", file);
        var (code, report) = await _run.JsonAsync(path, "--no-state");
        Assert.Equal(exitCode, code);
        Assert.False((bool)report["ok"]!);
        Assert.Equal(rule, (string)report["rule"]!);
        Assert.Equal(height, (long)report["failed_at_height"]!);
        Assert.False(string.IsNullOrWhiteSpace((string?)report["explanation"]));
        // The same verdict when the file is checked in tiny batches: the auditor prepares the next batch while it replays
        // one, so each forgery then lands in, just before or just after a batch being prepared ahead.
        foreach (int batchEntries in SmallBatches)
        {
            var (smallRule, smallHeight) = await AuditInBatches(path, batchEntries);
            Assert.Equal((rule, height), (smallRule, smallHeight));
        }
        return report;
    }

    private static readonly int[] SmallBatches = [1, 2, 3, 5];

    /// <summary>The auditor on a file with <paramref name="batchEntries"/> per batch, as munt-verify FILE --no-state runs it; the rule broken (empty if none) and where.</summary>
    private static async Task<(string Rule, long? Height)> AuditInBatches(string path, int batchEntries)
    {
        ISchnorrVerifier verifier = NativeSchnorrVerifier.IsAvailable() ? NativeSchnorrVerifier.Instance : ManagedSchnorrVerifier.Instance;
        try
        {
            var source = FileSource.Open([path]);
            var result = await Auditor.RunAsync(source, new AuditOptions(verifier, ClaimedOperatorKey: source.ClaimedOperatorKey, BatchEntries: batchEntries), null, CancellationToken.None);
            return (result.Report.Rule, result.Report.FailedAtHeight);
        }
        catch (SourceBrokenException e)
        {
            return (e.Rule, e.Height);
        }
    }

    private IEnumerable<long> BlockSizes => _chain.Blocks.Select(b => b.TreeSize);

    [Fact]
    public async Task the_untouched_chain_verifies_with_every_entry_and_block_counted()
    {
        var (code, report) = await _run.JsonAsync(_run.File("chain.hmx", _chain.Export()), "--no-state");
        Assert.Equal(ExitCodes.Verified, code);
        Assert.True((bool)report["ok"]!);
        Assert.Equal(_chain.Entries.Count, (long)report["entries_verified"]!);
        Assert.Equal(_chain.Blocks.Count, (long)report["blocks_verified"]!);
        Assert.Equal(_chain.C.State.Supply.Cents, (long)report["supply_cents"]!);
    }

    [Fact]
    public async Task the_untouched_chain_verifies_whole_in_batches_of_any_size()
    {
        string path = _run.File("chain.hmx", _chain.Export());
        foreach (int batchEntries in (int[])[.. SmallBatches, 8, 13, _chain.Entries.Count - 1, _chain.Entries.Count, AuditOptions.DefaultBatchEntries])
        {
            var source = FileSource.Open([path]);
            var result = await Auditor.RunAsync(source, new AuditOptions(NativeSchnorrVerifier.Instance, BatchEntries: batchEntries), null, CancellationToken.None);
            Assert.True(result.Report.Ok, $"batches of {batchEntries}: {result.Report}");
            Assert.Equal(_chain.Entries.Count, result.Report.EntriesVerified);
            Assert.Equal(_chain.Blocks.Count, result.Report.BlocksVerified);
        }
    }

    [Fact]
    public async Task a_forged_entry_before_a_damaged_segment_is_the_first_failure_even_while_later_batches_are_read()
    {
        var surgery = new ExportSurgery(_chain.Export(perSegment: 4));
        var records = surgery.RecordsInOrder();
        int index = records.FindIndex(r => r.IsEntry && Height(r) == 9);
        byte[] bytes = (byte[])records[index].Bytes.Clone();
        bytes[^1] ^= 0x01; // the stored entry hash
        records[index] = records[index] with { Bytes = bytes };
        byte[] file = surgery.Write(records, perSegment: 4);
        file[^200] ^= 0x10; // a byte near the end, in a later segment, without a fresh checksum
        var report = await Broken(file, "entry_format", 9);
        Assert.Contains("hash", (string)report["explanation"]!);
    }

    [Fact]
    public void the_surgery_tool_reads_the_format_as_written_so_its_forgeries_are_fair()
    {
        byte[] file = _chain.Export();
        var surgery = new ExportSurgery(file);
        Assert.Equal(file, surgery.Write());
        Assert.Equal(_chain.Entries.Count + _chain.Blocks.Count, surgery.RecordsInOrder().Count);
    }

    [Fact]
    public async Task a_flipped_byte_in_any_entry_is_caught_at_that_entrys_height()
    {
        var surgery = new ExportSurgery(_chain.Export());
        var records = surgery.RecordsInOrder();
        var random = new Random(5);
        for (int i = 0; i < records.Count; i++)
        {
            if (!records[i].IsEntry) continue;
            var copy = records.ToList();
            byte[] bytes = (byte[])copy[i].Bytes.Clone();
            long height = Entry.TryDecode(bytes, out var entry, out _) ? entry!.Height : throw new InvalidOperationException();
            // Any byte after the height field (a changed height is the next test's business).
            int at = random.Next(9, bytes.Length);
            bytes[at] ^= (byte)(1 << random.Next(8));
            copy[i] = copy[i] with { Bytes = bytes };
            var report = await Broken(surgery.Write(copy), "entry_format", height);
            Assert.Contains("hash", (string)report["explanation"]!);
        }
    }

    [Fact]
    public async Task a_flipped_byte_without_fresh_checksums_is_caught_by_the_segment_checksum()
    {
        byte[] file = _chain.Export(perSegment: 16);
        file[file.Length / 2] ^= 0x10;
        var (code, report) = await _run.JsonAsync(_run.File("damaged.hmx", file), "--no-state");
        Assert.Equal(ExitCodes.Broken, code);
        Assert.Equal("export_segment_checksum", (string)report["rule"]!);
    }

    [Fact]
    public async Task a_removed_entry_is_caught_at_its_height()
    {
        var surgery = new ExportSurgery(_chain.Export());
        var records = surgery.RecordsInOrder();
        int index = records.FindIndex(r => r.IsEntry && Height(r) == 13);
        records.RemoveAt(index);
        var report = await Broken(surgery.Write(records), "export_record", 13);
        Assert.Contains("missing, doubled or out of order", (string)report["explanation"]!);
    }

    [Fact]
    public async Task two_reordered_entries_are_caught_at_the_first_of_them()
    {
        var surgery = new ExportSurgery(_chain.Export());
        var records = surgery.RecordsInOrder();
        int a = records.FindIndex(r => r.IsEntry && Height(r) == 20), b = records.FindIndex(r => r.IsEntry && Height(r) == 21);
        (records[a], records[b]) = (records[b], records[a]);
        await Broken(surgery.Write(records), "export_record", 20);
    }

    [Fact]
    public async Task an_entry_signed_by_a_rotated_out_key_is_caught_by_replaying_the_rules_even_when_linked_and_sealed()
    {
        var forged = Forge.Append(_chain.Entries, new Pay(_chain.Shop.PublicKey, Amount.FromEuros(1), null) { Header = _chain.C.Header(_chain.RotatedOutKey, account: _chain.RotatedAccount) }, _chain.RotatedOutKey, _chain.RotatedAccount);
        var blocks = Forge.Seal(forged, [.. BlockSizes, forged.Count], _chain.C.Operator);
        var report = await Broken(Forge.Export(_chain.C.Operator.PublicKey, forged, blocks), "rule_replay", forged.Count - 1);
        Assert.Contains("signer_key_mismatch", (string)report["explanation"]!);
    }

    [Fact]
    public async Task an_entry_signed_by_an_officer_whose_role_was_revoked_is_caught_by_replaying_the_rules()
    {
        var officer = _chain.C.Officer2;
        var job = new PublishJob(JobId.New(), Heerlen.Munt.Ledger.Tests.Support.Community.Budget, "zwerfafval", "gms", Amount.FromEuros(5), 1, _chain.C.NowMs + 86_400_000) { Header = _chain.C.Header(officer) };
        var forged = Forge.Append(_chain.Entries, job, officer);
        var blocks = Forge.Seal(forged, [.. BlockSizes, forged.Count], _chain.C.Operator);
        var report = await Broken(Forge.Export(_chain.C.Operator.PublicKey, forged, blocks), "rule_replay", forged.Count - 1);
        Assert.Contains("not_permitted", (string)report["explanation"]!);
    }

    [Fact]
    public async Task a_checkpoint_signed_by_an_unknown_key_is_caught_where_the_block_ends()
    {
        var stranger = SigningKey.Generate();
        var blocks = _chain.Blocks.ToList();
        var forged = Forge.Seal(_chain.Entries, BlockSizes, stranger);
        var report = await Broken(Forge.Export(_chain.C.Operator.PublicKey, _chain.Entries, forged), "block", blocks[0].TreeSize - 1);
        Assert.Contains("seal", (string)report["explanation"]!);
    }

    [Fact]
    public async Task an_export_whose_header_names_another_operator_key_is_caught_at_height_0()
    {
        var report = await Broken(Forge.Export(SigningKey.Generate().PublicKey, _chain.Entries, _chain.Blocks), "export_header", 0);
        Assert.Contains("operator key", (string)report["explanation"]!);
    }

    [Fact]
    public async Task a_pinned_operator_key_that_the_chain_does_not_name_fails_the_check()
    {
        var (code, report) = await _run.JsonAsync(_run.File("chain.hmx", _chain.Export()), "--no-state", "--operator-key", Convert.ToHexStringLower(SigningKey.Generate().PublicKey.Span));
        Assert.Equal(ExitCodes.Broken, code);
        Assert.Equal("operator_key", (string)report["rule"]!);
    }

    [Fact]
    public async Task history_rewritten_after_a_verified_checkpoint_is_caught_as_a_fork_even_though_the_new_chain_verifies_on_its_own()
    {
        string state = _run.PathOf("state.json");
        var (first, _) = await _run.JsonAsync(_run.File("honest.hmx", _chain.Export()), "--state", state);
        Assert.Equal(ExitCodes.Verified, first);
        Assert.True(File.Exists(state));

        // The operator drops one payment (height 30) and links and seals everything again with its own key.
        var without = _chain.Entries.Where(e => e.Height != 30).ToList();
        var (entries, blocks) = Forge.Rechain(without, BlockSizes.Select(s => s > 30 ? s - 1 : s).Distinct(), _chain.C.Operator);
        byte[] fork = Forge.Export(_chain.C.Operator.PublicKey, entries, blocks);
        var (alone, _) = await _run.JsonAsync(_run.File("fork.hmx", fork), "--no-state");
        Assert.Equal(ExitCodes.Verified, alone);

        var (code, report) = await _run.JsonAsync(_run.File("fork.hmx", fork), "--state", state);
        Assert.Equal(ExitCodes.Forked, code);
        Assert.Equal("remembered_checkpoint", (string)report["rule"]!);
    }

    [Fact]
    public async Task a_chain_cut_short_below_a_verified_checkpoint_is_caught_as_a_fork()
    {
        string state = _run.PathOf("state.json");
        Assert.Equal(ExitCodes.Verified, (await _run.JsonAsync(_run.File("honest.hmx", _chain.Export()), "--state", state)).Code);
        var shorter = _chain.Entries.Take(20).ToList();
        byte[] cut = Forge.Export(_chain.C.Operator.PublicKey, shorter, _chain.Blocks.Where(b => b.TreeSize <= 20).ToList());
        var (code, report) = await _run.JsonAsync(_run.File("cut.hmx", cut), "--state", state);
        Assert.Equal(ExitCodes.Forked, code);
        Assert.Equal("remembered_checkpoint", (string)report["rule"]!);
    }

    private static long Height(RawRecord record) => Entry.TryDecode(record.Bytes, out var e, out _) ? e!.Height : -1;
}
