using System.Buffers.Binary;
using System.Security.Cryptography;
using Heerlen.Munt.Ledger.Canonical;
using Heerlen.Munt.Ledger.Crypto;

namespace Heerlen.Munt.Ledger.Chain.Export;

/// <summary>Options of a <see cref="ChainExportWriter"/>.</summary>
/// <param name="SegmentRecordsMax">Most records in one segment (a segment is also cut before its payload would pass <see cref="ExportFormat.PayloadBytesMax"/>).</param>
public sealed record ChainExportWriterOptions(int SegmentRecordsMax = 4096);

/// <summary>
/// Writes an export file (docs/chain-format.md, "Export file") to a caller's stream, a segment at a time, so
/// memory stays bounded by one segment. It checks the order of what it is given — entries consecutive from the
/// header's first height and linked by their previous-hash fields, each block right after the entry that completes
/// its tree size — and throws <see cref="InvalidOperationException"/> on misuse. It does not check signatures,
/// hashes or Merkle roots: that is the verifier's job, on the reading side.
/// </summary>
public sealed class ChainExportWriter : IDisposable
{
    private readonly Stream _output;
    private readonly int _segmentRecordsMax;
    private readonly IncrementalHash _runningDigest = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private readonly IncrementalHash _segmentHash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private readonly CanonicalWriter _payload = new(64 * 1024);
    private readonly long _firstHeight;
    private int _payloadRecords;
    private long _blockCount;
    private Hash32 _lastEntryHash;
    private long _lastBlockNumber;
    private Hash32 _lastBlockHash;
    private bool _lastWasEntry;
    private bool _finished;
    private bool _disposed;

    /// <summary>Writes the magic and the header segment at once.</summary>
    public ChainExportWriter(Stream output, ExportHeader header, ChainExportWriterOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(header);
        if (header.Problem() is { } problem) throw new ArgumentException(problem, nameof(header));
        int recordsMax = (options ?? new ChainExportWriterOptions()).SegmentRecordsMax;
        ArgumentOutOfRangeException.ThrowIfLessThan(recordsMax, 1, nameof(options));
        _output = output;
        _segmentRecordsMax = recordsMax;
        Header = header;
        _firstHeight = header.FirstHeight;
        NextHeight = header.FirstHeight;
        _lastEntryHash = header.PreviousEntryHash;
        _lastBlockNumber = header.PreviousBlockNumber;
        _lastBlockHash = header.PreviousBlockHash;
        _output.Write(ExportFormat.Magic);
        ExportCodec.WriteHeader(_payload, header);
        WriteSegment(ExportFormat.HeaderSegment, 0);
    }

    /// <summary>The header written at the start.</summary>
    public ExportHeader Header { get; }

    /// <summary>Height the next entry must have.</summary>
    public long NextHeight { get; private set; }

    /// <summary>Number the next block must have.</summary>
    public long NextBlockNumber => _lastBlockNumber + 1;

    /// <summary>Writes the next entry.</summary>
    public void WriteEntry(Entry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        WriteEntry(entry.Encode());
    }

    /// <summary>Writes the next entry, given in its stored form (docs/chain-format.md, "Entry").</summary>
    public void WriteEntry(ReadOnlySpan<byte> encodedEntry)
    {
        EnsureWritable();
        if (encodedEntry.Length is < ExportFormat.EntryBytesMin or > Entry.EncodedBytesMax || encodedEntry[0] != Entry.Version)
            throw new ArgumentException("not a stored entry (size or version)", nameof(encodedEntry));
        ulong height = BinaryPrimitives.ReadUInt64BigEndian(encodedEntry[1..9]);
        if (height != (ulong)NextHeight)
            throw new InvalidOperationException($"entries must be consecutive: expected height {NextHeight}, got {height}");
        if (!encodedEntry.Slice(9, Hash32.Size).SequenceEqual(_lastEntryHash.Span))
            throw new InvalidOperationException($"the entry at height {height} does not link to the entry before it (or to the header's previous entry hash)");
        MakeRoomFor(1 + 2 + encodedEntry.Length);
        _payload.U8(ExportFormat.EntryTag);
        _payload.Bytes16(encodedEntry);
        _payloadRecords++;
        _lastEntryHash = new Hash32(encodedEntry[^Hash32.Size..]);
        _lastWasEntry = true;
        NextHeight++;
    }

    /// <summary>Writes a block; it must come right after the entry that completes its tree size.</summary>
    public void WriteBlock(Block block)
    {
        ArgumentNullException.ThrowIfNull(block);
        EnsureWritable();
        if (!_lastWasEntry || block.TreeSize != NextHeight)
            throw new InvalidOperationException($"block {block.Number} (tree size {block.TreeSize}) must come right after entry {block.TreeSize - 1}; the last record written was {(_lastWasEntry ? $"entry {NextHeight - 1}" : "not an entry")}");
        if (block.Number != NextBlockNumber)
            throw new InvalidOperationException($"blocks must be consecutive: expected block {NextBlockNumber}, got {block.Number}");
        if (block.PreviousBlockHash != _lastBlockHash)
            throw new InvalidOperationException($"block {block.Number} does not link to the block before it (or to the header's previous block)");
        MakeRoomFor(1 + Block.EncodedBytes);
        _payload.U8(ExportFormat.BlockTag);
        _payload.Fixed(block.Encode());
        _payloadRecords++;
        _blockCount++;
        _lastBlockNumber = block.Number;
        _lastBlockHash = block.Hash;
        _lastWasEntry = false;
    }

    /// <summary>Writes the records still buffered and the end segment, and flushes the stream. Nothing can be written after.</summary>
    public ExportSummary Finish()
    {
        EnsureWritable();
        FlushRecords();
        var summary = new ExportSummary(_firstHeight, NextHeight - _firstHeight, _blockCount, _lastEntryHash, _lastBlockNumber, _lastBlockHash);
        Span<byte> digest = stackalloc byte[Hash32.Size];
        _runningDigest.GetCurrentHash(digest);
        ExportCodec.WriteEnd(_payload, summary, new Hash32(digest));
        WriteSegment(ExportFormat.EndSegment, 0);
        _output.Flush();
        _finished = true;
        return summary;
    }

    /// <summary>Releases the hashes. Does not finish the file (an unfinished file reads as truncated) nor close the stream.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        _runningDigest.Dispose();
        _segmentHash.Dispose();
    }

    private void EnsureWritable()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_finished) throw new InvalidOperationException("the export is finished; nothing can be written after its end segment");
    }

    private void MakeRoomFor(int recordBytes)
    {
        if (_payloadRecords >= _segmentRecordsMax || _payload.Length + recordBytes > ExportFormat.PayloadBytesMax) FlushRecords();
    }

    private void FlushRecords()
    {
        if (_payloadRecords == 0) return;
        WriteSegment(ExportFormat.RecordsSegment, (uint)_payloadRecords);
        _payloadRecords = 0;
    }

    /// <summary>Writes the buffered payload as one segment and empties the buffer.</summary>
    private void WriteSegment(byte kind, uint recordCount)
    {
        Span<byte> prefix = stackalloc byte[ExportFormat.SegmentPrefixBytes];
        prefix[0] = kind;
        BinaryPrimitives.WriteUInt32BigEndian(prefix[1..5], recordCount);
        BinaryPrimitives.WriteUInt32BigEndian(prefix[5..9], (uint)_payload.Length);
        Span<byte> checksum = stackalloc byte[ExportFormat.ChecksumBytes];
        _segmentHash.AppendData(prefix);
        _segmentHash.AppendData(_payload.WrittenSpan);
        _segmentHash.GetHashAndReset(checksum);
        _output.Write(prefix);
        _output.Write(_payload.WrittenSpan);
        _output.Write(checksum);
        _runningDigest.AppendData(checksum);
        _payload.Clear();
    }
}
