using System.Buffers.Binary;
using System.Security.Cryptography;
using Heerlen.Munt.Ledger.Canonical;
using Heerlen.Munt.Ledger.Crypto;

namespace Heerlen.Munt.Ledger.Chain.Export;

/// <summary>
/// Reads an export file (docs/chain-format.md, "Export file") from a caller's stream, a segment at a time: memory is
/// bounded by one segment whatever the file says. It checks the file's own structure — magic, each segment's length and
/// checksum, the order of segments, records consecutive in height and blocks right after their last entry, the totals
/// and running digest of the end segment — and throws <see cref="ExportFormatException"/> (and nothing else) on any bad
/// byte. It does not check hashes, links, signatures or rules: feed the records to a verifier for that.
/// </summary>
public sealed class ChainExportReader : IDisposable
{
    private readonly Stream _input;
    private readonly IncrementalHash _runningDigest = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private byte[] _buffer = new byte[64 * 1024];
    private ExportHeader? _header;
    private int _segmentIndex = -1;

    // What the records parsed so far say (ahead of what was handed out, by up to one segment).
    private long _expectedHeight;
    private long _entryCount;
    private long _blockCount;
    private Hash32 _lastEntryHash;
    private long _lastBlockNumber;
    private Hash32 _lastBlockHash;
    private bool _lastWasEntry;
    private Hash32 _digestBeforeEnd = Hash32.Zero;
    private bool _disposed;

    /// <summary>Reads from <paramref name="input"/>, which it does not close.</summary>
    public ChainExportReader(Stream input)
    {
        ArgumentNullException.ThrowIfNull(input);
        _input = input;
    }

    /// <summary>The header; read (with the magic) on first use.</summary>
    public ExportHeader Header => _header ??= ReadHeader();

    /// <summary>Height of the next entry the record stream will hand out (after the last one handed out).</summary>
    public long NextHeight { get; private set; }

    /// <summary>The totals of the end segment, checked against the records; null until the records are read to the end.</summary>
    public ExportSummary? Summary { get; private set; }

    /// <summary>
    /// The records in chain order, a segment at a time (each segment is read and checked whole before its first record is
    /// handed out). Ends after the end segment was checked, when <see cref="Summary"/> is set.
    /// </summary>
    public IEnumerable<ExportRecord> Records()
    {
        _ = Header;
        while (Summary is null)
        {
            foreach (var record in ReadNextSegment())
            {
                if (record.Kind == ExportRecordKind.Entry) NextHeight = record.Height + 1;
                yield return record;
            }
        }
    }

    /// <summary>Reads every record and returns the summary (to check a file's structure, or to skip to its end).</summary>
    public ExportSummary ReadToEnd()
    {
        foreach (var _ in Records()) { }
        return Summary!;
    }

    /// <summary>Releases the running digest. Does not close the stream.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        _runningDigest.Dispose();
    }

    private ExportHeader ReadHeader()
    {
        Span<byte> magic = stackalloc byte[8];
        int read = _input.ReadAtLeast(magic, magic.Length, throwOnEndOfStream: false);
        if (!magic[..read].SequenceEqual(ExportFormat.Magic[..read]))
            throw Fail("export_magic", "the file does not start with HMEXPORT: it is not a Heerlen Munt export", -1, null);
        if (read < magic.Length) throw Fail("export_truncated", "the file ends inside the magic", -1, null);
        var (kind, count, payload) = ReadSegment(null);
        if (kind != ExportFormat.HeaderSegment) throw Fail("export_segment_order", $"the first segment is of kind {kind}, not the header", null);
        if (count != 0) throw Fail("export_header", "the header segment has a record count", null);
        ExportHeader header;
        try
        {
            header = ExportCodec.ReadHeader(payload.Span);
        }
        catch (DecodeException e)
        {
            throw Fail("export_header", e.Message, null);
        }
        _expectedHeight = NextHeight = header.FirstHeight;
        _lastEntryHash = header.PreviousEntryHash;
        _lastBlockNumber = header.PreviousBlockNumber;
        _lastBlockHash = header.PreviousBlockHash;
        return header;
    }

    /// <summary>Reads one segment after the header: its records, or none if it is the end (then sets the summary).</summary>
    private List<ExportRecord> ReadNextSegment()
    {
        long firstHeight = _expectedHeight;
        var (kind, count, payload) = ReadSegment(firstHeight);
        switch (kind)
        {
            case ExportFormat.RecordsSegment:
                return ParseRecords(payload.Span, count, firstHeight);
            case ExportFormat.EndSegment:
                var summary = CheckEnd(payload.Span, count, firstHeight);
                if (_input.ReadByte() != -1) throw Fail("export_trailing_bytes", "there are bytes after the end segment", firstHeight);
                Summary = summary;
                return [];
            case ExportFormat.HeaderSegment:
                throw Fail("export_segment_order", "a second header segment", firstHeight);
            default:
                throw Fail("export_segment_order", $"segment kind {kind} is unknown", firstHeight);
        }
    }

    private List<ExportRecord> ParseRecords(ReadOnlySpan<byte> payload, uint count, long firstHeight)
    {
        if (count == 0) throw Fail("export_record", "a records segment without records", firstHeight);
        var records = new List<ExportRecord>((int)Math.Min(count, 65_536));
        try
        {
            var r = new CanonicalReader(payload);
            for (uint i = 0; i < count; i++)
            {
                // The first record must carry on from the segment before; if not, a segment is missing or out of order.
                string orderRule = i == 0 ? "export_segment_order" : "export_record";
                byte tag = r.U8();
                if (tag == ExportFormat.EntryTag) records.Add(ParseEntry(r.Bytes16(), orderRule, firstHeight));
                else if (tag == ExportFormat.BlockTag) records.Add(ParseBlock(r.Fixed(Block.EncodedBytes), orderRule, firstHeight));
                else throw Fail("export_record", $"record {i} has tag {tag}, neither entry (1) nor block (2)", firstHeight);
            }
            r.ExpectEnd();
        }
        catch (DecodeException e)
        {
            throw Fail("export_record", $"the records do not fill the payload: {e.Message}", firstHeight);
        }
        return records;
    }

    private ExportRecord ParseEntry(ReadOnlySpan<byte> bytes, string orderRule, long firstHeight)
    {
        if (bytes.Length is < ExportFormat.EntryBytesMin or > Entry.EncodedBytesMax || bytes[0] != Entry.Version)
            throw Fail("export_record", $"the entry record after height {_expectedHeight - 1} is not a stored entry (size or version)", firstHeight);
        ulong height = BinaryPrimitives.ReadUInt64BigEndian(bytes[1..9]);
        if (height != (ulong)_expectedHeight)
            throw new ExportFormatException(orderRule, _segmentIndex, firstHeight, $"expected the entry at height {_expectedHeight}, found height {height}: an entry is missing, doubled or out of order", _expectedHeight);
        var record = ExportRecord.ForEntry(_expectedHeight, bytes.ToArray());
        _lastEntryHash = new Hash32(bytes[^Hash32.Size..]);
        _lastWasEntry = true;
        _expectedHeight++;
        _entryCount++;
        return record;
    }

    private ExportRecord ParseBlock(ReadOnlySpan<byte> bytes, string orderRule, long firstHeight)
    {
        if (!Block.TryDecode(bytes, out var block, out string problem))
            throw Fail("export_record", $"the block record after height {_expectedHeight - 1} does not decode: {problem}", firstHeight);
        if (!_lastWasEntry || block!.TreeSize != _expectedHeight)
            throw Fail(orderRule, $"block {block!.Number} (tree size {block.TreeSize}) is not right after entry {block.TreeSize - 1}", firstHeight);
        if (block.Number != _lastBlockNumber + 1)
            throw Fail(orderRule, $"expected block {_lastBlockNumber + 1}, found block {block.Number}", firstHeight);
        _lastBlockNumber = block.Number;
        _lastBlockHash = block.Hash;
        _lastWasEntry = false;
        _blockCount++;
        return ExportRecord.ForBlock(block);
    }

    private ExportSummary CheckEnd(ReadOnlySpan<byte> payload, uint count, long firstHeight)
    {
        if (count != 0) throw Fail("export_totals", "the end segment has a record count", firstHeight);
        ExportSummary stated;
        Hash32 statedDigest;
        try
        {
            (stated, statedDigest) = ExportCodec.ReadEnd(payload, Header.FirstHeight);
        }
        catch (DecodeException e)
        {
            throw Fail("export_totals", $"the end segment does not decode: {e.Message}", firstHeight);
        }
        var counted = new ExportSummary(Header.FirstHeight, _entryCount, _blockCount, _lastEntryHash, _lastBlockNumber, _lastBlockHash);
        if (stated != counted)
            throw Fail("export_totals", $"the end states {stated.EntryCount} entries and {stated.BlockCount} blocks ending at the hashes given; the file holds {counted.EntryCount} and {counted.BlockCount}{(stated.EntryCount == counted.EntryCount && stated.BlockCount == counted.BlockCount ? " but the last hashes differ" : "")}", firstHeight);
        if (statedDigest != _digestBeforeEnd)
            throw Fail("export_segment_order", "the running digest does not match: segments were removed, added or reordered", firstHeight);
        return counted;
    }

    /// <summary>Reads one whole segment and checks its length and checksum before anything in it is believed.</summary>
    private (byte Kind, uint Count, ReadOnlyMemory<byte> Payload) ReadSegment(long? firstHeight)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        _segmentIndex++;
        int prefixRead = _input.ReadAtLeast(_buffer.AsSpan(0, ExportFormat.SegmentPrefixBytes), ExportFormat.SegmentPrefixBytes, throwOnEndOfStream: false);
        if (prefixRead == 0)
            throw Fail("export_truncated", _segmentIndex == 0 ? "the file ends after the magic" : $"the file ends after segment {_segmentIndex - 1}, before its end segment", firstHeight);
        if (prefixRead < ExportFormat.SegmentPrefixBytes) throw Fail("export_truncated", "the file ends inside a segment's prefix", firstHeight);
        byte kind = _buffer[0];
        uint count = BinaryPrimitives.ReadUInt32BigEndian(_buffer.AsSpan(1, 4));
        uint length = BinaryPrimitives.ReadUInt32BigEndian(_buffer.AsSpan(5, 4));
        if (length > ExportFormat.PayloadBytesMax)
            throw Fail("export_segment_length", $"the payload length {length} is above the limit of {ExportFormat.PayloadBytesMax} bytes", firstHeight);
        int total = ExportFormat.SegmentPrefixBytes + (int)length + ExportFormat.ChecksumBytes;
        if (_buffer.Length < total)
        {
            var bigger = new byte[Math.Max(total, Math.Min(_buffer.Length * 2, ExportFormat.PayloadBytesMax + 64))];
            _buffer.AsSpan(0, ExportFormat.SegmentPrefixBytes).CopyTo(bigger);
            _buffer = bigger;
        }
        int rest = total - ExportFormat.SegmentPrefixBytes;
        if (_input.ReadAtLeast(_buffer.AsSpan(ExportFormat.SegmentPrefixBytes, rest), rest, throwOnEndOfStream: false) < rest)
            throw Fail("export_truncated", "the file ends inside a segment", firstHeight);
        Span<byte> computed = stackalloc byte[ExportFormat.ChecksumBytes];
        SHA256.HashData(_buffer.AsSpan(0, total - ExportFormat.ChecksumBytes), computed);
        var stored = _buffer.AsSpan(total - ExportFormat.ChecksumBytes, ExportFormat.ChecksumBytes);
        if (!computed.SequenceEqual(stored)) throw Fail("export_segment_checksum", "the segment's checksum does not match its bytes", firstHeight);
        Span<byte> digest = stackalloc byte[Hash32.Size];
        _runningDigest.GetCurrentHash(digest);
        _digestBeforeEnd = new Hash32(digest);
        _runningDigest.AppendData(stored);
        return (kind, count, _buffer.AsMemory(ExportFormat.SegmentPrefixBytes, (int)length));
    }

    private ExportFormatException Fail(string rule, string explanation, long? firstHeight) => Fail(rule, explanation, _segmentIndex, firstHeight);

    private static ExportFormatException Fail(string rule, string explanation, int segment, long? firstHeight) => new(rule, segment, firstHeight, explanation);
}
