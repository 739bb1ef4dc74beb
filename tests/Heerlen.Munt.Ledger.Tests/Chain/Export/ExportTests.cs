using System.Buffers.Binary;
using Heerlen.Munt.Ledger.Chain;
using Heerlen.Munt.Ledger.Chain.Export;
using Heerlen.Munt.Ledger.Crypto;
using static Heerlen.Munt.Ledger.Tests.Chain.Export.ExportFixture;

namespace Heerlen.Munt.Ledger.Tests.Chain.Export;

public class When_a_chain_is_exported_and_read_back
{
    [Fact]
    public void the_records_are_the_chains_entries_and_blocks_in_order_and_verify()
    {
        var (header, records, summary) = Read(ExportFile());
        Assert.Equal(FullHeader(), header);
        var entries = records.Where(r => r.Kind == ExportRecordKind.Entry).ToList();
        Assert.Equal(Entries.Select(e => e.Encode()), entries.Select(r => r.EntryBytes!));
        Assert.Equal(Enumerable.Range(0, Entries.Count).Select(i => (long)i), entries.Select(r => r.Height));
        Assert.Equal(Blocks.Select(b => b.Encode()), records.Where(r => r.Kind == ExportRecordKind.Block).Select(r => r.Block!.Encode()));
        Assert.Equal(new ExportSummary(0, Entries.Count, Blocks.Count, Entries[^1].Hash, Blocks[^1].Number, Blocks[^1].Hash), summary);
        var report = Verify(records);
        Assert.True(report.Ok, report.ToString());
        Assert.Equal(Blocks.Count, report.BlocksVerified);
    }

    [Fact]
    public void every_block_comes_right_after_the_entry_that_completes_it()
    {
        var records = Read(ExportFile()).Records;
        for (int i = 0; i < records.Count; i++)
        {
            if (records[i].Kind != ExportRecordKind.Block) continue;
            Assert.Equal(ExportRecordKind.Entry, records[i - 1].Kind);
            Assert.Equal(records[i].Block!.TreeSize - 1, records[i - 1].Height);
        }
    }

    [Fact]
    public void the_reader_says_which_height_the_record_stream_is_at()
    {
        using var reader = new ChainExportReader(new MemoryStream(ExportFile()));
        Assert.Equal(0, reader.NextHeight);
        foreach (var record in reader.Records())
            Assert.Equal(record.Kind == ExportRecordKind.Entry ? record.Height + 1 : record.Block!.TreeSize, reader.NextHeight);
        Assert.Equal(Entries.Count, reader.NextHeight);
        Assert.NotNull(reader.Summary);
    }

    [Fact]
    public void the_same_chain_gives_the_same_bytes()
    {
        Assert.Equal(ExportFile(), ExportFile());
    }
}

public class When_segments_are_small
{
    public static TheoryData<int> Sizes() => [1, 2, 3, 5, 6, 7, 8, 9, 13, 16, 31, 64, 4096];

    [Theory]
    [MemberData(nameof(Sizes))]
    public void the_records_read_back_the_same_at_every_segment_size(int recordsMax)
    {
        byte[] file = ExportFile(segmentRecordsMax: recordsMax);
        var (_, records, summary) = Read(file);
        var whole = Read(ExportFile()).Records;
        Assert.Equal(whole.Select(Describe), records.Select(Describe));
        Assert.Equal(Entries.Count, summary.EntryCount);
        var segments = Segments(file);
        int recordCount = Entries.Count + Blocks.Count;
        Assert.Equal((recordCount + recordsMax - 1) / recordsMax + 2, segments.Count);
        Assert.All(segments.Skip(1).SkipLast(1), s => Assert.True(s.RecordCount <= recordsMax));
        Assert.Equal(ExportFormat.HeaderSegment, segments[0].Kind);
        Assert.Equal(ExportFormat.EndSegment, segments[^1].Kind);
    }

    [Fact]
    public void a_block_lands_first_in_a_segment_when_its_entry_filled_the_segment_before()
    {
        // With segments of 7 records, some segment starts with a block (blocks every 7 entries shift against them).
        byte[] file = ExportFile(segmentRecordsMax: 7);
        var segments = Segments(file);
        bool found = segments.Any(s => s.Kind == ExportFormat.RecordsSegment && file[s.Offset + ExportFormat.SegmentPrefixBytes] == ExportFormat.BlockTag);
        Assert.True(found, "no segment started with a block: the test no longer covers the boundary");
        Assert.True(Verify(Read(file).Records).Ok);
    }

    internal static string Describe(ExportRecord r) => r.Kind == ExportRecordKind.Entry ? $"e{r.Height}:{Convert.ToHexString(r.EntryBytes!)}" : $"b{r.Block!.Number}:{r.Block.Hash}";
}

public class When_a_chain_is_exported_incrementally
{
    public static TheoryData<int> SplitPoints()
    {
        var data = new TheoryData<int>();
        foreach (int h in new[] { 1, 2, 5, 6, 7, 8, 13, 14, 15, 30 }) data.Add(h);
        return data;
    }

    [Theory]
    [MemberData(nameof(SplitPoints))]
    public void a_full_export_and_the_increments_after_it_read_as_the_whole_chain(int split)
    {
        int second = Math.Min(Entries.Count, split * 2 + 3);
        byte[][] files = [ExportFile(0, split, 5), ExportFile(split, second, 4), ExportFile(second, null, 6), ExportFile(Entries.Count, null)];
        var all = new List<ExportRecord>();
        ExportSummary? previous = null;
        foreach (byte[] file in files)
        {
            var (header, records, summary) = Read(file);
            if (previous is not null) Assert.Null(previous.ContinuationProblem(header));
            all.AddRange(records);
            previous = summary;
        }
        Assert.Equal(Read(ExportFile()).Records.Select(When_segments_are_small.Describe), all.Select(When_segments_are_small.Describe));
        var report = Verify(all);
        Assert.True(report.Ok, report.ToString());
    }

    [Fact]
    public void an_increment_that_does_not_start_where_the_last_file_ended_is_not_a_continuation()
    {
        var first = Read(ExportFile(0, 10)).Summary;
        Assert.Null(first.ContinuationProblem(Read(ExportFile(10)).Header));
        Assert.Contains("starts at height 11", first.ContinuationProblem(Read(ExportFile(11)).Header));
        Assert.Contains("starts at height 9", first.ContinuationProblem(Read(ExportFile(9)).Header));
        var forged = HeaderFrom(10) with { PreviousEntryHash = Entries[8].Hash };
        Assert.Contains("previous entry", first.ContinuationProblem(forged));
        var otherBlock = HeaderFrom(10) with { PreviousBlockNumber = -1, PreviousBlockHash = Hash32.Zero };
        Assert.Contains("previous block", first.ContinuationProblem(otherBlock));
    }

    [Fact]
    public void an_empty_increment_at_the_head_ends_where_it_starts()
    {
        var (header, records, summary) = Read(ExportFile(Entries.Count));
        Assert.Empty(records);
        Assert.Equal(Entries.Count, summary.NextHeight);
        Assert.Equal(header.PreviousEntryHash, summary.LastEntryHash);
        Assert.Equal(Blocks[^1].Hash, summary.LastBlockHash);
    }
}

public class When_the_writer_is_misused
{
    [Fact]
    public void an_entry_out_of_order_is_refused()
    {
        using var writer = new ChainExportWriter(new MemoryStream(), FullHeader());
        writer.WriteEntry(Entries[0]);
        Assert.Throws<InvalidOperationException>(() => writer.WriteEntry(Entries[2]));
        Assert.Throws<InvalidOperationException>(() => writer.WriteEntry(Entries[0]));
        writer.WriteEntry(Entries[1]);
    }

    [Fact]
    public void an_increment_whose_first_entry_does_not_link_to_its_header_is_refused()
    {
        var header = HeaderFrom(10) with { PreviousEntryHash = Entries[3].Hash };
        using var writer = new ChainExportWriter(new MemoryStream(), header);
        Assert.Throws<InvalidOperationException>(() => writer.WriteEntry(Entries[10]));
    }

    [Fact]
    public void a_block_anywhere_but_right_after_its_last_entry_is_refused()
    {
        Block first = Blocks[0];
        using var writer = new ChainExportWriter(new MemoryStream(), FullHeader());
        Assert.Throws<InvalidOperationException>(() => writer.WriteBlock(first)); // before its entries
        for (int h = 0; h < first.TreeSize; h++) writer.WriteEntry(Entries[h]);
        Assert.Throws<InvalidOperationException>(() => writer.WriteBlock(Blocks[1])); // the wrong block
        writer.WriteBlock(first);
        Assert.Throws<InvalidOperationException>(() => writer.WriteBlock(first)); // twice
        writer.WriteEntry(Entries[(int)first.TreeSize]);
        writer.Finish();
        Assert.Throws<InvalidOperationException>(() => writer.WriteEntry(Entries[(int)first.TreeSize + 1])); // after the end
        Assert.Throws<InvalidOperationException>(() => writer.Finish());
    }

    [Fact]
    public void a_header_that_cannot_be_is_refused()
    {
        Assert.Throws<ArgumentException>(() => new ChainExportWriter(new MemoryStream(), FullHeader() with { ChainId = "Not A Chain" }));
        Assert.Throws<ArgumentException>(() => new ChainExportWriter(new MemoryStream(), FullHeader() with { PreviousBlockNumber = 0 }));
        Assert.Throws<ArgumentException>(() => new ChainExportWriter(new MemoryStream(), FullHeader() with { Source = new string('x', 256) }));
    }
}

public class When_an_export_file_is_damaged
{
    private static readonly byte[] File = ExportFile(segmentRecordsMax: 9);

    /// <summary>The first height each segment holds (null for the header), as the reader should report it.</summary>
    private static long? FirstHeightOf(int segmentIndex)
    {
        if (segmentIndex == 0) return null;
        long height = 0;
        foreach (var r in Read(File).Records.Take((segmentIndex - 1) * 9))
            if (r.Kind == ExportRecordKind.Entry) height = r.Height + 1;
        return height;
    }

    public static TheoryData<int> SegmentIndexes() => [.. Enumerable.Range(0, Segments(File).Count)];

    [Theory]
    [MemberData(nameof(SegmentIndexes))]
    public void a_flipped_byte_in_any_segment_is_found_by_its_checksum_with_the_segments_first_height(int index)
    {
        var s = Segments(File)[index];
        // The kind, the record count, a payload byte (first, middle, last) and a checksum byte; not the length (below).
        int[] offsets = [0, 1, 4, 9, 9 + (s.Size - 41) / 2, s.Size - 33, s.Size - 32, s.Size - 1];
        foreach (int offset in offsets.Distinct())
        {
            byte[] damaged = (byte[])File.Clone();
            damaged[s.Offset + offset] ^= 0x40;
            var e = Damaged(damaged);
            Assert.Equal("export_segment_checksum", e.Rule);
            Assert.Equal(index, e.SegmentIndex);
            Assert.Equal(FirstHeightOf(index), e.FirstHeight);
        }
    }

    [Theory]
    [MemberData(nameof(SegmentIndexes))]
    public void a_flipped_byte_in_a_length_field_is_found_and_named(int index)
    {
        var s = Segments(File)[index];
        for (int offset = 5; offset < 9; offset++)
        {
            byte[] damaged = (byte[])File.Clone();
            damaged[s.Offset + offset] ^= 0x01;
            var e = Damaged(damaged);
            Assert.Contains(e.Rule, new[] { "export_segment_checksum", "export_truncated", "export_segment_length" });
            Assert.Equal(index, e.SegmentIndex);
        }
    }

    [Fact]
    public void a_length_field_above_the_limit_is_refused_before_anything_is_allocated()
    {
        foreach (uint length in new uint[] { ExportFormat.PayloadBytesMax + 1, uint.MaxValue })
        {
            byte[] damaged = (byte[])File.Clone();
            BinaryPrimitives.WriteUInt32BigEndian(damaged.AsSpan(Segments(File)[1].Offset + 5), length);
            var e = Damaged(damaged);
            Assert.Equal("export_segment_length", e.Rule);
            Assert.Equal(1, e.SegmentIndex);
            Assert.Equal(0, e.FirstHeight);
        }
    }

    [Fact]
    public void a_truncated_file_is_reported_as_truncated_wherever_it_was_cut()
    {
        var cuts = new SortedSet<int>(Enumerable.Range(0, 20));
        foreach (var s in Segments(File))
            foreach (int d in new[] { 0, 1, 8, 9, 10, s.Size / 2, s.Size - 1 })
                cuts.Add(s.Offset + d);
        cuts.Add(File.Length - 1);
        foreach (int cut in cuts)
        {
            var e = Damaged(File[..cut]);
            Assert.True(e.Rule == "export_truncated", $"cut at {cut}: {e.Message}");
        }
    }

    [Fact]
    public void a_file_that_does_not_start_with_the_magic_is_not_an_export()
    {
        byte[] damaged = (byte[])File.Clone();
        damaged[3] = (byte)'x';
        var e = Damaged(damaged);
        Assert.Equal("export_magic", e.Rule);
        Assert.Equal(-1, e.SegmentIndex);
        Assert.Equal("export_magic", Damaged("PK\u0003\u0004 a zip file"u8.ToArray()).Rule);
    }

    [Fact]
    public void a_records_segment_removed_from_the_middle_is_found_where_the_heights_jump()
    {
        int count = Segments(File).Count;
        for (int removed = 1; removed < count - 2; removed++)
        {
            var e = Damaged(Reassemble(File, Enumerable.Range(0, count).Where(i => i != removed)));
            Assert.Equal("export_segment_order", e.Rule);
            Assert.Equal(removed, e.SegmentIndex);
        }
        // The last records segment: the end's totals no longer match.
        Assert.Equal("export_totals", Damaged(Reassemble(File, Enumerable.Range(0, count).Where(i => i != count - 2))).Rule);
        Assert.Equal("export_segment_order", Damaged(Reassemble(File, Enumerable.Range(1, count - 1))).Rule); // the header
        Assert.Equal("export_truncated", Damaged(Reassemble(File, Enumerable.Range(0, count - 1))).Rule); // the end
    }

    [Fact]
    public void two_segments_swapped_are_out_of_order()
    {
        int count = Segments(File).Count;
        for (int i = 1; i < count - 2; i++)
        {
            var order = Enumerable.Range(0, count).ToArray();
            (order[i], order[i + 1]) = (order[i + 1], order[i]);
            var e = Damaged(Reassemble(File, order));
            Assert.Equal("export_segment_order", e.Rule);
            Assert.Equal(i, e.SegmentIndex);
        }
        var headerSecond = Enumerable.Range(0, count).ToArray();
        (headerSecond[0], headerSecond[1]) = (headerSecond[1], headerSecond[0]);
        Assert.Equal("export_segment_order", Damaged(Reassemble(File, headerSecond)).Rule);
    }

    [Fact]
    public void an_end_segment_with_other_totals_is_found_even_with_a_good_checksum()
    {
        int end = Segments(File).Count - 1;
        var e = Damaged(Rewritten(File, end, p => { p[7] ^= 1; return p; })); // entry count
        Assert.Equal("export_totals", e.Rule);
        Assert.Equal(end, e.SegmentIndex);
        Assert.Equal(Entries.Count, e.FirstHeight);
        Assert.Equal("export_totals", Damaged(Rewritten(File, end, p => { p[20] ^= 1; return p; })).Rule); // last entry hash
    }

    [Fact]
    public void a_running_digest_that_does_not_match_the_segments_is_found()
    {
        int end = Segments(File).Count - 1;
        var e = Damaged(Rewritten(File, end, p => { p[^1] ^= 1; return p; }));
        Assert.Equal("export_segment_order", e.Rule);
        Assert.Contains("running digest", e.Message);
    }

    [Fact]
    public void records_that_do_not_fit_their_segment_are_found_even_with_a_good_checksum()
    {
        Assert.Equal("export_record", Damaged(Rewritten(File, 1, p => [.. p, 0])).Rule); // a byte too many
        Assert.Equal("export_record", Damaged(Rewritten(File, 1, p => p[..^1])).Rule); // a byte too few
        var e = Damaged(Rewritten(File, 1, p => { p[0] = 9; return p; })); // an unknown tag
        Assert.Equal("export_record", e.Rule);
        Assert.Equal(0, e.FirstHeight);
        // The second entry of the segment claims another height.
        int second = 1 + 2 + BinaryPrimitives.ReadUInt16BigEndian(File.AsSpan(Segments(File)[1].Offset + 10));
        var wrongHeight = Damaged(Rewritten(File, 1, p => { p[second + 2 + 8] ^= 1; return p; }));
        Assert.Equal("export_record", wrongHeight.Rule);
        Assert.Contains("expected the entry at height 1", wrongHeight.Message);
    }

    [Fact]
    public void a_header_that_cannot_be_is_found_even_with_a_good_checksum()
    {
        Assert.Equal("export_header", Damaged(Rewritten(File, 0, p => { p[0] = 2; return p; })).Rule); // version
        Assert.Equal("export_header", Damaged(Rewritten(File, 0, p => [.. p, 0])).Rule);
        Assert.Equal("export_header", Damaged(Rewritten(File, 0, p => { p[2] = (byte)'A'; return p; })).Rule); // chain id rule
    }

    [Fact]
    public void bytes_after_the_end_segment_are_refused()
    {
        Assert.Equal("export_trailing_bytes", Damaged([.. File, 0]).Rule);
        Assert.Equal("export_trailing_bytes", Damaged([.. File, .. File]).Rule);
    }

    [Fact]
    public void the_message_names_the_rule_the_segment_and_the_height()
    {
        byte[] damaged = (byte[])File.Clone();
        damaged[Segments(File)[2].Offset + 20] ^= 1;
        Assert.Equal("export damaged: export_segment_checksum: segment 2 (from height 8): the segment's checksum does not match its bytes", Damaged(damaged).Message);
    }
}
