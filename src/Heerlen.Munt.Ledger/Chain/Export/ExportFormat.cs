using Heerlen.Munt.Ledger.Accounts;
using Heerlen.Munt.Ledger.Crypto;

namespace Heerlen.Munt.Ledger.Chain.Export;

/// <summary>
/// Constants of the export file (docs/chain-format.md, "Export file"). Storage format: to be versioned with care.
/// A file is the magic, then segments (header, records…, end); each segment is
/// <c>kind u8 | record_count u32 | payload_length u32 | payload | checksum [32]</c>.
/// </summary>
public static class ExportFormat
{
    /// <summary>The first eight bytes of every export file: ASCII <c>HMEXPORT</c>.</summary>
    public static ReadOnlySpan<byte> Magic => "HMEXPORT"u8;

    /// <summary>Version of the export format, written first in the header segment.</summary>
    public const byte Version = 1;

    /// <summary>
    /// Largest payload of one segment. A reader never allocates more than this (plus the segment's fixed bytes)
    /// whatever the length field of a damaged or hostile file says.
    /// </summary>
    public const int PayloadBytesMax = 16 * 1024 * 1024;

    /// <summary>Bytes before the payload: kind u8, record count u32, payload length u32.</summary>
    public const int SegmentPrefixBytes = 1 + 4 + 4;

    /// <summary>Bytes after the payload: the SHA-256 checksum.</summary>
    public const int ChecksumBytes = Hash32.Size;

    /// <summary>Segment kind: the header, exactly one, first.</summary>
    public const byte HeaderSegment = 1;

    /// <summary>Segment kind: records (entries and blocks) in chain order.</summary>
    public const byte RecordsSegment = 2;

    /// <summary>Segment kind: the end, exactly one, last.</summary>
    public const byte EndSegment = 3;

    /// <summary>Record tag: an entry, as <c>bytes16</c> of its stored form.</summary>
    public const byte EntryTag = 1;

    /// <summary>Record tag: a block, its fixed-size stored form.</summary>
    public const byte BlockTag = 2;

    /// <summary>Smallest stored entry (an empty envelope; the chain never holds one, but the size bounds the check).</summary>
    internal const int EntryBytesMin = 1 + 8 + Hash32.Size + 8 + 2 + 2 + Hash32.Size;

    /// <summary>Largest record in a records payload: tag, u16 length, the largest entry.</summary>
    internal const int RecordBytesMax = 1 + 2 + Entry.EncodedBytesMax;
}

/// <summary>
/// What an export file says about itself before its records: which chain, where it starts, and what came before
/// (for an incremental export), so a verifier can tell whether it continues the files it already read.
/// </summary>
/// <param name="ChainId">The chain exported (the chain id rule of chain-format.md).</param>
/// <param name="FirstHeight">Height of the first entry in the file; 0 for a full export.</param>
/// <param name="PreviousEntryHash">Hash of the entry at <c>FirstHeight − 1</c>; zero for a full export.</param>
/// <param name="PreviousBlockNumber">Number of the last block wholly before <c>FirstHeight</c>, or −1 if none.</param>
/// <param name="PreviousBlockHash">Hash of that block, or zero if none.</param>
/// <param name="OperatorKey">The key that seals blocks. Informative: a verifier checks it against the EstablishChain at height 0.</param>
/// <param name="ExportedAtMs">When the file was written (unix ms), passed in by the caller.</param>
/// <param name="Source">Where it came from (e.g. a server URL), at most 255 bytes of UTF-8; may be empty.</param>
public sealed record ExportHeader(
    string ChainId,
    long FirstHeight,
    Hash32 PreviousEntryHash,
    long PreviousBlockNumber,
    Hash32 PreviousBlockHash,
    AccountId OperatorKey,
    long ExportedAtMs,
    string Source)
{
    /// <summary>The header of a full export, from height 0.</summary>
    public static ExportHeader Full(string chainId, AccountId operatorKey, long exportedAtMs, string source = "") =>
        new(chainId, 0, Hash32.Zero, -1, Hash32.Zero, operatorKey, exportedAtMs, source);

    /// <summary>
    /// The header of an export from <paramref name="firstHeight"/>: <paramref name="previousEntryHash"/> is the hash of
    /// entry <c>firstHeight − 1</c>, <paramref name="previousBlock"/> the last block with <c>TreeSize ≤ firstHeight</c>.
    /// </summary>
    public static ExportHeader Incremental(string chainId, long firstHeight, Hash32 previousEntryHash, Block? previousBlock, AccountId operatorKey, long exportedAtMs, string source = "") =>
        new(chainId, firstHeight, previousEntryHash, previousBlock?.Number ?? -1, previousBlock?.Hash ?? Hash32.Zero, operatorKey, exportedAtMs, source);

    /// <summary>Why these values cannot be a header, or null if they can.</summary>
    internal string? Problem() =>
        !Commands.FieldRules.IsChainId(ChainId) ? $"chain id '{ChainId}' breaks the chain id rule"
        : FirstHeight < 0 ? "first height is negative"
        : PreviousBlockNumber < -1 ? "previous block number is below −1"
        : FirstHeight == 0 && PreviousEntryHash != Hash32.Zero ? "a full export (first height 0) has a zero previous entry hash"
        : FirstHeight == 0 && PreviousBlockNumber != -1 ? "a full export (first height 0) has no previous block"
        : PreviousBlockNumber == -1 && PreviousBlockHash != Hash32.Zero ? "without a previous block the previous block hash is zero"
        : PreviousBlockNumber >= FirstHeight ? "more blocks before the first height than entries (blocks are never empty)"
        : OperatorKey.IsEmpty ? "the operator key is empty"
        : System.Text.Encoding.UTF8.GetByteCount(Source) > byte.MaxValue ? "source is longer than 255 bytes of UTF-8"
        : null;
}

/// <summary>What a whole export file held, as its end segment states it (and the reader checked).</summary>
/// <param name="FirstHeight">Height of the first entry (from the header).</param>
/// <param name="EntryCount">How many entries the file holds.</param>
/// <param name="BlockCount">How many blocks the file holds.</param>
/// <param name="LastEntryHash">Hash of the last entry in the file, or the header's previous entry hash if it holds none.</param>
/// <param name="LastBlockNumber">Number of the last block in the file, or the header's previous block number if it holds none.</param>
/// <param name="LastBlockHash">Hash of that block, or the header's previous block hash if the file holds none.</param>
public sealed record ExportSummary(long FirstHeight, long EntryCount, long BlockCount, Hash32 LastEntryHash, long LastBlockNumber, Hash32 LastBlockHash)
{
    /// <summary>Height of the entry after the last one in the file: where an incremental export continues.</summary>
    public long NextHeight => checked(FirstHeight + EntryCount);

    /// <summary>
    /// Why an export with header <paramref name="next"/> does not continue this one (first height, previous entry
    /// and previous block must be exactly where this one ended), or null if it does.
    /// </summary>
    public string? ContinuationProblem(ExportHeader next) =>
        next.FirstHeight != NextHeight ? $"the next export starts at height {next.FirstHeight}, this one ended before {NextHeight}"
        : next.PreviousEntryHash != LastEntryHash ? "the next export's previous entry hash is not this export's last entry"
        : next.PreviousBlockNumber != LastBlockNumber || next.PreviousBlockHash != LastBlockHash ? "the next export's previous block is not this export's last block"
        : null;
}

/// <summary>Which kind of record.</summary>
public enum ExportRecordKind
{
    /// <summary>A stored entry.</summary>
    Entry = 1,

    /// <summary>A sealed block.</summary>
    Block = 2,
}

/// <summary>One record of an export file, in chain order.</summary>
public sealed class ExportRecord
{
    private ExportRecord(ExportRecordKind kind, long height, byte[]? entryBytes, Block? block)
    {
        Kind = kind;
        Height = height;
        EntryBytes = entryBytes;
        Block = block;
    }

    /// <summary>Entry or block.</summary>
    public ExportRecordKind Kind { get; }

    /// <summary>For an entry, its height; for a block, the height of the last entry it covers (<c>TreeSize − 1</c>).</summary>
    public long Height { get; }

    /// <summary>The entry's stored bytes exactly as on the chain (not yet verified), or null for a block.</summary>
    public byte[]? EntryBytes { get; }

    /// <summary>The decoded block (not yet verified), or null for an entry.</summary>
    public Block? Block { get; }

    internal static ExportRecord ForEntry(long height, byte[] bytes) => new(ExportRecordKind.Entry, height, bytes, null);

    internal static ExportRecord ForBlock(Block block) => new(ExportRecordKind.Block, block.TreeSize - 1, null, block);
}

/// <summary>
/// An export file is damaged, is not an export file, or does not continue the files before it. The only exception a
/// <see cref="ChainExportReader"/> throws on bad bytes; <see cref="Rule"/> is stable, for programs, the message is for people.
/// </summary>
public sealed class ExportFormatException : Exception
{
    /// <summary>Makes the exception and its one-line message.</summary>
    public ExportFormatException(string rule, int segmentIndex, long? firstHeight, string explanation, long? height = null)
        : base($"export damaged: {rule}: {Where(segmentIndex, firstHeight)}{explanation}")
    {
        Rule = rule;
        SegmentIndex = segmentIndex;
        FirstHeight = firstHeight;
        Explanation = explanation;
        Height = height ?? firstHeight;
    }

    /// <summary>
    /// The broken rule: <c>export_magic</c>, <c>export_segment_length</c>, <c>export_segment_checksum</c>,
    /// <c>export_segment_order</c>, <c>export_header</c>, <c>export_record</c>, <c>export_totals</c>,
    /// <c>export_truncated</c> or <c>export_trailing_bytes</c> (munt-verify adds <c>export_continuation</c> and
    /// <c>export_header</c> across files).
    /// </summary>
    public string Rule { get; }

    /// <summary>Index of the damaged segment (the header is 0), or −1 if the damage is before the first segment.</summary>
    public int SegmentIndex { get; }

    /// <summary>Height of the first entry the damaged segment holds or would hold, if known.</summary>
    public long? FirstHeight { get; }

    /// <summary>One line in English.</summary>
    public string Explanation { get; }

    /// <summary>
    /// The height where the damage shows, as exactly as the reader knows it: the entry expected where another was found,
    /// else <see cref="FirstHeight"/>.
    /// </summary>
    public long? Height { get; }

    private static string Where(int segment, long? height) =>
        segment < 0 ? "" : height is { } h ? $"segment {segment} (from height {h}): " : $"segment {segment}: ";
}
