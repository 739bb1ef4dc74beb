using System.Buffers.Binary;
using Heerlen.Munt.Ledger.Chain;
using Heerlen.Munt.Ledger.Chain.Export;
using Heerlen.Munt.Ledger.Commands;
using Heerlen.Munt.Ledger.Crypto;
using Heerlen.Munt.Ledger.Money;
using Heerlen.Munt.Ledger.Tests.Support;

namespace Heerlen.Munt.Ledger.Tests.Chain.Export;

/// <summary>
/// A real chain (signed commands through a <see cref="LedgerEngine"/>, blocks every 7 entries so they land everywhere in
/// a segment) built once, and helpers to export it whole or in parts and to look at a file's segments.
/// </summary>
internal static class ExportFixture
{
    public const long ExportedAtMs = 1_790_000_000_000;

    private static readonly Lazy<Community> Built = new(Build);

    public static Community Chain => Built.Value;

    public static IReadOnlyList<Entry> Entries => Chain.Engine.Entries;

    public static IReadOnlyList<Block> Blocks => Chain.Engine.Blocks;

    private static Community Build()
    {
        var c = new Community(policy: new BlockPolicy(EntriesMax: 7, IntervalMs: long.MaxValue));
        var shops = Enumerable.Range(0, 3).Select(_ => c.NewMerchant()).ToList();
        var earners = Enumerable.Range(0, 8).Select(_ => c.NewEarner(20)).ToList();
        foreach (var (earner, i) in earners.Select((e, i) => (e, i)))
        {
            c.NowMs += 60_000;
            var pay = c.Header(earner);
            Community.Ok(c.Submit(new Pay(shops[i % 3].PublicKey, Amount.FromEuros(3 + i), i % 2 == 0 ? PaymentRequestId.New() : null) { Header = pay }, earner));
            if (i % 3 == 0) Community.Ok(c.Submit(new Refund(earner.PublicKey, pay.Id, Amount.FromEuros(1)) { Header = c.Header(shops[i % 3]) }, shops[i % 3]));
        }
        // A recorded rejection: more than the resident holds.
        var rejected = c.Submit(new Pay(shops[0].PublicKey, Amount.FromEuros(500), null) { Header = c.Header(earners[0]) }, earners[0]);
        if (rejected.Code != RejectionCode.InsufficientFunds) throw new InvalidOperationException("the fixture expected a recorded rejection");
        var redeem = c.Header(shops[1]);
        Community.Ok(c.Submit(new Redeem(Amount.FromEuros(5)) { Header = redeem }, shops[1]));
        Community.Ok(c.Submit(new SettleRedemption(shops[1].PublicKey, redeem.Id, "HM-2026-000042") { Header = c.Header(c.Officer1) }, c.Officer1));
        c.NewAccount(); // a few entries after the last block: an export usually ends between blocks
        return c;
    }

    public static ExportHeader FullHeader() => ExportHeader.Full(Community.ChainId, Chain.Operator.PublicKey, ExportedAtMs, "https://munt.heerlen.example");

    /// <summary>The header of an export of entries from <paramref name="from"/>.</summary>
    public static ExportHeader HeaderFrom(long from) => from == 0
        ? FullHeader()
        : ExportHeader.Incremental(Community.ChainId, from, Entries[(int)from - 1].Hash, Blocks.LastOrDefault(b => b.TreeSize <= from), Chain.Operator.PublicKey, ExportedAtMs, "test");

    /// <summary>Exports entries <paramref name="from"/> … <paramref name="to"/> − 1 and the blocks they complete.</summary>
    public static byte[] ExportFile(long from = 0, long? to = null, int segmentRecordsMax = 4096)
    {
        long end = to ?? Entries.Count;
        using var stream = new MemoryStream();
        using (var writer = new ChainExportWriter(stream, HeaderFrom(from), new ChainExportWriterOptions(segmentRecordsMax)))
        {
            for (long h = from; h < end; h++)
            {
                writer.WriteEntry(Entries[(int)h]);
                if (Blocks.FirstOrDefault(b => b.TreeSize == h + 1) is { } block) writer.WriteBlock(block);
            }
            writer.Finish();
        }
        return stream.ToArray();
    }

    public static (ExportHeader Header, List<ExportRecord> Records, ExportSummary Summary) Read(byte[] file)
    {
        using var reader = new ChainExportReader(new MemoryStream(file));
        var records = reader.Records().ToList();
        return (reader.Header, records, reader.Summary!);
    }

    public static ExportFormatException Damaged(byte[] file) => Assert.Throws<ExportFormatException>(() => Read(file));

    /// <summary>Where each segment is in a well-formed file.</summary>
    public static List<Segment> Segments(byte[] file)
    {
        var segments = new List<Segment>();
        int offset = 8;
        while (offset < file.Length)
        {
            byte kind = file[offset];
            int length = (int)BinaryPrimitives.ReadUInt32BigEndian(file.AsSpan(offset + 5, 4));
            int size = ExportFormat.SegmentPrefixBytes + length + ExportFormat.ChecksumBytes;
            segments.Add(new Segment(offset, size, kind, BinaryPrimitives.ReadUInt32BigEndian(file.AsSpan(offset + 1, 4))));
            offset += size;
        }
        return segments;
    }

    /// <summary>The file with its segments rearranged (by index into <see cref="Segments"/>).</summary>
    public static byte[] Reassemble(byte[] file, IEnumerable<int> order)
    {
        var segments = Segments(file);
        var bytes = new List<byte>(file.Take(8));
        foreach (int i in order) bytes.AddRange(file.AsSpan(segments[i].Offset, segments[i].Size).ToArray());
        return [.. bytes];
    }

    /// <summary>Replaces a segment's payload and recomputes its checksum: damage that only the structure rules can find.</summary>
    public static byte[] Rewritten(byte[] file, int segmentIndex, Func<byte[], byte[]> change)
    {
        var s = Segments(file)[segmentIndex];
        byte[] payload = change(file.AsSpan(s.Offset + ExportFormat.SegmentPrefixBytes, s.Size - ExportFormat.SegmentPrefixBytes - ExportFormat.ChecksumBytes).ToArray());
        var segment = new byte[ExportFormat.SegmentPrefixBytes + payload.Length + ExportFormat.ChecksumBytes];
        file.AsSpan(s.Offset, 5).CopyTo(segment);
        BinaryPrimitives.WriteUInt32BigEndian(segment.AsSpan(5, 4), (uint)payload.Length);
        payload.CopyTo(segment.AsSpan(ExportFormat.SegmentPrefixBytes));
        Hash32.Sha256(segment.AsSpan(0, ExportFormat.SegmentPrefixBytes + payload.Length)).Span.CopyTo(segment.AsSpan(ExportFormat.SegmentPrefixBytes + payload.Length));
        return [.. file.AsSpan(0, s.Offset), .. segment, .. file.AsSpan(s.Offset + s.Size)];
    }

    /// <summary>Verifies the records of one or more exports, read in order, as one chain (blocks are collected first: they are few).</summary>
    public static VerificationReport Verify(IEnumerable<ExportRecord> records)
    {
        var list = records.ToList();
        return ChainVerifier.Verify(Community.ChainId,
            list.Where(r => r.Kind == ExportRecordKind.Entry).Select(r => r.EntryBytes!),
            list.Where(r => r.Kind == ExportRecordKind.Block).Select(r => r.Block!),
            ManagedSchnorrVerifier.Instance);
    }
}

internal sealed record Segment(int Offset, int Size, byte Kind, uint RecordCount);
