using Heerlen.Munt.Ledger.Chain;
using Heerlen.Munt.Ledger.Chain.Export;
using Heerlen.Munt.Ledger.Crypto;
using Heerlen.Munt.Ledger.Tests.Support;
using static Heerlen.Munt.Ledger.Tests.Chain.Export.ExportFixture;

namespace Heerlen.Munt.Ledger.Tests.Chain.Export;

public class When_export_files_are_verified_as_they_stream_in
{
    private static ExportVerifier NewVerifier() => new(ManagedSchnorrVerifier.Instance);

    [Fact]
    public void a_full_export_and_its_increments_verify_in_one_pass_like_the_chain_verifier()
    {
        var verifier = NewVerifier();
        foreach (var file in new[] { ExportFile(0, 12, 5), ExportFile(12, 30, 3), ExportFile(30) })
            Assert.Null(verifier.Read(new MemoryStream(file)));
        var report = verifier.Finish();
        var reference = ExportFixture.Chain.Verify();
        Assert.True(report.Ok, report.ToString());
        Assert.Equal(reference.EntriesVerified, report.EntriesVerified);
        Assert.Equal(reference.BlocksVerified, report.BlocksVerified);
        Assert.Equal(Entries.Count, verifier.Last!.NextHeight);
    }

    [Fact]
    public void files_out_of_order_or_starting_midway_are_not_a_continuation()
    {
        var verifier = NewVerifier();
        Assert.Equal("export_continuity", Assert.Throws<ExportFormatException>(() => verifier.Read(new MemoryStream(ExportFile(12)))).Rule);
        Assert.Null(verifier.Read(new MemoryStream(ExportFile(0, 12))));
        var e = Assert.Throws<ExportFormatException>(() => verifier.Read(new MemoryStream(ExportFile(13))));
        Assert.Equal("export_continuity", e.Rule);
        Assert.Equal(13, e.FirstHeight);
    }

    [Fact]
    public void a_header_naming_another_operator_key_is_refused()
    {
        var other = SigningKey.Generate().PublicKey;
        using var stream = new MemoryStream();
        using (var writer = new ChainExportWriter(stream, FullHeader() with { OperatorKey = other }))
        {
            writer.WriteEntry(Entries[0]);
            writer.Finish();
        }
        var e = Assert.Throws<ExportFormatException>(() => NewVerifier().Read(new MemoryStream(stream.ToArray())));
        Assert.Equal("export_operator_key", e.Rule);
    }

    [Fact]
    public void an_entry_changed_behind_good_checksums_is_reported_by_the_verifier_with_its_height()
    {
        // Entry 3's last byte is part of its stored hash: the file's structure is fine, the chain is not.
        byte[] file = ExportFile(segmentRecordsMax: 9);
        int offset = 0, length = 0;
        var payload = file.AsSpan(Segments(file)[1].Offset + ExportFormat.SegmentPrefixBytes);
        for (int i = 0; i <= 3; i++)
        {
            offset += length;
            length = 1 + 2 + System.Buffers.Binary.BinaryPrimitives.ReadUInt16BigEndian(payload[(offset + 1)..]);
        }
        byte[] tampered = Rewritten(file, 1, p => { p[offset + length - 1] ^= 1; return p; });
        var report = NewVerifier().Read(new MemoryStream(tampered));
        Assert.NotNull(report);
        Assert.False(report.Ok);
        Assert.Equal("entry_format", report.Rule);
        Assert.Equal(3, report.FailedAtHeight);
    }

    [Fact]
    public void a_block_with_a_forged_seal_is_reported_when_it_arrives()
    {
        var forger = SigningKey.Generate();
        Block real = Blocks[1];
        Block forged = Block.Seal(real.Number, real.FirstHeight, real.TreeSize, real.MerkleRoot, real.PreviousBlockHash, real.SealedAtMs, forger);
        using var stream = new MemoryStream();
        using (var writer = new ChainExportWriter(stream, FullHeader()))
        {
            for (int h = 0; h < real.TreeSize; h++)
            {
                writer.WriteEntry(Entries[h]);
                if (Blocks.FirstOrDefault(b => b.TreeSize == h + 1) is { } block) writer.WriteBlock(block == real ? forged : block);
            }
            writer.Finish();
        }
        var report = NewVerifier().Read(new MemoryStream(stream.ToArray()));
        Assert.Equal("block", report!.Rule);
        Assert.Equal(real.TreeSize - 1, report.FailedAtHeight);
        Assert.Contains("signature", report.Explanation);
    }

    [Fact]
    public void a_replay_given_stored_blocks_does_not_also_take_streamed_ones()
    {
        var replay = new ChainReplay(Community.ChainId, ManagedSchnorrVerifier.Instance, Blocks);
        Assert.Throws<InvalidOperationException>(() => replay.CheckBlock(Blocks[0]));
    }
}
